#include "checker/impl_invariants.hpp"

#include <algorithm>
#include <bit>

namespace checker::impl {
namespace {

using raft::Role;

bool entry_is(EntryKey e, const CommittedEntry& c) { return e.term == c.term && e.value == c.value; }

bool has_snapshot(const raft::NodeState& n) { return n.snapshot.last_included_index.value > 0; }

// The term at `index` of the full log; cheaper than entry_key (no value to decode), which
// matters on the hot path of LogMatching.
std::uint64_t term_at(const raft::NodeState& n, std::uint64_t index) {
    if (index > n.log.base_index().value) return n.log.entries()[index - n.log.base_index().value - 1].term.value;
    return entry_key(n, index).term;
}

// Whether the full logs (snapshots included) of a and b agree on indexes 1..k.
bool same_prefix(const raft::NodeState& a, const raft::NodeState& b, std::uint64_t k) {
    if (!has_snapshot(a) && !has_snapshot(b)) {
        const auto& x = a.log.entries();
        return std::equal(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(k), b.log.entries().begin());
    }
    for (std::uint64_t i = 1; i <= k; ++i) {
        if (entry_key(a, i) != entry_key(b, i)) return false;
    }
    return true;
}

// ElectionSafety, over the history of elections: at most one node ever led each term.
bool election_safety(const ClusterState& s, const Params&) {
    return std::all_of(s.elected.begin(), s.elected.end(), [](std::uint8_t m) { return std::popcount(m) <= 1; });
}

// If two logs hold an entry of the same term at the same index, they agree up to it.
bool log_matching(const ClusterState& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        for (std::uint32_t j = i + 1; j < p.servers; ++j) {
            const raft::NodeState& a = s.nodes[i];
            const raft::NodeState& b = s.nodes[j];
            for (std::uint64_t k = std::min(a.log.last_index().value, b.log.last_index().value); k >= 1; --k) {
                if (term_at(a, k) != term_at(b, k)) continue;
                if (!same_prefix(a, b, k)) return false;
                break;  // agreeing here implies agreeing below
            }
        }
    }
    return true;
}

// A leader holds every entry committed in an earlier term (the history records, for each
// committed index, the term of the node that first applied it: the entry was committed then
// or earlier).
bool leader_completeness(const ClusterState& s, const Params& p) {
    for (std::uint32_t l = 0; l < p.servers; ++l) {
        const raft::NodeState& n = s.nodes[l];
        if (n.role != Role::kLeader) continue;
        for (std::size_t k = 0; k < s.committed.size(); ++k) {
            const CommittedEntry& c = s.committed[k];
            if (c.commit_term >= n.current_term.value) continue;
            if (n.log.last_index().value <= k || !entry_is(entry_key(n, k + 1), c)) return false;
        }
    }
    return true;
}

// No two nodes apply different commands at one index, restarts included: every node's
// applied prefix (raft applies exactly up to commitIndex) is the committed history's.
bool state_machine_safety(const ClusterState& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        const raft::NodeState& n = s.nodes[i];
        const std::uint64_t applied = std::min(n.last_applied.value, n.log.last_index().value);
        if (applied > s.committed.size()) return false;  // applied something the history never saw
        for (std::uint64_t k = 0; k < applied; ++k) {
            if (!entry_is(entry_key(n, k + 1), s.committed[k])) return false;
        }
    }
    return true;
}

bool commit_index_in_log(const ClusterState& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (s.nodes[i].commit_index > s.nodes[i].log.last_index()) return false;
    }
    return true;
}

// What a node holds in memory of its persistent state is what its storage holds: after every
// step, everything the node acts on (a vote it granted, entries it acknowledged) would
// survive a crash.
bool durable_state(const ClusterState& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (s.storage[i]) return false;
    }
    return true;
}

