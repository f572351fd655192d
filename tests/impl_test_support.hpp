#pragma once
// Shared by the impl model's tests: quiet explorer options, and every state reachable within
// the bounds by plain BFS (a reference the explorer's counts are checked against).

#include <set>
#include <string>
#include <vector>

#include "checker/explorer.hpp"
#include "checker/impl_model.hpp"

namespace checker::impl {

inline ExploreOptions quiet(unsigned threads = 1) {
    ExploreOptions o;
    o.threads = threads;
    o.progress_seconds = 0;
    return o;
}

// Every state reachable within the bounds (in-bounds successors only), by plain BFS.
inline std::vector<ClusterState> reachable(const ImplModel& model) {
    std::vector<ClusterState> states = model.initial_states();
    std::set<std::string> seen;
    std::string enc;
    model.fingerprint(states[0], enc);
    seen.insert(enc);
    for (std::size_t k = 0; k < states.size(); ++k) {
        const ClusterState s = states[k];
        model.for_each_successor(s, [&](const Event&, ClusterState& t) {
            if (!model.within_bounds(t)) return;
            model.fingerprint(t, enc);
            if (seen.insert(enc).second) states.push_back(t);
        });
    }
    return states;
}

}  // namespace checker::impl
