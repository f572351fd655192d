#pragma once
// `raftcheck simulate`: a cluster left to run under random faults with clients proposing, then
// healed; safety is checked on every step (election safety, applied-entry agreement, in-order
// apply) and on the logs at the end (log matching), and liveness once the faults stop.

#include <cstdint>
#include <string>

#include "sim/lab.hpp"

namespace sim {

struct FreeRunOptions {
    std::uint32_t servers = 5;
    std::uint64_t seed = 1;
    bool unreliable = false;  // lossy, delaying, reordering network
    bool crashes = false;     // servers crash and restart from stable storage
    Millis duration_ms = 30'000;
    LabOptions lab;
};

struct FreeRunReport {
    bool ok = false;
    std::string failure;  // the first violation, if !ok
    Millis virtual_ms = 0;
    std::uint64_t proposals = 0;
    std::uint64_t committed_index = 0;  // highest index applied by every server at the end
    ClusterStats stats;
    std::vector<Cluster::Election> elections;
};

FreeRunReport free_run(const FreeRunOptions& options);

// Log Matching over every pair of servers: same index and term, same entries up to there.
// Returns a description of the first violation, or nothing.
std::optional<std::string> find_log_mismatch(const Cluster& cluster);

}  // namespace sim
