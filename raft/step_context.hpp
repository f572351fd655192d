#pragma once
// Internal to raft/: the mutable context of one step. Every write to the node's log goes
// through it, so that the step can report exactly which suffix must be persisted.

#include "raft/io.hpp"
#include "raft/node_state.hpp"

namespace raft::detail {

struct StepContext {
    NodeState& s;
    Outputs& out;
    std::optional<LogIndex> log_dirty_from;

    void send(NodeId to, MessageBody body) { out.messages.push_back(Message{s.config.id, to, s.current_term, std::move(body)}); }
    void append(Entry entry);
    void truncate_from(LogIndex index);
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

}  // namespace raft::detail
