#pragma once
// Planted bugs in raft-abstract: each adds buggy action instances to the model (the
// behaviour a broken protocol would add). The explorer, `raftcheck prove` and `raftcheck
// bmc` must each catch every one; prove/ encodes the same bugs in Z3. spec/ stays clean.

#include <bit>
#include <optional>
#include <string>
#include <vector>

#include "spec/abstract.hpp"

namespace abstract_mutants {

namespace sa = spec::abstract;

enum class Bug {
    kVoteWithoutQuorum,               // a server becomes Primary with one vote short of a quorum
    kVoteWithoutLogCheck,             // voters grant their vote whatever the candidate's log
    kCommitWithoutCurrentTermQuorum,  // a Primary commits an entry once a quorum holds it,
                                      // whatever its term and theirs (Raft's Figure 8)
};

inline constexpr Bug kAllBugs[] = {Bug::kVoteWithoutQuorum, Bug::kVoteWithoutLogCheck, Bug::kCommitWithoutCurrentTermQuorum};

inline const char* bug_name(Bug b) {
    switch (b) {
        case Bug::kVoteWithoutQuorum: return "VoteWithoutQuorum";
        case Bug::kVoteWithoutLogCheck: return "VoteWithoutLogCheck";
        case Bug::kCommitWithoutCurrentTermQuorum: return "CommitWithoutCurrentTermQuorum";
    }
    return "?";
}

inline std::optional<Bug> bug_named(const std::string& name) {
    for (Bug b : kAllBugs) {
        if (name == bug_name(b)) return b;
    }
    return std::nullopt;
}

inline std::string bug_names() {
    std::string out;
    for (Bug b : kAllBugs) out += std::string(out.empty() ? "" : ", ") + bug_name(b);
    return out;
}

// The extra action instances the bug adds (labelled like the correct action they corrupt).
inline std::vector<sa::Action> bug_actions(Bug bug, const sa::Params& p) {
    std::vector<sa::Action> out;
    const auto n = static_cast<std::uint8_t>(p.servers);
    const sa::ActionKind kind = bug == Bug::kCommitWithoutCurrentTermQuorum ? sa::ActionKind::kCommitEntry : sa::ActionKind::kBecomeLeader;
    const std::uint32_t min_votes = bug == Bug::kVoteWithoutQuorum ? p.quorum() - 1 : p.quorum();
    const std::uint32_t top = kind == sa::ActionKind::kBecomeLeader ? p.max_term : p.max_log;  // the term, or the index
    for (std::uint8_t i = 0; i < n; ++i) {
        for (std::uint32_t q = 0; q < (1u << n); ++q) {
            if ((q >> i & 1) == 0 || static_cast<std::uint32_t>(std::popcount(q)) < std::max(1u, min_votes)) continue;
            for (std::uint32_t x = 1; x <= top; ++x) out.push_back({kind, i, 0, static_cast<std::uint8_t>(q), static_cast<std::uint8_t>(x)});
        }
    }
    return out;
}

// The successor under the bug's version of the action, or false when that is not enabled
// (or `a` is not of the kind the bug corrupts).
inline bool apply_bug(Bug bug, const sa::State& s, const sa::Params& p, const sa::Action& a, sa::State& out) {
    const sa::ActionKind kind = bug == Bug::kCommitWithoutCurrentTermQuorum ? sa::ActionKind::kCommitEntry : sa::ActionKind::kBecomeLeader;
    if (a.kind != kind) return false;
    const std::uint32_t i = a.i;
    auto in_q = [&](std::uint32_t v) { return (a.quorum >> v & 1) != 0; };
    switch (bug) {
        case Bug::kVoteWithoutQuorum:
        case Bug::kVoteWithoutLogCheck: {
            const std::uint32_t new_term = a.n;
            if (new_term <= s.term[i] || new_term > p.max_term) return false;
            for (std::uint32_t v = 0; v < p.servers; ++v) {
                if (!in_q(v)) continue;
                if (s.term[v] >= new_term) return false;
                const bool log_ok = s.last_term(i) > s.last_term(v) || (s.last_term(i) == s.last_term(v) && s.len[i] >= s.len[v]);
                if (bug == Bug::kVoteWithoutQuorum && !log_ok) return false;
            }
            out = s;
            for (std::uint32_t v = 0; v < p.servers; ++v) {
                if (!in_q(v)) continue;
                out.term[v] = static_cast<std::uint8_t>(new_term);
                out.leader[v] = v == i;
            }
            return true;
        }
        case Bug::kCommitWithoutCurrentTermQuorum: {
            const std::uint32_t index = a.n;
            if (!s.leader[i] || index == 0 || index > s.len[i]) return false;
            const std::uint8_t t = s.log[i][index - 1];
            for (std::uint32_t v = 0; v < p.servers; ++v) {
                if (in_q(v) && (s.len[v] < index || s.log[v][index - 1] != t)) return false;
            }
            out = s;
            // Like CommitEntry, every entry of that term up to the index (LogTermsGrow keeps them together).
            for (std::uint32_t m = 1; m <= index; ++m) {
                if (s.log[i][m - 1] == t) out.committed[m - 1] = static_cast<std::uint8_t>(out.committed[m - 1] | (1u << t));
            }
            return true;
        }
    }
    return false;
}

}  // namespace abstract_mutants
