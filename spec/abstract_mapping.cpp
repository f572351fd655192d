// The refinement mapping from raft-tla / raft states to raft-abstract states (see the header
// for what each abstract variable stands for, and why).

#include "spec/abstract_mapping.hpp"

#include <algorithm>

namespace spec {

abstract::Params abstract_params(const Params& p) { return abstract::Params{p.servers, p.max_term, p.max_log + 1}; }

std::string mapping_unsupported(const Params& p) {
    if (p.max_term > abstract::kMaxTerm) {
        return "refinement to raft-abstract needs max-term <= " + std::to_string(abstract::kMaxTerm);
    }
    if (p.max_log + 1 > abstract::kMaxLog) {
        return "refinement to raft-abstract needs max-log <= " + std::to_string(abstract::kMaxLog - 1);
    }
    return abstract::validate(abstract_params(p));
}

CommittedHistory committed_by_leaders(const State& s, const Params& p) {
    CommittedHistory out{};
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        const Server& v = s.servers[i];
        if (v.role != Role::kLeader) continue;
        // A leader's commitIndex may point below its own term's entries (it carried it over
        // from its time as a follower): only entries of its own term are its commits.
        const std::uint32_t top = std::min<std::uint32_t>(v.commit_index, v.log.len());
        for (std::uint32_t k = 1; k <= top; ++k) {
            if (v.log.term(k) != v.current_term) continue;
            SPEC_ASSERT(k <= abstract::kMaxLog && v.current_term <= abstract::kMaxTerm, "committed entry beyond raft-abstract's bounds");
            out[k - 1] = static_cast<std::uint8_t>(out[k - 1] | (1u << v.current_term));
        }
    }
    return out;
}

CommittedHistory merge(const CommittedHistory& a, const CommittedHistory& b) {
    CommittedHistory out{};
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = static_cast<std::uint8_t>(a[k] | b[k]);
    return out;
}

std::uint8_t election_term(const State& s, std::uint32_t i) {
    std::uint8_t term = 0;
    for (const Election& e : s.elections) {
        if ((e.votes >> i & 1) != 0 || e.leader == i) term = std::max(term, e.term);
    }
    return term;
}

abstract::State to_abstract(const State& s, const Params& p, const CommittedHistory& committed) {
    const abstract::Params ap = abstract_params(p);
    abstract::State a;
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        const Server& v = s.servers[i];
        a.term[i] = election_term(s, i);
        a.leader[i] = v.role == Role::kLeader;
        SPEC_ASSERT(v.log.len() <= ap.max_log, "log beyond raft-abstract's bounds");
        a.len[i] = static_cast<std::uint8_t>(v.log.len());
        for (std::uint32_t k = 1; k <= v.log.len(); ++k) a.log[i][k - 1] = static_cast<std::uint8_t>(v.log.term(k));
    }
    for (std::uint32_t k = 0; k < ap.max_log; ++k) a.committed[k] = committed[k];
    return a;
}

}  // namespace spec
