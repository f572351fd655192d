// Snapshots: log compaction asked for by the service, and InstallSnapshot for followers whose
// next entry the leader has compacted away.

#include <algorithm>

#include "raft/step_context.hpp"

namespace raft::detail {

void StepContext::take_snapshot(Snapshot snapshot) {
    const LogIndex index = snapshot.last_included_index;
    RAFT_ASSERT(index > s.snapshot.last_included_index, "a snapshot only moves forward");
    if (index <= s.log.last_index() && s.log.term_at(index) == snapshot.last_included_term) {
        s.log.compact_to(index);  // the entries after it stay: they may be this node's own
    } else {
        s.log.reset_to(index, snapshot.last_included_term);
    }
    s.snapshot = std::move(snapshot);
    snapshot_dirty = true;
}

void on_compact_log(StepContext& c, const CompactLog& compact) {
    const LogIndex index = compact.index;
    if (index <= c.s.snapshot.last_included_index) {
        c.out.refused = "compaction to " + to_string(index) + " is not past the snapshot at " +
                        to_string(c.s.snapshot.last_included_index);
        return;
    }
    if (index > c.s.commit_index || index > c.s.last_applied) {
        // Only committed entries may go: the log is the only copy of the others.
        c.out.refused = "compaction to " + to_string(index) + " is past commitIndex " + to_string(c.s.commit_index);
        return;
    }
    c.take_snapshot(Snapshot{index, *c.s.log.term_at(index), compact.snapshot});
}

void send_install_snapshot(StepContext& c, NodeId to) {
    RAFT_ASSERT(c.s.role == Role::kLeader, "only a leader sends InstallSnapshot");
    RAFT_ASSERT(c.s.snapshot.last_included_index > LogIndex{}, "a snapshot exists to send");
    const Snapshot& snap = c.s.snapshot;
    c.send(to, InstallSnapshot{snap.last_included_index, snap.last_included_term, snap.data});
}

namespace {

// A message of the leader of our term: a candidate learns that it lost, a leader that there is
// another one (an alarm, as for AppendEntries). Returns false when the message is refused.
bool accept_leader(StepContext& c, const Message& m) {
    if (c.s.role == Role::kLeader) {
        c.out.alarm = "two leaders in term " + to_string(c.s.current_term) + ": " + to_string(c.s.config.id) + " and " +
                      to_string(m.from);
        return false;
    }
    if (c.s.role == Role::kCandidate) become_follower(c, c.s.current_term);  // a leader of our term exists
    c.s.leader = m.from;
    c.out.reset_election_timer = true;
    return true;
}

// What a correct leader never sends: a snapshot of entries newer than itself, or a term for
// an entry that is no entry (index 0 has term 0; every real entry has a leader's term >= 1).
bool well_formed(const Message& m, const InstallSnapshot& is) {
    if (is.last_included_term > m.term) return false;
    return (is.last_included_index == LogIndex{}) == (is.last_included_term == Term{});
}

}  // namespace

void on_install_snapshot(StepContext& c, const Message& m, const InstallSnapshot& is) {
    RAFT_ASSERT(m.term == c.s.current_term, "term rules ran first");
    if (!well_formed(m, is)) {
        c.out.alarm = "malformed InstallSnapshot: " + describe(m);
        return;
    }
    if (!accept_leader(c, m)) return;
    // Already committed here: the snapshot holds nothing new, and taking it could only move
    // commitIndex and lastApplied back (a late or duplicated message).
    if (is.last_included_index > c.s.commit_index) {
        c.take_snapshot(Snapshot{is.last_included_index, is.last_included_term, is.data});
        c.s.commit_index = is.last_included_index;
        c.s.last_applied = is.last_included_index;
        c.out.apply_snapshot = c.s.snapshot;
    }
    c.send(m.from, InstallSnapshotReply{is.last_included_index});
}

void on_install_snapshot_reply(StepContext& c, const Message& m, const InstallSnapshotReply& r) {
    RAFT_ASSERT(m.term == c.s.current_term, "term rules ran first");
    if (c.s.role != Role::kLeader) return;
    if (r.last_included_index > c.s.log.last_index()) {
        c.out.alarm = "acknowledged a snapshot past this leader's log: " + describe(m);
        return;
    }
    const std::uint32_t peer = m.from.value;
    // Like a successful AppendEntriesReply: late or duplicated replies only move forward.
    c.s.match_index[peer] = std::max(c.s.match_index[peer], r.last_included_index);
    c.s.next_index[peer] = std::max(c.s.next_index[peer], r.last_included_index.next());
    leader_advance_commit(c);
}

}  // namespace raft::detail
