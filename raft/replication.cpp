// Log replication: proposals, AppendEntries (heartbeats included), the consistency check,
// fast log backup, and the leader's commit rule.

#include <algorithm>
#include <span>

#include "raft/step_context.hpp"

namespace raft::detail {

void send_append_entries(StepContext& c, NodeId to) {
    RAFT_ASSERT(c.s.role == Role::kLeader, "only a leader sends AppendEntries");
    const LogIndex next = c.s.next_index[to.value];
    const LogIndex prev = next.prev();
    if (prev < c.s.log.base_index()) {
        // prevLogTerm is compacted away: the follower gets the snapshot instead.
        send_install_snapshot(c, to);
        return;
    }
    const std::optional<Term> prev_term = c.s.log.term_at(prev);
    RAFT_ASSERT(prev_term.has_value(), "nextIndex stays within the log");
    c.send(to, AppendEntries{prev, *prev_term, c.s.log.slice_from(next), c.s.commit_index});
}

void broadcast_append_entries(StepContext& c) {
    for (std::uint32_t i = 0; i < c.s.config.cluster_size; ++i) {
        const NodeId peer{i};
        if (!c.is_self(peer)) send_append_entries(c, peer);
    }
}

void on_heartbeat_timeout(StepContext& c) {
    if (c.s.role == Role::kLeader) broadcast_append_entries(c);
}

void on_propose(StepContext& c, const Propose& p) {
    if (c.s.role != Role::kLeader) return;  // refused; Outputs::proposal_index stays empty
    c.append(Entry{c.s.current_term, EntryKind::kCommand, p.command});
    c.out.proposal_index = c.s.log.last_index();
    broadcast_append_entries(c);
    leader_advance_commit(c);  // a cluster of one commits at once
}

namespace {

AppendEntriesReply rejection(const Log& log, LogIndex prev_log_index) {
    AppendEntriesReply r;
    r.log_length = log.last_index();
    if (const std::optional<Term> t = log.term_at(prev_log_index)) {
        r.conflict_term = *t;
        // Below the first stored entry (index 0, or a compacted prefix) there is no run of
        // entries to search: the hint is the index itself.
        r.conflict_index = prev_log_index >= log.first_index() ? log.first_index_of_term_at(prev_log_index) : prev_log_index;
    }
    return r;
}

// The part of an AppendEntries this node has to check: the entries after prev_log_index, or,
// when that is inside the node's snapshot, only those after the snapshot (the ones at or below
// it are committed, so a leader's log holds them exactly as the snapshot does).
struct Suffix {
    LogIndex prev_log_index;
    Term prev_log_term;
    std::span<const Entry> entries;
};

// nullopt when the message contradicts the snapshot: it has the snapshot's last index with
// another term, which only an unsafe cluster sends.
std::optional<Suffix> past_snapshot(const Log& log, const AppendEntries& ae) {
    const std::span<const Entry> all(ae.entries);
    const LogIndex base = log.base_index();
    if (ae.prev_log_index >= base) return Suffix{ae.prev_log_index, ae.prev_log_term, all};
    const std::uint64_t covered = base.value - ae.prev_log_index.value;  // entries at or below base
    if (covered > all.size()) return Suffix{base, log.base_term(), {}};
    if (all[covered - 1].term != log.base_term()) return std::nullopt;
    return Suffix{base, log.base_term(), all.subspan(covered)};
}

// The first index at which `ae` disagrees with the local log (an entry present with another
// term), if any.
std::optional<LogIndex> first_conflict(const Log& log, const Suffix& ae) {
    LogIndex index = ae.prev_log_index;
    for (const Entry& e : ae.entries) {
        index = index.next();
        if (index > log.last_index()) return std::nullopt;
        if (log.at(index).term != e.term) return index;
    }
    return std::nullopt;
}

// Appends the entries that are new, truncating only at a real conflict: an entry already
// present with the same term is left alone, so a stale or duplicated AppendEntries can never
// delete entries that match (Figure 2, receiver step 3).
void merge_entries(StepContext& c, const Suffix& ae, std::optional<LogIndex> conflict) {
    if (conflict) c.truncate_from(*conflict);
    LogIndex index = ae.prev_log_index;
    for (const Entry& e : ae.entries) {
        index = index.next();
        if (index <= c.s.log.last_index()) continue;  // present, same term
        c.append(e);
    }
}

// What a correct leader never sends: entries whose terms run backwards, or that are newer
// than the message.
bool well_formed(const Message& m, const AppendEntries& ae) {
    Term last = ae.prev_log_term;
    for (const Entry& e : ae.entries) {
        if (e.term < last || e.term > m.term) return false;
        last = e.term;
    }
    if (ae.prev_log_index == LogIndex{} && ae.prev_log_term != Term{}) return false;  // index 0 has term 0
    return ae.prev_log_term <= m.term;
}

}  // namespace

void on_append_entries(StepContext& c, const Message& m, const AppendEntries& ae) {
    RAFT_ASSERT(m.term == c.s.current_term, "term rules ran first");
    if (!well_formed(m, ae)) {
        c.out.alarm = "malformed AppendEntries: " + describe(m);
        return;
    }
    if (c.s.role == Role::kLeader) {
        c.out.alarm = "two leaders in term " + to_string(c.s.current_term) + ": " + to_string(c.s.config.id) + " and " +
                      to_string(m.from);
        return;
    }
    const std::optional<Suffix> suffix = past_snapshot(c.s.log, ae);
    if (!suffix) {
        c.out.alarm = "asked to overwrite the snapshot's last entry " + to_string(c.s.log.base_index()) + ": " + describe(m);
        return;
    }
    const std::optional<Term> local_prev_term = c.s.log.term_at(suffix->prev_log_index);
    const bool consistent = local_prev_term && *local_prev_term == suffix->prev_log_term;
    const std::optional<LogIndex> conflict = consistent ? first_conflict(c.s.log, *suffix) : std::nullopt;
    if (conflict && *conflict <= c.s.commit_index) {
        // Refused before anything changes: such a sender is no leader to follow.
        c.out.alarm = "asked to overwrite committed entry " + to_string(*conflict) + " (commitIndex " +
                      to_string(c.s.commit_index) + "): " + describe(m);
        return;
    }
    if (c.s.role == Role::kCandidate) become_follower(c, c.s.current_term);  // a leader of our term exists
    c.s.leader = m.from;
    c.out.reset_election_timer = true;
    if (!consistent) {
        c.send(m.from, rejection(c.s.log, ae.prev_log_index));
        return;
    }
    merge_entries(c, *suffix, conflict);
    // The request's own last index, also when it lies inside the snapshot: what the leader
    // asked about, and what matches.
    const LogIndex last_new = ae.prev_log_index + ae.entries.size();
    // Figure 2: commitIndex = min(leaderCommit, index of last new entry). A stale message can
    // make that smaller than what we already know is committed; commitIndex never goes back.
    c.s.commit_index = std::max(c.s.commit_index, std::min(ae.leader_commit, last_new));
    AppendEntriesReply ok;
    ok.success = true;
    ok.match_index = last_new;
    c.send(m.from, ok);
}

namespace {

// Fast log backup (6.824): skip a whole conflicting term per round trip instead of one entry.
LogIndex backed_up_next_index(const Log& log, const AppendEntriesReply& r) {
    if (r.conflict_term == Term{}) return r.log_length.next();  // follower's log is too short
    if (const std::optional<LogIndex> last = log.last_index_of_term(r.conflict_term)) return last->next();
    return r.conflict_index;
}

}  // namespace

void on_append_entries_reply(StepContext& c, const Message& m, const AppendEntriesReply& r) {
    RAFT_ASSERT(m.term == c.s.current_term, "term rules ran first");
    if (c.s.role != Role::kLeader) return;
    const std::uint32_t peer = m.from.value;
    LogIndex& next = c.s.next_index[peer];
    LogIndex& match = c.s.match_index[peer];
    if (r.success) {
        // Replies may arrive out of order or twice: only ever move forward.
        if (r.match_index > c.s.log.last_index()) {
            c.out.alarm = "acknowledged entries this leader never had: " + describe(m);
            return;
        }
        match = std::max(match, r.match_index);
        next = std::max(next, match.next());
        leader_advance_commit(c);
        return;
    }
    const LogIndex backed_up = backed_up_next_index(c.s.log, r);
    next = std::clamp(backed_up, match.next(), c.s.log.last_index().next());
    send_append_entries(c, m.from);
}

// Figure 2 and Figure 8: commit the highest N replicated on a quorum whose entry is of the
// current term; earlier-term entries commit only indirectly, below it.
void leader_advance_commit(StepContext& c) {
    RAFT_ASSERT(c.s.role == Role::kLeader, "only a leader counts replicas");
    const std::uint32_t quorum = quorum_size(c.s.config.cluster_size);
    for (LogIndex n = c.s.log.last_index(); n > c.s.commit_index; n = n.prev()) {
        if (c.s.log.at(n).term != c.s.current_term) break;  // terms only fall further down
        std::uint32_t replicas = 1;  // the leader itself
        for (std::uint32_t i = 0; i < c.s.config.cluster_size; ++i) {
            if (i != c.s.config.id.value && c.s.match_index[i] >= n) ++replicas;
        }
        if (replicas >= quorum) {
            c.s.commit_index = n;
            return;
        }
    }
}

}  // namespace raft::detail
