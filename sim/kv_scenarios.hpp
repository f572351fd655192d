#pragma once
// The 6.824 lab 3A and 3B tests (kvraft/test_test.go), re-expressed over the simulated
// cluster with the structure and pass criteria of the originals: GenericTest's clients,
// partitioner and restarts, its checkClntAppends after every round and the clients' own Get
// checks, and its bound on the persisted raft state (8 * maxraftstate) or check that no
// snapshot was taken (maxraftstate -1); checkConcurrentAppends of UnreliableOneKey; the
// minority and heal phases of OnePartition; GenericTestSpeed's bound of 3 operations per
// 100 ms heartbeat interval, in virtual time; SnapshotRPC's catch-up of a lagging server and
// SnapshotSize's bounds on the raft state and the snapshot.
// Every run records the client-observed history (KvLabOptions::history_out) for the
// linearizability checker, which replaces the originals' porcupine call.

#include <cstdint>
#include <cstddef>
#include <string_view>
#include <vector>

#include "sim/kv_lab.hpp"

namespace sim {

using KvScenarioFn = void (*)(std::uint64_t seed, const KvLabOptions& options);

struct KvScenario {
    const char* name;  // the 6.824 test's name without "Test" and its lab (Speed3B keeps it)
    const char* lab;   // "3A" (no snapshots) or "3B" (maxraftstate 1000)
    KvScenarioFn run;
};

const std::vector<KvScenario>& all_kv_scenarios();
const KvScenario* find_kv_scenario(std::string_view name);

// A free-running workload: `clients` clerks doing GenericTest's random-key mix (append 50%,
// put 5%, get 45%) over `duration_ms` of faults, then the network heals, every server runs
// again, and each clerk finishes its operation in flight. With `max_operations`, the faults and
// the clients stop as soon as that many operations were called (or the time is up), so the
// history holds exactly that many unless time ran out first.
struct KvFreeRunOptions {
    std::uint32_t servers = 5;
    std::uint32_t clients = 5;
    Millis duration_ms = 10'000;
    std::size_t max_operations = SIZE_MAX;
    std::uint64_t seed = 1;
    bool unreliable = false;
    bool crashes = false;
    bool partitions = false;
    KvLabOptions lab;
};

struct KvFreeRunReport {
    Millis virtual_ms = 0;
    std::size_t operations = 0;
    std::size_t completed = 0;
    KvStats kv;
    ClusterStats cluster;
    std::size_t max_raft_state_bytes = 0;  // at the end, the largest of any server
    std::size_t max_snapshot_bytes = 0;
};

// Throws SimFailure when a check of the simulator fails (raft safety, the applier's checks).
KvFreeRunReport kv_free_run(const KvFreeRunOptions& options);

}  // namespace sim
