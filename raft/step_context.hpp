#pragma once
// Internal to raft/: the mutable context of one step. Every write to the node's log and
// snapshot goes through it, so that the step can report exactly what must be persisted.

#include "raft/io.hpp"
#include "raft/node_state.hpp"

namespace raft::detail {

struct StepContext {
    NodeState& s;
    Outputs& out;
    std::optional<LogIndex> log_dirty_from;
    bool snapshot_dirty = false;

    // Built in place: moving a whole MessageBody variant trips GCC 12's -Wmaybe-uninitialized.
    template <class Body>
    void send(NodeId to, Body body) {
        Message& m = out.messages.emplace_back();
        m.from = s.config.id;
        m.to = to;
        m.term = s.current_term;
        m.body.emplace<Body>(std::move(body));
    }
    void append(Entry entry);
    void truncate_from(LogIndex index);
    // Replaces the snapshot, compacting the log to it (or resetting the log when it does not
    // hold the snapshot's last entry). Storage makes the same choice in apply_persist.
    void take_snapshot(Snapshot snapshot);
    bool is_self(NodeId id) const { return id == s.config.id; }
};

// Role changes (election.cpp). Each resets the per-role state and refuses illegal moves.
void become_follower(StepContext& c, Term term);
void become_candidate(StepContext& c);
void become_leader(StepContext& c);

// Election (election.cpp).
void on_election_timeout(StepContext& c);
void on_request_vote(StepContext& c, const Message& m, const RequestVote& rv);
void on_request_vote_reply(StepContext& c, const Message& m, const RequestVoteReply& r);

// Replication (replication.cpp).
void on_heartbeat_timeout(StepContext& c);
void on_propose(StepContext& c, const Propose& p);
void on_append_entries(StepContext& c, const Message& m, const AppendEntries& ae);
void on_append_entries_reply(StepContext& c, const Message& m, const AppendEntriesReply& r);
void send_append_entries(StepContext& c, NodeId to);
void broadcast_append_entries(StepContext& c);
void leader_advance_commit(StepContext& c);

// Snapshots (snapshot.cpp).
void on_compact_log(StepContext& c, const CompactLog& compact);
void send_install_snapshot(StepContext& c, NodeId to);
void on_install_snapshot(StepContext& c, const Message& m, const InstallSnapshot& is);
void on_install_snapshot_reply(StepContext& c, const Message& m, const InstallSnapshotReply& r);

}  // namespace raft::detail