// A snapshot never covers an uncommitted index: each node's snapshot ends at or below the
// highest index ever committed, and its entries (the model's snapshot data) are the committed
// ones.
bool snapshot_committed(const ClusterState& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        const raft::NodeState& n = s.nodes[i];
        const std::uint64_t snap = n.snapshot.last_included_index.value;
        if (snap > s.committed.size()) return false;
        for (std::uint64_t k = 1; k <= snap; ++k) {
            if (!entry_is(entry_key(n, k), s.committed[k - 1])) return false;
        }
    }
    return true;
}

// The step function refused no input as one only an unsafe cluster sends.
bool no_alarm(const ClusterState& s, const Params&) { return !s.alarm; }

bool leader_append_only(const ClusterState& before, const ClusterState& after, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        const raft::NodeState& a = before.nodes[i];
        const raft::NodeState& b = after.nodes[i];
        if (a.role != Role::kLeader || b.role != Role::kLeader || a.current_term != b.current_term) continue;
        // Over full logs: compacting its own log removes nothing from a leader's log.
        if (a.log.last_index() > b.log.last_index() || !same_prefix(a, b, a.log.last_index().value)) return false;
    }
    return true;
}

// currentTerm is persistent: it never decreases, across restarts too.
bool term_monotonic(const ClusterState& before, const ClusterState& after, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (after.nodes[i].current_term < before.nodes[i].current_term) return false;
    }
    return true;
}

// commitIndex is volatile: a restart resets it (StateMachineSafety then checks what the node
// applies again); otherwise it never decreases.
bool commit_monotonic(const ClusterState& before, const ClusterState& after, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (after.restarts[i] != before.restarts[i]) continue;
        if (after.nodes[i].commit_index < before.nodes[i].commit_index) return false;
    }
    return true;
}

// lastApplied: what the service has applied never moves back (a stale InstallSnapshot must
// not roll it back), but by a restart, after which the service restores from the snapshot.
bool applied_monotonic(const ClusterState& before, const ClusterState& after, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (after.restarts[i] != before.restarts[i]) continue;
        if (after.nodes[i].last_applied < before.nodes[i].last_applied) return false;
    }
    return true;
}

// ---- "sometimes" companions ----

bool second_election(const ClusterState& s, const Params&) {
    return std::count_if(s.elected.begin(), s.elected.end(), [](std::uint8_t m) { return m != 0; }) >= 2;
}

bool logs_share_entry(const ClusterState& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        for (std::uint32_t j = i + 1; j < p.servers; ++j) {
            const raft::NodeState& a = s.nodes[i];
            const raft::NodeState& b = s.nodes[j];
            if (a.log.last_index().value > 0 && b.log.last_index().value > 0 && entry_key(a, 1) == entry_key(b, 1)) return true;
        }
    }
    return false;
}

bool leader_after_commit(const ClusterState& s, const Params& p) {
    for (std::uint32_t l = 0; l < p.servers; ++l) {
        if (s.nodes[l].role != Role::kLeader) continue;
        for (const CommittedEntry& c : s.committed) {
            if (c.commit_term < s.nodes[l].current_term.value) return true;
        }
    }
    return false;
}

bool two_nodes_applied(const ClusterState& s, const Params& p) {
    std::uint32_t applied = 0;
    for (std::uint32_t i = 0; i < p.servers; ++i) applied += s.nodes[i].commit_index.value > 0;
    return applied >= 2;
}

bool follower_committed(const ClusterState& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (s.nodes[i].role == Role::kFollower && s.nodes[i].commit_index.value > 0) return true;
    }
    return false;
}

bool restarted_with_vote(const ClusterState& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (s.restarts[i] > 0 && s.nodes[i].voted_for && s.nodes[i].role == Role::kFollower) return true;
    }
    return false;
}

bool leader_appended(const ClusterState& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        const raft::NodeState& n = s.nodes[i];
        if (n.role == Role::kLeader && n.log.last_index().value > 0 && n.log.last_term() == n.current_term) return true;
    }
    return false;
}

