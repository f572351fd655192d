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
// THE RECOVERY PATH. A server starts empty and rebuilds the store and the sessions by
// applying the log from index 1, as the raft node re-applies it after Restart (no snapshots
// yet).

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
    explicit Server(ApplyFn apply = {});

    // The command to propose to the raft node for a request.
    static raft::Command command_for(const Request& request) { return encode(request.op); }

    // What the raft node answered to Propose{command_for(request)}: the index when it is the
    // leader and accepted, and its term after the step. Returns the reply to send now, if any.
    std::optional<Reply> proposed(const Request& request, std::optional<raft::LogIndex> index, raft::Term term);

    // One entry the raft node applied (in log order). Returns the replies it settles.
    std::vector<Reply> applied(const raft::Applied& applied);

    // The raft node's term and role after a step. Returns the replies to pending requests that
    // can no longer be answered here.
    std::vector<Reply> raft_status(raft::Term term, bool leader);

    const StateMachine& state_machine() const { return state_machine_; }
    StateMachine& state_machine_for_testing() { return state_machine_; }
    raft::LogIndex last_applied() const { return last_applied_; }
    std::size_t pending() const { return pending_.size(); }

private:
    struct Pending {
        Request request;
        raft::Term term;
    };
    static Reply reply_to(const Request& request, Err err, std::string value = {});

    ApplyFn apply_;
    StateMachine state_machine_;
    raft::LogIndex last_applied_;
    // By log index. All from the node's current term while it leads (raft_status clears the
    // rest), so one index holds at most one request.
    std::map<raft::LogIndex, Pending> pending_;
};

}  // namespace kv
