#include "spec/invariants.hpp"

#include "spec/actions.hpp"

namespace spec {
namespace {

// ElectionSafety, over the `elections` history: at most one leader per term, ever.
bool election_safety(const State& s, const Params&) {
    for (std::size_t a = 0; a < s.elections.size(); ++a) {
        for (std::size_t b = a + 1; b < s.elections.size(); ++b) {
            if (s.elections[a].term == s.elections[b].term && s.elections[a].leader != s.elections[b].leader) return false;
        }
    }
    return true;
}

// At most one server is a leader of any given term, in this state.
bool one_leader_per_term(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        for (std::uint32_t j = i + 1; j < p.servers; ++j) {
            const Server& a = s.servers[i];
            const Server& b = s.servers[j];
            if (a.role == Role::kLeader && b.role == Role::kLeader && a.current_term == b.current_term) return false;
        }
    }
    return true;
}

// If two logs hold an entry of the same term at the same index, they agree up to it.
bool log_matching(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        for (std::uint32_t j = i + 1; j < p.servers; ++j) {
            const Log& a = s.servers[i].log;
            const Log& b = s.servers[j].log;
            const std::uint32_t n = std::min(a.len(), b.len());
            for (std::uint32_t k = n; k >= 1; --k) {
                if (a.term(k) == b.term(k)) {
                    if (a.prefix(k) != b.prefix(k)) return false;
                    break;  // agreeing here implies agreeing below
                }
            }
        }
    }
    return true;
}

// What a server knows to be committed, it learnt in a term no later than its own; so every
// leader of a later term holds those entries.
bool leader_completeness(const State& s, const Params& p) {
    for (std::uint32_t l = 0; l < p.servers; ++l) {
        const Server& leader = s.servers[l];
        if (leader.role != Role::kLeader) continue;
        for (std::uint32_t i = 0; i < p.servers; ++i) {
            const Server& v = s.servers[i];
            if (leader.current_term <= v.current_term || v.commit_index == 0) continue;
            if (v.commit_index > v.log.len()) continue;  // CommitIndexInLog reports this
            if (!v.log.prefix(v.commit_index).is_prefix_of(leader.log)) return false;
        }
    }
    return true;
}

// Committed prefixes agree: no two servers commit different entries at one index.
bool state_machine_safety(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        for (std::uint32_t j = i + 1; j < p.servers; ++j) {
            const Server& a = s.servers[i];
            const Server& b = s.servers[j];
            const std::uint32_t k = std::min<std::uint32_t>({a.commit_index, b.commit_index, a.log.len(), b.log.len()});
            if (a.log.prefix(k) != b.log.prefix(k)) return false;
        }
    }
    return true;
}

bool commit_index_in_log(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (s.servers[i].commit_index > s.servers[i].log.len()) return false;
    }
    return true;
}

// A snapshot covers only committed entries: snapshotIndex <= commitIndex (so also within the
// log), and the snapshot's entries agree with every other server's committed ones. (That
// later leaders hold them follows: they are a prefix of what the server has committed, which
// LeaderCompleteness checks.)
bool snapshot_committed(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        const Server& a = s.servers[i];
        if (a.snapshot_index > a.commit_index || a.snapshot_index > a.log.len()) return false;
        for (std::uint32_t j = 0; j < p.servers; ++j) {
            const Server& b = s.servers[j];
            const std::uint32_t k = std::min<std::uint32_t>({a.snapshot_index, b.commit_index, b.log.len()});
            if (a.log.prefix(k) != b.log.prefix(k)) return false;
        }
    }
    return true;
}

// The raft model's commitIndex never moves back (what a server has applied stays applied),
// except by a crash: a step that lowers server i's commitIndex must be i's restart, which
// resets i's volatile variables, restores commitIndex from the snapshot and touches neither
// the network nor any snapshot. (What Restart keeps, term, vote and log, is not this
// property's business: a restart that forgets its vote is ElectionSafety's.) raft.tla's
// follower copies the leader's commitIndex, which may be lower, so raft-tla is exempt.
bool commit_monotonic(const State& before, const State& after, const Params& p) {
    if (p.variant != Variant::kRaft) return true;
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        const Server& b = after.servers[i];
        if (b.commit_index >= before.servers[i].commit_index) continue;
        Server restarted = before.servers[i];
        restart_server(restarted, p);
        restarted.current_term = b.current_term;
        restarted.voted_for = b.voted_for;
        restarted.log = b.log;
        if (!(restarted == b) || !(before.messages == after.messages)) return false;
        for (std::uint32_t j = 0; j < p.servers; ++j) {
            if (after.servers[j].snapshot_index != before.servers[j].snapshot_index) return false;
        }
    }
    return true;
}