bool stale_message_in_flight(const ClusterState& s, const Params&) {
    for (const WireMsg& m : s.network) {
        if (from_wire(m).term < s.nodes[m.to()].current_term) return true;
    }
    return false;
}

bool reapplied_after_restart(const ClusterState& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (s.restarts[i] > 0 && s.nodes[i].commit_index.value > 0) return true;
    }
    return false;
}

bool snapshot_taken(const ClusterState& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (has_snapshot(s.nodes[i])) return true;
    }
    return false;
}

// A follower's commitIndex reached past its own log's base through a snapshot it was sent:
// the step AppliedMonotonic guards most closely. Seen as a snapshot in flight.
bool snapshot_in_flight(const ClusterState& s, const Params&) {
    for (const WireMsg& m : s.network) {
        if (std::holds_alternative<raft::InstallSnapshot>(from_wire(m).body)) return true;
    }
    return false;
}

}  // namespace

const std::vector<Invariant>& invariants() {
    static const std::vector<Invariant> all = {
        {"ElectionSafety", "at most one leader per term, over every election ever held", election_safety},
        {"LogMatching", "logs that agree on an entry's term at an index agree on everything up to it", log_matching},
        {"LeaderCompleteness", "a leader holds every entry committed in an earlier term", leader_completeness},
        {"StateMachineSafety", "no two nodes apply different commands at one index, restarts included", state_machine_safety},
        {"CommitIndexInLog", "a node's commitIndex points into its log", commit_index_in_log},
        {"DurableState", "storage holds the term, vote and log the node acts on", durable_state},
        {"NoAlarm", "no node was sent what only an unsafe cluster sends", no_alarm},
        {"SnapshotCommitted", "a snapshot covers only committed entries, and holds them", snapshot_committed},
    };
    return all;
}

const std::vector<StepProperty>& step_properties() {
    static const std::vector<StepProperty> all = {
        {"LeaderAppendOnly", "a leader never removes or rewrites entries of its own log", leader_append_only},
        {"TermMonotonic", "currentTerm never decreases, across restarts too", term_monotonic},
        {"CommitMonotonic", "commitIndex never decreases but by a restart", commit_monotonic},
        // raft/ keeps lastApplied = commitIndex, so a step that breaks this breaks CommitMonotonic
        // too and is reported under that name; this one says what the service sees.
        {"AppliedMonotonic", "lastApplied never decreases but by a restart", applied_monotonic},
    };
    return all;
}

const std::vector<Sometimes>& sometimes() {
    static const std::vector<Sometimes> all = {
        {"SecondElection", "leaders were elected in two terms (ElectionSafety)", second_election},
        {"LogsShareEntry", "two nodes hold the same first entry (LogMatching)", logs_share_entry},
        {"LeaderAfterCommit", "a leader of a term after a commit (LeaderCompleteness)", leader_after_commit},
        {"TwoNodesApplied", "two nodes applied an entry (StateMachineSafety)", two_nodes_applied},
        {"FollowerCommitted", "a follower learnt a commit (CommitIndexInLog, CommitMonotonic)", follower_committed},
        {"RestartedWithVote", "a node restarted and holds a vote (DurableState)", restarted_with_vote},
        {"StaleMessage", "a message from an older term is in flight (NoAlarm)", stale_message_in_flight},
        {"LeaderAppended", "a leader appended an entry of its term (LeaderAppendOnly)", leader_appended},
        {"ReappliedAfterRestart", "a restarted node applied again (StateMachineSafety, TermMonotonic)", reapplied_after_restart},
        {"SnapshotTaken", "a node compacted its log (SnapshotCommitted)", snapshot_taken},
        {"SnapshotSent", "an InstallSnapshot is in flight (AppliedMonotonic)", snapshot_in_flight},
    };
    return all;
}

}  // namespace checker::impl
