// raft-abstract's safety properties and the lemmas that strengthen them into an inductive
// invariant, as C++ predicates. prove/ states each again as a Z3 formula under the same
// name; the explorer checks these on every reachable state, and a test checks that both
// renderings agree on random states.

#include "spec/abstract.hpp"

namespace spec::abstract {
namespace {

bool has_entry(const State& s, std::uint32_t i, std::uint32_t index, std::uint32_t t) {
    return index >= 1 && index <= s.len[i] && s.log[i][index - 1] == t;
}

std::uint32_t count_at_least(const State& s, const Params& p, std::uint32_t t) {
    std::uint32_t n = 0;
    for (std::uint32_t v = 0; v < p.servers; ++v) n += s.term[v] >= t;
    return n;
}

bool election_safety(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        for (std::uint32_t j = i + 1; j < p.servers; ++j) {
            if (s.leader[i] && s.leader[j] && s.term[i] == s.term[j]) return false;
        }
    }
    return true;
}

bool log_matching(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        for (std::uint32_t j = i + 1; j < p.servers; ++j) {
            for (std::uint32_t k = 0; k < s.len[i] && k < s.len[j]; ++k) {
                if (s.log[i][k] != s.log[j][k]) continue;
                for (std::uint32_t m = 0; m < k; ++m) {
                    if (s.log[i][m] != s.log[j][m]) return false;
                }
            }
        }
    }
    return true;
}

bool leader_completeness(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (!s.leader[i]) continue;
        for (std::uint32_t k = 1; k <= p.max_log; ++k) {
            for (std::uint32_t t = 1; t <= s.term[i]; ++t) {
                if (s.is_committed(k, t) && !has_entry(s, i, k, t)) return false;
            }
        }
    }
    return true;
}

bool state_machine_safety(const State& s, const Params& p) {
    for (std::uint32_t k = 0; k < p.max_log; ++k) {
        if ((s.committed[k] & (s.committed[k] - 1)) != 0) return false;  // two bits: two terms at one index
    }
    return true;
}

bool log_terms_grow(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        for (std::uint32_t k = 1; k < s.len[i]; ++k) {
            if (s.log[i][k - 1] > s.log[i][k]) return false;
        }
    }
    return true;
}

bool primary_was_elected(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (s.leader[i] && s.term[i] == 0) return false;
    }
    return true;
}

bool primary_term_bounds_its_log(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (s.leader[i] && s.last_term(i) > s.term[i]) return false;
    }
    return true;
}

bool entry_implies_election(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        for (std::uint32_t k = 0; k < s.len[i]; ++k) {
            if (count_at_least(s, p, s.log[i][k]) < p.quorum()) return false;
        }
    }
    return true;
}

bool primary_has_quorum_at_its_term(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (s.leader[i] && count_at_least(s, p, s.term[i]) < p.quorum()) return false;
    }
    return true;
}

bool primary_has_entries_of_its_term(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (!s.leader[i]) continue;
        for (std::uint32_t j = 0; j < p.servers; ++j) {
            for (std::uint32_t k = 1; k <= s.len[j]; ++k) {
                if (s.log[j][k - 1] == s.term[i] && !has_entry(s, i, k, s.term[i])) return false;
            }
        }
    }
    return true;
}

bool first_entry_of_term_aligned(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        for (std::uint32_t k = 1; k <= s.len[i]; ++k) {
            const std::uint8_t t = s.log[i][k - 1];
            if (k > 1 && s.log[i][k - 2] == t) continue;  // not the first entry of t in i's log
            for (std::uint32_t j = 0; j < p.servers; ++j) {
                for (std::uint32_t m = 1; m < k && m <= s.len[j]; ++m) {
                    if (s.log[j][m - 1] == t) return false;  // j has t before i's first t
                }
            }
        }
    }
    return true;
}

bool committed_on_quorum(const State& s, const Params& p) {
    for (std::uint32_t k = 1; k <= p.max_log; ++k) {
        for (std::uint32_t t = 1; t <= p.max_term; ++t) {
            if (!s.is_committed(k, t)) continue;
            std::uint32_t holders = 0;
            for (std::uint32_t v = 0; v < p.servers; ++v) holders += has_entry(s, v, k, t);
            if (holders < p.quorum()) return false;
        }
    }
    return true;
}

bool newer_logs_have_committed(const State& s, const Params& p) {
    for (std::uint32_t k = 1; k <= p.max_log; ++k) {
        for (std::uint32_t t = 1; t <= p.max_term; ++t) {
            if (!s.is_committed(k, t)) continue;
            for (std::uint32_t v = 0; v < p.servers; ++v) {
                if (s.last_term(v) > t && !has_entry(s, v, k, t)) return false;
            }
        }
    }
    return true;
}

}  // namespace

const std::vector<Property>& safety_properties() {
    static const std::vector<Property> all = {
        {"ElectionSafety", "at most one Primary per term", election_safety},
        {"LogMatching", "two logs with an entry of the same index and term hold the same entries up to that index", log_matching},
        {"LeaderCompleteness", "a Primary holds every committed entry of its term or an earlier one", leader_completeness},
        {"StateMachineSafety", "no two different entries are ever committed at the same index", state_machine_safety},
    };
    return all;
}

const std::vector<Property>& lemmas() {
    static const std::vector<Property> all = {
        {"LogTermsGrow", "terms never decrease along a log", log_terms_grow},
        {"PrimaryWasElected", "a Primary's term is at least 1: it won an election", primary_was_elected},
        {"PrimaryTermBoundsItsLog", "a Primary's log has no entry of a term above its currentTerm", primary_term_bounds_its_log},
        {"EntryImpliesElection", "an entry of term t exists only if a quorum has reached term t (an election for t happened)",
         entry_implies_election},
        {"PrimaryHasQuorumAtItsTerm", "a Primary of term t has a quorum at term t or later, the one that elected it",
         primary_has_quorum_at_its_term},
        {"PrimaryHasEntriesOfItsTerm", "a Primary holds, at the same index, every entry of its own term found in any log",
         primary_has_entries_of_its_term},
        {"FirstEntryOfTermAligned", "the first entry of a term sits at the same index in every log that has one",
         first_entry_of_term_aligned},
        {"CommittedOnQuorum", "a committed entry is held by a quorum of logs", committed_on_quorum},
        {"NewerLogsHaveCommitted", "a log whose last term is above t holds every committed entry of term t",
         newer_logs_have_committed},
    };
    return all;
}

}  // namespace spec::abstract
