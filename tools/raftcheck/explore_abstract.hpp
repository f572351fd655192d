#pragma once
// `raftcheck explore --model raft-abstract`: the explorer on the abstract model of issue 7.

#include <cstdint>
#include <string>

namespace raftcheck {

struct AbstractExploreArgs {
    std::uint32_t servers = 3;
    std::uint32_t max_term = 3;
    std::uint32_t max_log = 3;
    std::string plant_bug;
    std::string from_path;   // a state file to start from instead of Init
    std::string find_path;   // a state file: search Init's behaviours for that state
    std::string trace_path;  // where to write a counterexample
    bool json = false;
    bool dfs = false;
    unsigned threads = 1;
    std::uint64_t max_depth = 0;
    double progress_seconds = 5;
};

int explore_abstract(const AbstractExploreArgs& args);

}  // namespace raftcheck
