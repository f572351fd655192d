#include "checker/impl_mutants.hpp"

#include <algorithm>
#include <optional>
#include <string>

namespace checker::impl {
namespace {

using raft::Input;
using raft::LogIndex;
using raft::Message;
using raft::NodeState;
using raft::StepResult;

// Moves commitIndex to `n` the way the buggy code would, keeping what raft::step promises
// about it (everything committed is applied; commitIndex within the log, unless the bug
// itself breaks that).
void commit_to(StepResult& r, LogIndex n) {
    NodeState& s = r.state;
    if (n > s.commit_index && n <= s.log.last_index()) {
        for (LogIndex k = s.commit_index.next(); k <= n; k = k.next()) r.outputs.apply.push_back(raft::Applied{k, s.log.at(k)});
    }
    s.commit_index = n;
    s.last_applied = n;
}

const raft::AppendEntries* append_entries_of(const Input& input) {
    const auto* m = std::get_if<Message>(&input);
    return m ? std::get_if<raft::AppendEntries>(&m->body) : nullptr;
}

bool accepted(const StepResult& r) {
    for (const Message& m : r.outputs.messages) {
        if (const auto* rep = std::get_if<raft::AppendEntriesReply>(&m.body)) return rep->success;
    }
    return false;
}

StepResult forget_vote_on_restart(NodeState s, const Input& input) {
    StepResult r = raft::step(std::move(s), input);
    if (r.outputs.persist.hard_state) r.outputs.persist.hard_state->voted_for.reset();
    return r;
}

StepResult vote_without_up_to_date_check(NodeState s, const Input& input) {
    const auto* m = std::get_if<Message>(&input);
    if (m == nullptr || !std::holds_alternative<raft::RequestVote>(m->body)) return raft::step(std::move(s), input);
    // Dress the candidate's log up as at least as up-to-date as the voter's.
    Message dressed = *m;
    auto& rv = std::get<raft::RequestVote>(dressed.body);
    rv.last_log_term = std::max(rv.last_log_term, s.log.last_term());
    rv.last_log_index = std::max(rv.last_log_index, s.log.last_index());
    return raft::step(std::move(s), dressed);
}

// The highest index above commitIndex that a quorum holds by the leader's matchIndex, only
// among entries of the current term if `current_term_only` (Figure 2's rule).
std::optional<LogIndex> quorum_index(const NodeState& n, bool current_term_only) {
    for (LogIndex k = n.log.last_index(); k > n.commit_index; k = k.prev()) {
        if (current_term_only && n.log.at(k).term != n.current_term) break;
        std::uint32_t replicas = 1;
        for (std::uint32_t i = 0; i < n.config.cluster_size; ++i) replicas += i != n.config.id.value && n.match_index[i] >= k;
        if (replicas >= raft::quorum_size(n.config.cluster_size)) return k;
    }
    return std::nullopt;
}

StepResult commit_earlier_term_by_count(NodeState s, const Input& input) {
    StepResult r = raft::step(std::move(s), input);
    const NodeState& n = r.state;
    if (n.role != raft::Role::kLeader) return r;
    // The highest index a quorum holds, whatever its term (Figure 8's mistake).
    if (const auto k = quorum_index(n, false)) commit_to(r, *k);
    return r;
}

StepResult truncate_on_stale_append(NodeState s, const Input& input) {
    const raft::AppendEntries* ae = append_entries_of(input);
    StepResult r = raft::step(std::move(s), input);
    if (ae == nullptr || !accepted(r)) return r;
    // The log is made to end where the message's entries end, even when it held more.
    const LogIndex end = ae->prev_log_index + ae->entries.size();
    if (r.state.log.last_index() <= end) return r;
    r.state.log.truncate_from(end.next());
    raft::Persist& p = r.outputs.persist;
    const LogIndex from = p.log ? std::min(p.log->from, end.next()) : end.next();
    p.log = raft::LogWrite{from, from <= r.state.log.last_index() ? r.state.log.slice_from(from) : std::vector<raft::Entry>{}};
    return r;
}

StepResult count_stale_vote(NodeState s, const Input& input) {
    const auto* m = std::get_if<Message>(&input);
    if (m == nullptr || m->term >= s.current_term || s.role != raft::Role::kCandidate) return raft::step(std::move(s), input);
    const auto* reply = std::get_if<raft::RequestVoteReply>(&m->body);
    if (reply == nullptr || !reply->vote_granted) return raft::step(std::move(s), input);
    Message current = *m;
    current.term = s.current_term;  // taken as a vote of this term
    return raft::step(std::move(s), current);
}

StepResult commit_past_last_new_entry(NodeState s, const Input& input) {
    const raft::AppendEntries* ae = append_entries_of(input);
    StepResult r = raft::step(std::move(s), input);
    if (ae == nullptr || !accepted(r)) return r;
    const LogIndex n = std::min(ae->leader_commit, r.state.log.last_index());
    if (n > r.state.commit_index) commit_to(r, n);
    return r;
}

StepResult commit_index_goes_back(NodeState s, const Input& input) {
    const raft::AppendEntries* ae = append_entries_of(input);
    StepResult r = raft::step(std::move(s), input);
    if (ae == nullptr || !accepted(r)) return r;
    commit_to(r, std::min(ae->leader_commit, ae->prev_log_index + ae->entries.size()));
    return r;
}

StepResult backup_trusts_hint(NodeState s, const Input& input) {
    const auto* m = std::get_if<Message>(&input);
    const auto* rep = m ? std::get_if<raft::AppendEntriesReply>(&m->body) : nullptr;
    const bool leads = s.role == raft::Role::kLeader;
    StepResult r = raft::step(std::move(s), input);
    if (rep == nullptr || rep->success || !leads || r.state.role != raft::Role::kLeader || m->term != r.state.current_term) return r;
    // Believes the follower matches everything below the index it backed up to.
    NodeState& n = r.state;
    const std::uint32_t peer = m->from.value;
    n.match_index[peer] = std::max(n.match_index[peer], n.next_index[peer].prev());
    if (const auto k = quorum_index(n, true)) commit_to(r, *k);
    return r;
}

// Replaces the node's snapshot with one ending at `index` (of term `term`, holding `data`), the
// way raft::step installs one, and makes storage follow (so that only the bug shows).
void take_snapshot(StepResult& r, LogIndex index, raft::Term term, std::string data) {
    NodeState& n = r.state;
    if (index <= n.log.last_index() && n.log.term_at(index) == term) {
        n.log.compact_to(index);
    } else {
        n.log.reset_to(index, term);
    }
    n.snapshot = raft::Snapshot{index, term, std::move(data)};
    r.outputs.persist.snapshot = n.snapshot;
}

StepResult compact_uncommitted(NodeState s, const Input& input) {
    StepResult r = raft::step(std::move(s), input);
    if (!std::holds_alternative<raft::CompactLog>(input) || r.outputs.refused) return r;
    // The service's snapshot is taken up to the end of the log instead of the index asked.
    const LogIndex last = r.state.log.last_index();
    if (last <= r.state.snapshot.last_included_index) return r;
    std::string data = snapshot_data(r.state, last);
    take_snapshot(r, last, r.state.log.last_term(), std::move(data));
    return r;
}

StepResult install_snapshot_rolls_back_commit(NodeState s, const Input& input) {
    const auto* m = std::get_if<Message>(&input);
    const auto* is = m ? std::get_if<raft::InstallSnapshot>(&m->body) : nullptr;
    StepResult r = raft::step(std::move(s), input);
    // A snapshot of the current leader that this follower has already committed past (a late
    // or duplicated one), and that is still newer than its own: taken anyway, so commitIndex
    // and lastApplied move back to it.
    if (is == nullptr || r.outputs.alarm || m->term != r.state.current_term || r.state.role != raft::Role::kFollower) return r;
    if (is->last_included_index >= r.state.commit_index || is->last_included_index <= r.state.snapshot.last_included_index) return r;
    take_snapshot(r, is->last_included_index, is->last_included_term, is->data);
    r.state.commit_index = is->last_included_index;
    r.state.last_applied = is->last_included_index;
    r.outputs.apply_snapshot = r.state.snapshot;
    return r;
}

}  // namespace

const char* bug_name(ImplBug b) {
    switch (b) {
        case ImplBug::kForgetVoteOnRestart: return "ForgetVoteOnRestart";
        case ImplBug::kVoteWithoutUpToDateCheck: return "VoteWithoutUpToDateCheck";
        case ImplBug::kCommitEarlierTermByCount: return "CommitEarlierTermByCount";
        case ImplBug::kTruncateOnStaleAppend: return "TruncateOnStaleAppend";
        case ImplBug::kCountStaleVote: return "CountStaleVote";
        case ImplBug::kCommitPastLastNewEntry: return "CommitPastLastNewEntry";
        case ImplBug::kCommitIndexGoesBack: return "CommitIndexGoesBack";
        case ImplBug::kBackupTrustsHint: return "BackupTrustsHint";
        case ImplBug::kCompactUncommitted: return "CompactUncommitted";
        case ImplBug::kInstallSnapshotRollsBackCommit: return "InstallSnapshotRollsBackCommit";
    }
    return "?";
}

const char* bug_meaning(ImplBug b) {
    switch (b) {
        case ImplBug::kForgetVoteOnRestart: return "forgets votedFor across a crash (the vote is never persisted)";
        case ImplBug::kVoteWithoutUpToDateCheck: return "grants votes without the up-to-date check";
        case ImplBug::kCommitEarlierTermByCount: return "commits an earlier-term entry by counting replicas (Figure 8)";
        case ImplBug::kTruncateOnStaleAppend: return "truncates its log on a stale AppendEntries";
        case ImplBug::kCountStaleVote: return "counts a vote granted in an older term";
        case ImplBug::kCommitPastLastNewEntry: return "advances commitIndex past the last new entry";
        case ImplBug::kCommitIndexGoesBack: return "lets commitIndex go backwards";
        case ImplBug::kBackupTrustsHint: return "mishandles XTerm/XIndex/XLen backup: takes the hint as a match";
        case ImplBug::kCompactUncommitted: return "compacts the whole log into the snapshot, uncommitted entries too";
        case ImplBug::kInstallSnapshotRollsBackCommit: return "takes an already committed InstallSnapshot, moving commitIndex and lastApplied back";
    }
    return "?";
}

std::optional<ImplBug> impl_bug_named(const std::string& name) {
    for (ImplBug b : kAllImplBugs) {
        if (name == bug_name(b)) return b;
    }
    return std::nullopt;
}

StepFn buggy_step(ImplBug b) {
    switch (b) {
        case ImplBug::kForgetVoteOnRestart: return &forget_vote_on_restart;
        case ImplBug::kVoteWithoutUpToDateCheck: return &vote_without_up_to_date_check;
        case ImplBug::kCommitEarlierTermByCount: return &commit_earlier_term_by_count;
        case ImplBug::kTruncateOnStaleAppend: return &truncate_on_stale_append;
        case ImplBug::kCountStaleVote: return &count_stale_vote;
        case ImplBug::kCommitPastLastNewEntry: return &commit_past_last_new_entry;
        case ImplBug::kCommitIndexGoesBack: return &commit_index_goes_back;
        case ImplBug::kBackupTrustsHint: return &backup_trusts_hint;
        case ImplBug::kCompactUncommitted: return &compact_uncommitted;
        case ImplBug::kInstallSnapshotRollsBackCommit: return &install_snapshot_rolls_back_commit;
    }
    return &raft::step;
}

}  // namespace checker::impl
