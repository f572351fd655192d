#pragma once
// The 6.824 Raft tests (labs 2A-2D), re-expressed over the simulator with the structure and
// pass criteria of the originals (test_test.go). Each runs from one seed; a failure throws
// SimFailure with the original's message.

#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/lab.hpp"

namespace sim {

using ScenarioFn = void (*)(std::uint64_t seed, const LabOptions& options);

struct Scenario {
    const char* name;  // the 6.824 test's name without its "Test" prefix and lab suffix
    const char* lab;   // "2A", "2B", "2C" or "2D"
    ScenarioFn run;
};

const std::vector<Scenario>& all_scenarios();
const Scenario* find_scenario(std::string_view name);

// 2A: leader election.
void initial_election(std::uint64_t seed, const LabOptions& options);
void re_election(std::uint64_t seed, const LabOptions& options);
void many_elections(std::uint64_t seed, const LabOptions& options);

// 2B: log replication.
void basic_agree(std::uint64_t seed, const LabOptions& options);
void rpc_bytes(std::uint64_t seed, const LabOptions& options);
void follower_failure(std::uint64_t seed, const LabOptions& options);
void leader_failure(std::uint64_t seed, const LabOptions& options);
void fail_agree(std::uint64_t seed, const LabOptions& options);
void fail_no_agree(std::uint64_t seed, const LabOptions& options);
void concurrent_starts(std::uint64_t seed, const LabOptions& options);
void rejoin(std::uint64_t seed, const LabOptions& options);
void backup(std::uint64_t seed, const LabOptions& options);
void count(std::uint64_t seed, const LabOptions& options);

// 2C: persistence.
void persist1(std::uint64_t seed, const LabOptions& options);
void persist2(std::uint64_t seed, const LabOptions& options);
void persist3(std::uint64_t seed, const LabOptions& options);
void figure8(std::uint64_t seed, const LabOptions& options);
void unreliable_agree(std::uint64_t seed, const LabOptions& options);
void figure8_unreliable(std::uint64_t seed, const LabOptions& options);
void reliable_churn(std::uint64_t seed, const LabOptions& options);
void unreliable_churn(std::uint64_t seed, const LabOptions& options);

// 2D: log compaction (the tester's applier snapshots every 10 entries).
void snapshot_basic(std::uint64_t seed, const LabOptions& options);
void snapshot_install(std::uint64_t seed, const LabOptions& options);
void snapshot_install_unreliable(std::uint64_t seed, const LabOptions& options);
void snapshot_install_crash(std::uint64_t seed, const LabOptions& options);
void snapshot_install_uncrash(std::uint64_t seed, const LabOptions& options);
void snapshot_all_crash(std::uint64_t seed, const LabOptions& options);
void snapshot_init(std::uint64_t seed, const LabOptions& options);

}  // namespace sim
