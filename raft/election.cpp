// Leader election: timeouts, RequestVote, and the role changes.

#include "raft/step_context.hpp"

namespace raft::detail {

void become_follower(StepContext& c, Term term) {
    RAFT_ASSERT(term >= c.s.current_term, "a node never moves back a term");
    if (c.s.role == Role::kLeader) c.out.notices.push_back(Notice{NoticeKind::kSteppedDown, c.s.current_term});
    if (term > c.s.current_term) {
        c.s.current_term = term;
        c.s.voted_for.reset();
        c.s.leader.reset();
    }
    c.s.role = Role::kFollower;
    c.s.votes_granted = NodeSet{};
    c.s.next_index.clear();
    c.s.match_index.clear();
}

void become_candidate(StepContext& c) {
    RAFT_ASSERT(c.s.role != Role::kLeader, "a leader does not start elections");
    c.s.role = Role::kCandidate;
    c.s.current_term = c.s.current_term.next();
    c.s.voted_for = c.s.config.id;
    c.s.leader.reset();
    c.s.votes_granted = NodeSet{};
    c.s.votes_granted.insert(c.s.config.id);
    c.out.reset_election_timer = true;
    c.out.notices.push_back(Notice{NoticeKind::kBecameCandidate, c.s.current_term});
}

void become_leader(StepContext& c) {
    RAFT_ASSERT(c.s.role == Role::kCandidate, "only a candidate becomes leader");
    RAFT_ASSERT(c.s.votes_granted.size() >= quorum_size(c.s.config.cluster_size), "a leader holds a quorum of votes");
    c.s.role = Role::kLeader;
    c.s.leader = c.s.config.id;
    c.s.votes_granted = NodeSet{};
    // Figure 2: nextIndex starts just past the leader's log, matchIndex at 0.
    c.s.next_index.assign(c.s.config.cluster_size, c.s.log.last_index().next());
    c.s.match_index.assign(c.s.config.cluster_size, LogIndex{});
    c.out.notices.push_back(Notice{NoticeKind::kBecameLeader, c.s.current_term});
    if (c.s.config.noop_on_election) c.append(Entry{c.s.current_term, EntryKind::kNoop, {}});
    // The first heartbeats establish authority (and carry the no-op, if any).
    broadcast_append_entries(c);
    leader_advance_commit(c);
}

namespace {

void request_votes(StepContext& c) {
    for (std::uint32_t i = 0; i < c.s.config.cluster_size; ++i) {
        const NodeId peer{i};
        if (c.is_self(peer)) continue;
        c.send(peer, RequestVote{c.s.log.last_index(), c.s.log.last_term()});
    }
}

}  // namespace

void on_election_timeout(StepContext& c) {
    if (c.s.role == Role::kLeader) return;  // a leader's own timer is the heartbeat
    become_candidate(c);
    if (c.s.votes_granted.size() >= quorum_size(c.s.config.cluster_size)) {
        become_leader(c);  // a cluster of one
        return;
    }
    request_votes(c);
}

void on_request_vote(StepContext& c, const Message& m, const RequestVote& rv) {
    RAFT_ASSERT(m.term == c.s.current_term, "term rules ran first");
    const bool free_to_vote = !c.s.voted_for || *c.s.voted_for == m.from;
    const bool up_to_date = log_is_up_to_date(rv.last_log_term, rv.last_log_index, c.s.log);
    const bool grant = free_to_vote && up_to_date;
    if (grant) {
        RAFT_ASSERT(c.s.role == Role::kFollower, "candidates and leaders voted for themselves");
        c.s.voted_for = m.from;
        c.out.reset_election_timer = true;
    }
    c.send(m.from, RequestVoteReply{grant});
}

void on_request_vote_reply(StepContext& c, const Message& m, const RequestVoteReply& r) {
    RAFT_ASSERT(m.term == c.s.current_term, "term rules ran first");
    if (c.s.role != Role::kCandidate || !r.vote_granted) return;
    c.s.votes_granted.insert(m.from);
    if (c.s.votes_granted.size() >= quorum_size(c.s.config.cluster_size)) become_leader(c);
}

}  // namespace raft::detail
