#pragma once
// A deterministic cluster of raft::step nodes: virtual time in milliseconds, one seeded PRNG,
// an event queue (message deliveries and timers), stable storage per node (hard state, log and
// snapshot), and the 6.824 applier checks on every applied entry and every snapshot handed
// up. Everything a scenario does goes through here.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <stdexcept>
#include <string>
#include <vector>

#include "raft/step.hpp"
#include "sim/network.hpp"
#include "sim/rng.hpp"

namespace sim {

// A safety violation or a failed scenario check. Carries a human-readable reason.
class SimFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Timing {
    Millis election_timeout_min_ms = 300;
    Millis election_timeout_max_ms = 600;  // exclusive
    Millis heartbeat_interval_ms = 100;    // 10 heartbeats a second, 6.824's cap
};

// How a node steps. Always raft::step, except in tests that plant a bug to prove that the
// simulator's checks catch it.
using StepFn = std::function<raft::StepResult(raft::NodeState, const raft::Input&)>;

// Sees every step and every message the network loses: how a trace recorder listens in.
// `before` has only role, current_term, voted_for and commit_index filled in: copying the
// whole state (its log) before every step would cost what the step costs.
class StepObserver {
public:
    virtual ~StepObserver() = default;
    virtual void stepped(const raft::NodeState& before, const raft::Input& input, const raft::StepResult& result) = 0;
    virtual void lost(const raft::Message& m) = 0;
};

struct ClusterOptions {
    std::uint32_t servers = 3;
    std::uint64_t seed = 1;
    Timing timing;
    bool noop_on_election = false;
    // 0: silent; 1: elections, faults and violations; 2: also every input a node steps.
    int verbosity = 0;
    std::function<void(const std::string&)> log;  // where verbose lines go (default: stderr)
    StepFn step;  // empty: raft::step
    StepObserver* observer = nullptr;  // not owned
    // config.go's applierSnap (the 2D tests): the cluster's applier, the tester's "service",
    // snapshots its applied commands every kSnapshotInterval entries (sim/tester_snapshot.hpp)
    // and reads apply_snapshot back as such a snapshot. Off: apply_snapshot only moves the
    // applier on (a service above the cluster, as the key/value lab, reads it) and the
    // cluster never compacts by itself.
    bool tester_snapshots = false;
};

struct ClusterStats {
    std::uint64_t steps = 0;
    std::uint64_t messages_sent = 0;
    std::uint64_t messages_lost = 0;         // dropped by the network's fault model
    std::uint64_t messages_undeliverable = 0;  // to or from a disconnected or crashed server
    std::uint64_t elections_started = 0;
    std::uint64_t leaders_elected = 0;
    std::uint64_t crashes = 0;
    std::uint64_t restarts = 0;
    std::uint64_t disconnects = 0;
    std::uint64_t entries_applied = 0;
    std::uint64_t snapshots_taken = 0;      // CompactLog inputs the node accepted
    std::uint64_t snapshots_installed = 0;  // apply_snapshot outputs (from a leader or on restart)
};

// 6.824's persister.RaftStateSize(): the bytes of the persisted hard state and log, as a plain
// binary encoding takes them (8 bytes a number, 1 an entry kind, 4 a command's length); the
// snapshot is not counted. What the 2D and 3B tests bound.
std::size_t raft_state_bytes(const raft::PersistentState& storage);

class Cluster {
public:
    explicit Cluster(ClusterOptions options);

    // ---- the clock ----
    Millis now() const { return now_; }
    // Processes every event due at or before `t`, then sets the clock to `t`.
    void run_until(Millis t);
    // The time of the next pending event (there is always one: heartbeat timers never stop).
    Millis next_event_time() const;
    // Processes exactly the next event.
    void run_next_event();

    // ---- faults (6.824's config.go: connect, disconnect, crash1, start1) ----
    void connect(std::uint32_t i);
    void disconnect(std::uint32_t i);
    void crash(std::uint32_t i);     // volatile state gone; stable storage kept
    void restart(std::uint32_t i);   // a crashed node comes back from stable storage
    void set_faults(NetworkFaults faults) { faults_ = faults; }
    // Partitions (6.824 kvraft's config.partition): servers talk only within their group.
    // All start in group 0.
    void set_group(std::uint32_t i, std::uint32_t group) { nodes_[i].group = group; }
    std::uint32_t group(std::uint32_t i) const { return nodes_[i].group; }
    const NetworkFaults& faults() const { return faults_; }

