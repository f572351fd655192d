// step(): the term rules that apply to every message, then dispatch to one handler per input
// or message kind; afterwards, what must be persisted and applied is derived from what changed.

#include "raft/step.hpp"

#include "raft/step_context.hpp"

namespace raft {
namespace detail {

void StepContext::append(Entry entry) {
    const LogIndex index = s.log.last_index().next();
    s.log.append(std::move(entry));
    if (!log_dirty_from || index < *log_dirty_from) log_dirty_from = index;
}

void StepContext::truncate_from(LogIndex index) {
    s.log.truncate_from(index);
    if (!log_dirty_from || index < *log_dirty_from) log_dirty_from = index;
}

}  // namespace detail

namespace {

using detail::StepContext;

// Rejection of a request from a stale term: the reply carries our term, which makes the
// sender step down.
void reply_stale(StepContext& c, const Message& m) {
    if (std::holds_alternative<RequestVote>(m.body)) {
        c.send(m.from, RequestVoteReply{false});
    } else if (std::holds_alternative<AppendEntries>(m.body)) {
        c.send(m.from, AppendEntriesReply{false, LogIndex{}, Term{}, LogIndex{}, c.s.log.last_index()});
    } else if (std::holds_alternative<InstallSnapshot>(m.body)) {
        // Index 0: nothing was installed (as the spec's reply to a stale snapshot says).
        c.send(m.from, InstallSnapshotReply{LogIndex{}});
    }
    // Replies from a stale term answer nothing this node is still waiting for: drop them.
}

void receive(StepContext& c, const Message& m) {
    RAFT_ASSERT(m.to == c.s.config.id, "message delivered to the wrong node");
    if (m.from.value >= c.s.config.cluster_size || m.from == c.s.config.id) return;  // not from a peer: ignore
    // Term rules first, for every message (Figure 2, "Rules for Servers / All Servers").
    if (m.term > c.s.current_term) become_follower(c, m.term);
    if (m.term < c.s.current_term) {
        reply_stale(c, m);
        return;
    }
    std::visit(
        [&](const auto& body) {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, RequestVote>) detail::on_request_vote(c, m, body);
            if constexpr (std::is_same_v<T, RequestVoteReply>) detail::on_request_vote_reply(c, m, body);
            if constexpr (std::is_same_v<T, AppendEntries>) detail::on_append_entries(c, m, body);
            if constexpr (std::is_same_v<T, AppendEntriesReply>) detail::on_append_entries_reply(c, m, body);
            if constexpr (std::is_same_v<T, InstallSnapshot>) detail::on_install_snapshot(c, m, body);
            if constexpr (std::is_same_v<T, InstallSnapshotReply>) detail::on_install_snapshot_reply(c, m, body);
        },
        m.body);
}

// Only what storage holds comes back. The snapshot is committed and was applied, so commitIndex
// and lastApplied restart from it (not from 0), and the service restores its state from it.
NodeState restarted(const NodeState& old, const Restart& r, Outputs& out) {
    const PersistentState& p = r.persisted;
    RAFT_ASSERT(p.log.base_index() == p.snapshot.last_included_index && p.log.base_term() == p.snapshot.last_included_term,
                "the stored log starts where the stored snapshot ends");
    NodeState s = initial_state(old.config);
    s.current_term = p.current_term;
    s.voted_for = p.voted_for;
    s.log = p.log;
    s.snapshot = p.snapshot;
    s.commit_index = p.snapshot.last_included_index;
    s.last_applied = p.snapshot.last_included_index;
    if (s.snapshot.last_included_index > LogIndex{}) out.apply_snapshot = s.snapshot;
    return s;
}

// Figure 2: "If commitIndex > lastApplied: increment lastApplied, apply log[lastApplied]".
void apply_committed(StepContext& c) {
    while (c.s.last_applied < c.s.commit_index) {
        c.s.last_applied = c.s.last_applied.next();
        c.out.apply.push_back(Applied{c.s.last_applied, c.s.log.at(c.s.last_applied)});
    }
}

void record_persist(StepContext& c, const NodeState& before) {
    if (c.s.current_term != before.current_term || c.s.voted_for != before.voted_for) {
        c.out.persist.hard_state = HardState{c.s.current_term, c.s.voted_for};
    }
    if (c.snapshot_dirty) c.out.persist.snapshot = c.s.snapshot;
    if (c.log_dirty_from) {
        c.out.persist.log = LogWrite{*c.log_dirty_from, c.s.log.slice_from(*c.log_dirty_from)};
    }
}

void check_invariants(const NodeState& s, const NodeState& before) {
    RAFT_ASSERT(s.current_term >= before.current_term, "currentTerm never decreases");
    RAFT_ASSERT(s.commit_index >= before.commit_index, "commitIndex never decreases");
    RAFT_ASSERT(s.commit_index <= s.log.last_index(), "commitIndex points into the log");
    RAFT_ASSERT(s.last_applied == s.commit_index, "everything committed is handed to the service");
    RAFT_ASSERT(s.last_applied >= before.last_applied, "lastApplied never moves back but by a restart");
    RAFT_ASSERT(s.snapshot.last_included_index <= s.commit_index, "a snapshot holds only committed entries");
    RAFT_ASSERT(s.snapshot.last_included_index >= before.snapshot.last_included_index, "a snapshot never moves back");
    RAFT_ASSERT(s.log.base_index() == s.snapshot.last_included_index && s.log.base_term() == s.snapshot.last_included_term,
                "the log starts where the snapshot ends");
    RAFT_ASSERT(s.log.last_term() <= s.current_term, "no entry from a future term");
    if (s.current_term == before.current_term && before.voted_for) {
        RAFT_ASSERT(s.voted_for == before.voted_for, "at most one vote per term");
    }
    const bool leads = s.role == Role::kLeader;
    RAFT_ASSERT(!leads || s.voted_for == s.config.id, "a leader voted for itself");
    RAFT_ASSERT(leads == (s.next_index.size() == s.config.cluster_size), "leader state exists exactly on leaders");
    RAFT_ASSERT(s.role != Role::kCandidate || s.votes_granted.contains(s.config.id), "a candidate votes for itself");
    if (leads) {
        for (std::uint32_t i = 0; i < s.config.cluster_size; ++i) {
            RAFT_ASSERT(s.match_index[i] < s.next_index[i], "matchIndex < nextIndex");
            RAFT_ASSERT(s.next_index[i] <= s.log.last_index().next(), "nextIndex at most one past the log");
        }
    }
}

}  // namespace

