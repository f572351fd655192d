#pragma once
// `raftcheck explore --model impl`: the implementation cluster model (checker/impl_model.hpp),
// with the same modes, bounds, statistics and exit codes as the spec models.

#include <cstdint>
#include <string>

#include "checker/impl_state.hpp"

namespace raftcheck {

struct ImplExploreRequest {
    checker::impl::Params params;
    bool symmetry = false;
    bool refinement = true;
    unsigned threads = 1;
    bool json = false;
    bool dfs = false;
    std::uint64_t simulate = 0;  // walks; 0: exhaustive
    std::uint64_t walk_depth = 100;
    std::uint64_t seed = 1;
    std::uint64_t max_depth = 0;
    double progress = 5;
    std::string trace_path;
    std::string plant_bug;
    double max_memory_gib = 8;
};

int run_impl_explore(const ImplExploreRequest& r);

}  // namespace raftcheck
