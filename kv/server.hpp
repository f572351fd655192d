#pragma once
// The server logic of the key/value service over one raft node, as a pure object: the
// runtime (sim/kv_lab.*) delivers requests, steps the raft node, and feeds back what the node
// said; the server says which replies to send. No clocks, no I/O.
//
// THE REQUEST PATH. Every operation, Gets included, is proposed to the raft node and
// answered only once its log index is applied: reads go through the log, so a deposed leader
// that still thinks it leads cannot answer from a stale copy (its Get never commits). A
// request is answered:
//   - kOk with the state machine's answer, when its index is applied carrying the same
//     (client, seq);
//   - kWrongLeader at once, when the raft node refuses the proposal (not the leader);
//   - kWrongLeader, when its index is applied carrying another command (another leader's
//     entry replaced it);
//   - kWrongLeader, as soon as the node is no longer leader of the term it proposed in
//     (stepped down or saw a newer term): the entry may still commit, or not; the clerk retries
//     and the dedup rule (kv/state_machine.hpp) makes the retry harmless.
// A request to a leader cut off from the majority is never answered; the clerk's timeout
// covers it. Nothing pending survives a crash (a restarted server has no pending requests).
//
// SNAPSHOTS. With maxraftstate >= 0, the server watches the size of its raft node's persisted
// state (hard state and log; the runtime measures it, as 6.824's persister.RaftStateSize()):
// once that is above maxraftstate after applying, it encodes its whole state (store and
// sessions, kv/snapshot.hpp) and asks the node to compact its log up to the last index it
// applied (raft::CompactLog). The node hands a snapshot back (Outputs::apply_snapshot) when a
// leader installed one, or on restart from storage; the server then replaces its whole state
// with the snapshot's and applies on from the index after it.
//
// THE RECOVERY PATH. A server starts empty; the restarted raft node hands up its stored
// snapshot, if any, and re-applies the log after it as commitIndex moves up again, which
// rebuilds the store and the sessions exactly as they were.

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "kv/rpc.hpp"
#include "kv/state_machine.hpp"
#include "raft/io.hpp"

namespace kv {

// How a committed Op changes the state machine. kv::StateMachine::apply (the dedup rule)
// unless a test plants a bug.
using ApplyFn = std::function<std::optional<std::string>(StateMachine&, const Op&)>;

class Server {
public:
    // maxraftstate: the persisted raft state, in bytes, above which the server snapshots;
    // -1: never (6.824's convention).
    explicit Server(ApplyFn apply = {}, std::int64_t maxraftstate = -1);

    // The command to propose to the raft node for a request.
    static raft::Command command_for(const Request& request) { return encode(request.op); }

    // What the raft node answered to Propose{command_for(request)}: the index when it is the
    // leader and accepted, and its term after the step. Returns the reply to send now, if any.
    std::optional<Reply> proposed(const Request& request, std::optional<raft::LogIndex> index, raft::Term term);

    // One entry the raft node applied (in log order). Returns the replies it settles.
    std::vector<Reply> applied(const raft::Applied& applied);

    // The raft node handed up a snapshot (Outputs::apply_snapshot): the state becomes the
    // snapshot's, and entries apply on from the index after it. Pending requests at or below
    // that index are answered kWrongLeader: their outcome is inside the snapshot, and the
    // clerk's retry is answered from the session. REQUIRES: the snapshot is past everything
    // applied, and it decodes (only servers make snapshots: a malformed one is a bug).
    std::vector<Reply> install_snapshot(const raft::Snapshot& snapshot);

    // Asked after the raft node's applied entries were handed over, with the size of the
    // node's persisted raft state in bytes. The compaction to step the node with, when the
    // state is above maxraftstate and something was applied since the last snapshot.
    std::optional<raft::CompactLog> compaction(std::size_t raft_state_bytes);

    // The raft node's term and role after a step. Returns the replies to pending requests that
    // can no longer be answered here.
    std::vector<Reply> raft_status(raft::Term term, bool leader);

    const StateMachine& state_machine() const { return state_machine_; }
    StateMachine& state_machine_for_testing() { return state_machine_; }
    raft::LogIndex last_applied() const { return last_applied_; }
    // The index of the last snapshot taken or installed (0: none).
    raft::LogIndex snapshot_index() const { return snapshot_index_; }
    std::size_t pending() const { return pending_.size(); }

private:
    struct Pending {
        Request request;
        raft::Term term;
    };
    static Reply reply_to(const Request& request, Err err, std::string value = {});

    ApplyFn apply_;
    std::int64_t maxraftstate_;
    StateMachine state_machine_;
    raft::LogIndex last_applied_;
    raft::LogIndex snapshot_index_;
    // By log index. All from the node's current term while it leads (raft_status clears the
    // rest), so one index holds at most one request.
    std::map<raft::LogIndex, Pending> pending_;
};

}  // namespace kv
