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

// Whether i's log is a prefix of j's.
bool is_prefix(const State& s, std::uint32_t i, std::uint32_t j) {
    if (s.len[i] > s.len[j]) return false;
    for (std::uint32_t k = 0; k < s.len[i]; ++k) {
        if (s.log[i][k] != s.log[j][k]) return false;
    }
    return true;
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

bool get_entries(const State& s, const Params&, const Action& a, State& out) {
    const std::uint32_t i = a.i, j = a.j;
    if (s.leader[i] || s.len[j] <= s.len[i]) return false;
    // The entries agree at i's last index, so (Log Matching) the whole prefix agrees.
    if (s.len[i] > 0 && s.log[j][s.len[i] - 1] != s.log[i][s.len[i] - 1]) return false;
    out = s;
    out.log[i][s.len[i]] = s.log[j][s.len[i]];
    ++out.len[i];
    return true;
}

bool rollback_entries(const State& s, const Params&, const Action& a, State& out) {
    const std::uint32_t i = a.i, j = a.j;
    if (s.leader[i] || s.len[i] == 0 || s.last_term(i) >= s.last_term(j) || is_prefix(s, i, j)) return false;
    out = s;
    --out.len[i];
    out.log[i][out.len[i]] = 0;
    return true;
}

bool become_leader(const State& s, const Params& p, const Action& a, State& out) {
    const std::uint32_t i = a.i;
    const std::uint32_t new_term = s.term[i] + 1u;
    if (!member(a.quorum, i) || static_cast<std::uint32_t>(std::popcount(a.quorum)) < p.quorum() || new_term > p.max_term) return false;
    for (std::uint32_t v = 0; v < p.servers; ++v) {
        // A voter grants its vote only in a newer term and to a log at least as up-to-date.
        if (member(a.quorum, v) && (s.term[v] >= new_term || !up_to_date(s, i, v))) return false;
    }
    out = s;
    for (std::uint32_t v = 0; v < p.servers; ++v) {
        if (!member(a.quorum, v)) continue;
        out.term[v] = static_cast<std::uint8_t>(new_term);
        out.leader[v] = v == i;
    }
    return true;
}

bool commit_entry(const State& s, const Params& p, const Action& a, State& out) {
    const std::uint32_t i = a.i;
    const std::uint32_t index = s.len[i];
    if (!s.leader[i] || index == 0 || !member(a.quorum, i) || static_cast<std::uint32_t>(std::popcount(a.quorum)) < p.quorum()) return false;
    // Only an entry of the leader's own term is committed by counting (Raft's Figure 8).
    if (s.log[i][index - 1] != s.term[i]) return false;
    for (std::uint32_t v = 0; v < p.servers; ++v) {
        if (member(a.quorum, v) && (!has_entry(s, v, index, s.term[i]) || s.term[v] != s.term[i])) return false;
    }
    out = s;
    out.committed[index - 1] = static_cast<std::uint8_t>(out.committed[index - 1] | (1u << s.term[i]));
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

}  // namespace

State init(const Params&) { return State{}; }

bool apply(const State& s, const Params& p, const Action& a, State& out) {
    switch (a.kind) {
        case ActionKind::kClientRequest: return client_request(s, p, a, out);
        case ActionKind::kGetEntries: return a.i != a.j && get_entries(s, p, a, out);
        case ActionKind::kRollbackEntries: return a.i != a.j && rollback_entries(s, p, a, out);
        case ActionKind::kBecomeLeader: return become_leader(s, p, a, out);
        case ActionKind::kCommitEntry: return commit_entry(s, p, a, out);
        case ActionKind::kUpdateTerms: return a.i != a.j && update_terms(s, p, a, out);
    }
    return false;
}

std::vector<Action> all_actions(const Params& p) {
    std::vector<Action> out;
    const auto n = static_cast<std::uint8_t>(p.servers);
    for (std::uint8_t i = 0; i < n; ++i) out.push_back({ActionKind::kClientRequest, i, 0, 0});
    for (ActionKind k : {ActionKind::kGetEntries, ActionKind::kRollbackEntries}) {
        for (std::uint8_t i = 0; i < n; ++i) {
            for (std::uint8_t j = 0; j < n; ++j) {
                if (i != j) out.push_back({k, i, j, 0});
            }
        }
    }
    for (ActionKind k : {ActionKind::kBecomeLeader, ActionKind::kCommitEntry}) {
        for (std::uint8_t i = 0; i < n; ++i) {
            for (std::uint32_t q = 0; q < (1u << n); ++q) {
                if (member(static_cast<std::uint8_t>(q), i) && static_cast<std::uint32_t>(std::popcount(q)) >= p.quorum()) {
                    out.push_back({k, i, 0, static_cast<std::uint8_t>(q)});
                }
            }
        }
    }
    for (std::uint8_t i = 0; i < n; ++i) {
        for (std::uint8_t j = 0; j < n; ++j) {
            if (i != j) out.push_back({ActionKind::kUpdateTerms, i, j, 0});
        }
    }
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