StepResult step(NodeState state, const Input& input) {
    StepResult result;
    if (const auto* r = std::get_if<Restart>(&input)) {
        result.state = restarted(state, *r, result.outputs);
        result.outputs.reset_election_timer = true;
        return result;
    }
    const NodeState before = [&] {
        // Only the scalars are needed for the checks below; keep the copy cheap (the snapshot's
        // data stays behind).
        NodeState b;
        b.current_term = state.current_term;
        b.voted_for = state.voted_for;
        b.commit_index = state.commit_index;
        b.last_applied = state.last_applied;
        b.snapshot.last_included_index = state.snapshot.last_included_index;
        return b;
    }();
    result.state = std::move(state);
    StepContext c{result.state, result.outputs, std::nullopt};

    if (const auto* m = std::get_if<Message>(&input)) {
        receive(c, *m);
    } else if (std::holds_alternative<ElectionTimeout>(input)) {
        detail::on_election_timeout(c);
    } else if (std::holds_alternative<HeartbeatTimeout>(input)) {
        detail::on_heartbeat_timeout(c);
    } else if (const auto* compact = std::get_if<CompactLog>(&input)) {
        detail::on_compact_log(c, *compact);
    } else {
        detail::on_propose(c, std::get<Propose>(input));
    }

    apply_committed(c);
    record_persist(c, before);
    check_invariants(c.s, before);
    return result;
}

}  // namespace raft