// A leader only appends to its log while it stays leader of the same term.
bool leader_append_only(const State& before, const State& after, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        const Server& a = before.servers[i];
        const Server& b = after.servers[i];
        if (a.role == Role::kLeader && b.role == Role::kLeader && a.current_term == b.current_term &&
            !a.log.is_prefix_of(b.log)) {
            return false;
        }
    }
    return true;
}

bool leader_elected(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (s.servers[i].role == Role::kLeader) return true;
    }
    return false;
}

bool entry_committed(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (s.servers[i].commit_index > 0) return true;
    }
    return false;
}

bool second_election(const State& s, const Params&) { return s.elections.size() >= 2; }

bool logs_diverge(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        for (std::uint32_t j = i + 1; j < p.servers; ++j) {
            const Log& a = s.servers[i].log;
            const Log& b = s.servers[j].log;
            if (!a.is_prefix_of(b) && !b.is_prefix_of(a)) return true;
        }
    }
    return false;
}

bool fast_backup_hint(const State& s, const Params&) {
    for (const BagItem& item : s.messages) {
        if (item.m.type == MsgType::kAppendEntriesResponse && !item.m.success() && item.m.x_term() != 0) return true;
    }
    return false;
}

bool snapshot_taken(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (s.servers[i].snapshot_index > 0) return true;
    }
    return false;
}

// More servers hold a snapshot than CompactLog steps were taken: one came by InstallSnapshot.
bool snapshot_installed(const State& s, const Params& p) {
    std::uint32_t holding = 0;
    for (std::uint32_t i = 0; i < p.servers; ++i) holding += s.servers[i].snapshot_index > 0;
    return holding > s.snapshots_taken;
}

bool messages_duplicated(const State& s, const Params&) {
    for (const BagItem& item : s.messages) {
        if (item.count > 1) return true;
    }
    return false;
}

}  // namespace

const std::vector<Invariant>& invariants() {
    static const std::vector<Invariant> all = {
        {"ElectionSafety", "at most one leader per term, over every election ever held", election_safety},
        {"OneLeaderPerTerm", "no two servers are leaders of the same term at once", one_leader_per_term},
        {"LogMatching", "logs that agree on an entry's term at an index agree on everything up to it", log_matching},
        {"LeaderCompleteness", "a leader holds every entry committed before its term", leader_completeness},
        {"StateMachineSafety", "no two servers commit different entries at one index", state_machine_safety},
        {"CommitIndexInLog", "a server's commitIndex points into its log", commit_index_in_log},
        {"SnapshotCommitted", "a snapshot covers only committed entries, the same on every server", snapshot_committed},
    };
    return all;
}

const std::vector<StepProperty>& step_properties() {
    static const std::vector<StepProperty> all = {
        {"LeaderAppendOnly", "a leader never removes or rewrites entries of its own log", leader_append_only},
        {"CommitMonotonic", "commitIndex never moves back but by a Restart, which restores it from the snapshot (raft model)",
         commit_monotonic},
    };
    return all;
}

const std::vector<Sometimes>& sometimes() {
    static const std::vector<Sometimes> all = {
        {"LeaderElected", "some server becomes leader", leader_elected},
        {"SecondElection", "two elections have been won", second_election},
        {"EntryCommitted", "some server commits an entry", entry_committed},
        {"LogsDiverge", "two logs disagree (neither is a prefix of the other)", logs_diverge},
        {"MessageDuplicated", "a message is in flight twice", messages_duplicated},
        {"FastBackupHint", "a rejection carries a conflicting term (raft model)", fast_backup_hint},
        {"SnapshotTaken", "some server compacts its log (raft model, --max-snapshots)", snapshot_taken},
        {"SnapshotInstalled", "a follower takes its leader's snapshot (raft model, --max-snapshots)", snapshot_installed},
    };
    return all;
}

}  // namespace spec
