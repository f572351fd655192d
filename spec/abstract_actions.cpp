// The actions of raft-abstract. Each checks its guard, bounds included, and writes only the
// variables it changes; Z3's encoding in prove/ states the same guards and updates, and a
// differential test (tests/abstract_encoding_test.cpp) keeps the two in step.

#include <bit>

#include "spec/abstract.hpp"

namespace spec::abstract {
namespace {

bool has_entry(const State& s, std::uint32_t i, std::uint32_t index, std::uint32_t t) {
    return index >= 1 && index <= s.len[i] && s.log[i][index - 1] == t;
}

// Whether i's log is at least as up-to-date as j's (Raft's election restriction).
bool up_to_date(const State& s, std::uint32_t i, std::uint32_t j) {
    return s.last_term(i) > s.last_term(j) || (s.last_term(i) == s.last_term(j) && s.len[i] >= s.len[j]);
}

bool member(std::uint8_t set, std::uint32_t i) { return (set >> i & 1) != 0; }

bool client_request(const State& s, const Params& p, const Action& a, State& out) {
    const std::uint32_t i = a.i;
    if (!s.leader[i] || s.len[i] >= p.max_log) return false;
    out = s;
    out.log[i][s.len[i]] = s.term[i];
    ++out.len[i];
    return true;
}

// Whether i's log keeps every committed entry it holds when it becomes j's first m entries.
bool keeps_committed(const State& s, std::uint32_t i, std::uint32_t j, std::uint32_t m) {
    for (std::uint32_t k = 1; k <= s.len[i]; ++k) {
        if (s.is_committed(k, s.log[i][k - 1]) && (k > m || !has_entry(s, j, k, s.log[i][k - 1]))) return false;
    }
    return true;
}

// Generalises endive's GetEntries (one entry after a common prefix) so that one step of the
// message-passing models maps to one step here: a follower that truncates at a conflict and
// appends several entries at once. Sound: the new log is a prefix of a log that satisfies the
// invariant, and no committed entry is lost.
bool get_entries(const State& s, const Params&, const Action& a, State& out) {
    const std::uint32_t i = a.i, j = a.j, m = a.n;
    if (s.leader[i] || m > s.len[j] || !keeps_committed(s, i, j, m)) return false;
    out = s;
    for (std::uint32_t k = 0; k < kMaxLog; ++k) out.log[i][k] = k < m ? s.log[j][k] : 0;
    out.len[i] = static_cast<std::uint8_t>(m);
    return true;
}

// Generalises endive's RollbackEntries (only when some log is newer and does not extend
// this one): in the message-passing models the newer log may be in a message whose sender
// has moved on. Sound: an uncommitted entry is no part of any lemma's obligation.
bool rollback_entries(const State& s, const Params&, const Action& a, State& out) {
    const std::uint32_t i = a.i;
    if (s.leader[i] || s.len[i] == 0 || s.is_committed(s.len[i], s.last_term(i))) return false;
    out = s;
    --out.len[i];
    out.log[i][out.len[i]] = 0;
    return true;
}

bool is_quorum(std::uint8_t set, const Params& p) { return static_cast<std::uint32_t>(std::popcount(set)) >= p.quorum(); }

// The term may be any above the candidate's: a candidate that timed out twice skips one.
bool become_leader(const State& s, const Params& p, const Action& a, State& out) {
    const std::uint32_t i = a.i, t = a.n;
    if (!member(a.quorum, i) || !is_quorum(a.quorum, p) || t <= s.term[i] || t > p.max_term) return false;
    for (std::uint32_t v = 0; v < p.servers; ++v) {
        // A voter grants its vote only in a newer term and to a log at least as up-to-date.
        if (member(a.quorum, v) && (s.term[v] >= t || !up_to_date(s, i, v))) return false;
    }
    out = s;
    for (std::uint32_t v = 0; v < p.servers; ++v) {
        if (!member(a.quorum, v)) continue;
        out.term[v] = static_cast<std::uint8_t>(t);
        out.leader[v] = v == i;
    }
    return true;
}

// An election that completes after a newer one: in the message-passing models a voter may
// grant its vote, move on to a newer term and help elect a newer leader before this
// candidate counts its votes. The candidate is then a leader no quorum will follow (it can
// never commit), but raft-abstract must still explain it. What the overtaken voters promised
// when they voted (that their logs then were no more up-to-date than the candidate's) is not
// recorded here, so the guard states what that promise guarantees: the candidate holds every
// committed entry of its term or an earlier one. Sound: with that, with term t nobody else's
// (no Primary has it, no log an entry of it) and the candidate's log older than t, every
// conjunct of the invariant holds after the step. The refinement check, not the proof, is what shows the spec keeps the
// promise; BecomeLeader covers every election no newer one overtook. (The candidate's log
// has no entry of term t or newer: it has been at term t since it timed out.)
bool become_leader_late(const State& s, const Params& p, const Action& a, State& out) {
    const std::uint32_t i = a.i, t = a.n;
    if (!member(a.quorum, i) || !is_quorum(a.quorum, p) || t <= s.term[i] || t > p.max_term || s.last_term(i) >= t) return false;
    bool overtaken = false;
    for (std::uint32_t v = 0; v < p.servers; ++v) {
        if (member(a.quorum, v) && s.term[v] > t) overtaken = true;
        if (s.leader[v] && s.term[v] == t) return false;
        for (std::uint32_t k = 0; k < s.len[v]; ++k) {
            if (s.log[v][k] == t) return false;
        }
    }
    if (!overtaken) return false;
    for (std::uint32_t k = 1; k <= p.max_log; ++k) {
        for (std::uint32_t c = 1; c <= t; ++c) {
            if (s.is_committed(k, c) && !has_entry(s, i, k, c)) return false;
        }
    }
    out = s;
    for (std::uint32_t v = 0; v < p.servers; ++v) {
        if (!member(a.quorum, v) || s.term[v] >= t) continue;
        out.term[v] = static_cast<std::uint8_t>(t);
        out.leader[v] = false;
    }
    out.leader[i] = true;
    return true;
}

// Commits every entry of the leader's term up to index k (a leader's commitIndex moves past
// several at once, and need not reach its last entry). The quorum may include servers still
// at an older term (followers that joined the term without voting in it). With `late`, some
// member may be at a newer term: it acknowledged the entry, then voted in a newer election
// before the leader counted its acknowledgement. The newer leader then holds the entry
// because that voter did; raft-abstract does not record when the voter held it, so the
// guard asks for the consequence: every log whose last term is above the leader's, and
// every Primary of a newer term, holds the entry. Sound: that is exactly what
// NewerLogsHaveCommitted and LeaderCompleteness need of a new committed entry; the others
// follow from the quorum that holds it.
bool commit_entry(const State& s, const Params& p, const Action& a, State& out, bool late) {
    const std::uint32_t i = a.i, k = a.n, t = s.term[i];
    if (!s.leader[i] || k == 0 || k > s.len[i] || !member(a.quorum, i) || !is_quorum(a.quorum, p)) return false;
    // Only an entry of the leader's own term is committed by counting (Raft's Figure 8).
    if (s.log[i][k - 1] != t) return false;
    bool moved_on = false;
    for (std::uint32_t v = 0; v < p.servers; ++v) {
        if (member(a.quorum, v) && !has_entry(s, v, k, t)) return false;
        moved_on |= member(a.quorum, v) && s.term[v] > t;
    }
    if (moved_on != late) return false;
    for (std::uint32_t v = 0; late && v < p.servers; ++v) {
        if ((s.last_term(v) > t || (s.leader[v] && s.term[v] > t)) && !has_entry(s, v, k, t)) return false;
    }
    out = s;
    for (std::uint32_t m = 1; m <= k; ++m) {
        if (s.log[i][m - 1] == t) out.committed[m - 1] = static_cast<std::uint8_t>(out.committed[m - 1] | (1u << t));
    }
    return true;
}

bool update_terms(const State& s, const Params&, const Action& a, State& out) {
    const std::uint32_t i = a.i, j = a.j;
    if (s.term[i] <= s.term[j]) return false;
    out = s;
    out.term[j] = s.term[i];
    out.leader[j] = false;
    return true;
}

// Sound: every lemma about a Primary holds the more easily with one Primary fewer.
bool step_down(const State& s, const Params&, const Action& a, State& out) {
    if (!s.leader[a.i]) return false;
    out = s;
    out.leader[a.i] = false;
    return true;
}

}  // namespace

State init(const Params&) { return State{}; }

bool apply(const State& s, const Params& p, const Action& a, State& out) {
    switch (a.kind) {
        case ActionKind::kClientRequest: return client_request(s, p, a, out);
        case ActionKind::kGetEntries: return a.i != a.j && get_entries(s, p, a, out);
        case ActionKind::kRollbackEntries: return rollback_entries(s, p, a, out);
        case ActionKind::kBecomeLeader: return become_leader(s, p, a, out);
        case ActionKind::kCommitEntry: return commit_entry(s, p, a, out, false);
        case ActionKind::kCommitEntryLate: return commit_entry(s, p, a, out, true);
        case ActionKind::kUpdateTerms: return a.i != a.j && update_terms(s, p, a, out);
        case ActionKind::kStepDown: return step_down(s, p, a, out);
        case ActionKind::kBecomeLeaderLate: return become_leader_late(s, p, a, out);
    }
    return false;
}

std::vector<Action> all_actions(const Params& p) {
    std::vector<Action> out;
    const auto n = static_cast<std::uint8_t>(p.servers);
    for (std::uint8_t i = 0; i < n; ++i) out.push_back({ActionKind::kClientRequest, i, 0, 0, 0});
    for (std::uint8_t i = 0; i < n; ++i) {
        for (std::uint8_t j = 0; j < n; ++j) {
            for (std::uint32_t m = 0; m <= p.max_log && i != j; ++m) out.push_back({ActionKind::kGetEntries, i, j, 0, static_cast<std::uint8_t>(m)});
        }
    }
    for (std::uint8_t i = 0; i < n; ++i) out.push_back({ActionKind::kRollbackEntries, i, 0, 0, 0});
    for (ActionKind k : {ActionKind::kBecomeLeader, ActionKind::kCommitEntry, ActionKind::kBecomeLeaderLate, ActionKind::kCommitEntryLate}) {
        const bool commit = k == ActionKind::kCommitEntry || k == ActionKind::kCommitEntryLate;
        const std::uint32_t top = commit ? p.max_log : p.max_term;
        for (std::uint8_t i = 0; i < n; ++i) {
            for (std::uint32_t q = 0; q < (1u << n); ++q) {
                if (!member(static_cast<std::uint8_t>(q), i) || !is_quorum(static_cast<std::uint8_t>(q), p)) continue;
                for (std::uint32_t x = 1; x <= top; ++x) out.push_back({k, i, 0, static_cast<std::uint8_t>(q), static_cast<std::uint8_t>(x)});
            }
        }
    }
    for (std::uint8_t i = 0; i < n; ++i) {
        for (std::uint8_t j = 0; j < n; ++j) {
            if (i != j) out.push_back({ActionKind::kUpdateTerms, i, j, 0, 0});
        }
    }
    for (std::uint8_t i = 0; i < n; ++i) out.push_back({ActionKind::kStepDown, i, 0, 0, 0});
    return out;
}

bool well_formed(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < kMaxServers; ++i) {
        if (i >= p.servers) {
            if (s.term[i] != 0 || s.leader[i] || s.len[i] != 0) return false;
        }
        if (s.term[i] > p.max_term || s.len[i] > p.max_log) return false;
        for (std::uint32_t k = 0; k < kMaxLog; ++k) {
            const std::uint8_t t = s.log[i][k];
            if (k < s.len[i] ? (t < 1 || t > p.max_term) : t != 0) return false;
        }
    }
    for (std::uint32_t k = 0; k < kMaxLog; ++k) {
        // Bit 0 is never set: entries have terms >= 1.
        const std::uint32_t allowed = k < p.max_log ? ((1u << (p.max_term + 1)) - 2) : 0;
        if ((s.committed[k] & ~allowed) != 0) return false;
    }
    return true;
}

}  // namespace spec::abstract