    // ---- clients ----
    // 6.824's Start(): propose at node i. Returns the index if node i is a leader and accepted.
    struct StartResult {
        std::optional<raft::LogIndex> index;
        raft::Term term;
    };
    StartResult start(std::uint32_t i, const raft::Command& command);
    // 6.824's Snapshot(index, snapshot): the service at node i holds everything up to `index`.
    // Returns whether the node accepted (raft refuses an index not committed or not past its
    // snapshot). REQUIRES: node i is alive.
    bool compact(std::uint32_t i, raft::LogIndex index, std::string snapshot);

    // ---- observation ----
    std::uint32_t size() const { return static_cast<std::uint32_t>(nodes_.size()); }
    bool alive(std::uint32_t i) const { return nodes_[i].alive; }
    bool connected(std::uint32_t i) const { return nodes_[i].connected; }
    const raft::NodeState& state(std::uint32_t i) const { return nodes_[i].state; }
    const raft::PersistentState& storage(std::uint32_t i) const { return nodes_[i].storage; }
    // config.go's RaftStateSize and the snapshot's size, of node i's stable storage.
    std::size_t raft_state_size(std::uint32_t i) const { return raft_state_bytes(nodes_[i].storage); }
    std::size_t snapshot_size(std::uint32_t i) const { return nodes_[i].storage.snapshot.data.size(); }
    // Commands node i has applied, by index (kept across restarts, as 6.824's cfg.logs are).
    const std::vector<std::optional<raft::Command>>& applied(std::uint32_t i) const { return nodes_[i].applied; }
    // How many servers applied `index`, and the command (6.824's nCommitted). Throws on
    // disagreement.
    std::pair<std::uint32_t, std::optional<raft::Command>> n_committed(raft::LogIndex index) const;
    std::uint64_t rpc_count() const { return rpc_count_; }    // requests delivered
    std::uint64_t rpc_bytes() const { return rpc_bytes_; }    // their wire size
    const ClusterStats& stats() const { return stats_; }
    struct Election {
        Millis at;
        raft::Term term;
        std::uint32_t leader;
    };
    // Every leader elected, in order: the run's timeline.
    const std::vector<Election>& elections() const { return elections_; }
    Rng& rng() { return rng_; }
    void log(int level, const std::string& line) const;

private:
    struct Node {
        raft::NodeState state;
        raft::PersistentState storage;
        bool alive = true;
        bool connected = true;
        std::uint32_t group = 0;
        std::uint64_t incarnation = 0;
        std::uint64_t election_timer_generation = 0;
        raft::LogIndex next_apply_index{1};
        std::vector<std::optional<raft::Command>> applied;  // applied[k] is index k+1
    };

    enum class EventKind : std::uint8_t { kDeliver, kElectionTimer, kHeartbeatTimer };
    struct Event {
        Millis time;
        std::uint64_t seq;  // ties broken by scheduling order: deterministic
        EventKind kind;
        std::uint32_t node;
        std::uint64_t tag;  // timer generation, or the in-flight message's slot
        bool operator>(const Event& o) const { return time != o.time ? time > o.time : seq > o.seq; }
    };
    struct InFlight {
        raft::Message message;
        std::uint64_t from_incarnation;
        std::uint64_t to_incarnation;
    };

    void schedule(Millis at, EventKind kind, std::uint32_t node, std::uint64_t tag);
    void arm_election_timer(std::uint32_t i);
    void deliver(std::uint64_t slot);
    // The step's outputs, after the cluster has acted on them.
    raft::Outputs step_node(std::uint32_t i, const raft::Input& input);
    void handle_outputs(std::uint32_t i, const raft::Outputs& out);
    void send(const raft::Message& m);
    void check_apply(std::uint32_t i, const raft::Applied& a);
    void ingest_snapshot(std::uint32_t i, const raft::Snapshot& snapshot);
    void tester_compact(std::uint32_t i, raft::LogIndex index);

    ClusterOptions options_;
    Rng rng_;
    NetworkFaults faults_;
    Millis now_ = 0;
    std::uint64_t next_seq_ = 0;
    std::vector<Node> nodes_;
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
    std::vector<std::optional<InFlight>> in_flight_;
    std::vector<std::uint64_t> free_slots_;
    std::map<raft::Term, std::uint32_t> leaders_by_term_;
    std::vector<Election> elections_;
    std::uint64_t rpc_count_ = 0;
    std::uint64_t rpc_bytes_ = 0;
    ClusterStats stats_;
};

std::string command_string(const raft::Entry& e);

}  // namespace sim
