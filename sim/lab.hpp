#pragma once
// The 6.824 test harness (config.go) over the simulated cluster: checkOneLeader, one(),
// wait(), nCommitted(), crash1/start1, connect/disconnect, with the same logic and the same
// time limits, in virtual time. Concurrent clients are Tasks polled between events, so a
// "concurrent" test is as deterministic as any other.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/cluster.hpp"

namespace sim {

// 6.824's RaftElectionTimeout: the time the tests allow for an election to settle.
inline constexpr Millis kRaftElectionTimeoutMs = 1000;

class Lab;

// A client that runs beside the scenario: poll() does one slice of work at lab.now() and
// says when it wants to run next, or nothing when it has finished.
class Task {
public:
    virtual ~Task() = default;
    virtual std::optional<Millis> poll(Lab& lab) = 0;
};

struct LabOptions {
    int verbosity = 0;
    std::function<void(const std::string&)> log;
    StepFn step;  // empty: raft::step
    Millis* virtual_time_out = nullptr;  // if set, receives the virtual time the run took
    StepObserver* observer = nullptr;    // e.g. a trace recorder; not owned
};

class Lab {
public:
    // `snapshot`: config.go's make_config(..., snapshot) of the 2D tests: the applier takes
    // snapshots (ClusterOptions::tester_snapshots).
    Lab(std::uint32_t servers, std::uint64_t seed, bool unreliable, LabOptions options = {}, bool snapshot = false);
    ~Lab();
    Lab(const Lab&) = delete;
    Lab& operator=(const Lab&) = delete;

    Cluster& cluster() { return cluster_; }
    Rng& rng() { return rng_; }  // the test's own randomness, apart from the cluster's
    std::uint32_t servers() const { return cluster_.size(); }
    Millis now() const { return cluster_.now(); }
    void sleep(Millis ms);

    [[noreturn]] void fail(const std::string& why) const;

    // ---- config.go ----
    std::uint32_t check_one_leader();
    raft::Term check_terms();
    void check_no_leader();
    std::pair<std::uint32_t, std::optional<raft::Command>> n_committed(std::uint64_t index) const;
    std::uint64_t one(const raft::Command& cmd, std::uint32_t expected_servers, bool retry);
    // Nothing if some server moved past start_term (6.824 returns -1).
    std::optional<raft::Command> wait(std::uint64_t index, std::uint32_t n, std::optional<raft::Term> start_term);
    Cluster::StartResult start(std::uint32_t i, const raft::Command& cmd) { return cluster_.start(i, cmd); }
    std::pair<raft::Term, bool> get_state(std::uint32_t i) const;
    void crash1(std::uint32_t i);
    void start1(std::uint32_t i);  // restart from stable storage (crashing first if running)
    void connect(std::uint32_t i) { cluster_.connect(i); }
    void disconnect(std::uint32_t i) { cluster_.disconnect(i); }
    bool connected(std::uint32_t i) const { return cluster_.connected(i); }
    bool alive(std::uint32_t i) const { return cluster_.alive(i); }
    void set_unreliable(bool on);
    void set_long_reordering(bool on);
    std::uint64_t rpc_count() const { return cluster_.rpc_count(); }
    std::uint64_t bytes_total() const { return cluster_.rpc_bytes(); }
    // config.go's LogSize(): the largest persisted raft state (hard state and log) of any server.
    std::size_t log_size() const;

    // ---- concurrent clients ----
    std::size_t spawn(std::unique_ptr<Task> task);
    bool finished(std::size_t task) const { return !tasks_[task].wake; }
    void join(std::size_t task);  // sleeps until the task has finished
    // one() as a task; its result once finished.
    std::size_t spawn_one(const raft::Command& cmd, std::uint32_t expected_servers, bool retry);
    std::uint64_t one_result(std::size_t task) const;

private:
    struct Slot {
        std::unique_ptr<Task> task;
        std::optional<Millis> wake;
    };

    Cluster cluster_;
    Rng rng_;
    Millis* virtual_time_out_;
    std::vector<Slot> tasks_;
};

// A random command as 6.824 makes them: a decimal integer.
raft::Command random_command(Rng& rng);

}  // namespace sim
