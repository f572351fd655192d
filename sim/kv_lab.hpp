#pragma once
// The 6.824 kvraft harness (kvraft/config.go) over the simulated cluster: one kv::Server per
// raft node, clerks that reach servers over the simulated network (the same loss, delay and
// reordering as raft's messages, and per-clerk links as labrpc's client ends), partitions,
// shutdown and restart of servers, and the client-observed history.
//
// One event loop drives everything in virtual time: the cluster's events (raft messages,
// timers) and the service's (clerk requests and replies, clerk timeouts, the scenario's own
// delayed actions), merged by time. Clients are callbacks, not threads: a "goroutine" of the
// original is a chain of operations, each starting the next from its completion.

#include <functional>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kv/clerk.hpp"
#include "kv/server.hpp"
#include "sim/cluster.hpp"
#include "sim/kv_history.hpp"

namespace sim {

// A clerk gives up on an attempt after this long and tries the next server: the way to leave
// a leader that is cut off from the majority and does not know it yet, whose handler never
// returns (lost calls are reported failed sooner, as labrpc does).
inline constexpr Millis kKvRpcTimeoutMs = 300;
// config.go's limit on one test (begin .. end).
inline constexpr Millis kKvTestLimitMs = 120'000;
// The history stamps calls and returns within one millisecond with 3 digits (kv_history.hpp).
inline constexpr std::uint32_t kKvMaxClerks = 400;

class KvLab;

// Sees every request that reaches a live server before the server does, and may answer it
// itself. Only test-only variants use it (sim/kv_mutants.*).
using KvRequestHook = std::function<std::optional<kv::Reply>(KvLab&, std::uint32_t server, const kv::Request&)>;

struct KvLabOptions {
    int verbosity = 0;
    std::function<void(const std::string&)> log;
    kv::ApplyFn apply;           // empty: kv::StateMachine::apply (the dedup rule)
    KvRequestHook request_hook;  // empty: every request goes to the server
    Millis* virtual_time_out = nullptr;  // receives the virtual time the run took
    KvHistory* history_out = nullptr;    // receives the history, also when the run fails
    ClusterStats* cluster_stats_out = nullptr;  // receives the cluster's counters at the end
    // config.go's maxraftstate: each server snapshots once its node's persisted raft state
    // is above this many bytes; -1: never (the 3A tests).
    std::int64_t maxraftstate = -1;
};

struct KvStats {
    std::uint64_t requests_sent = 0;
    std::uint64_t requests_lost = 0;  // by the network, a disabled link, or a dead server
    std::uint64_t replies_lost = 0;
    std::uint64_t calls_failed = 0;    // reported to the clerk, as labrpc's Call returning false
    std::uint64_t clerk_timeouts = 0;  // attempts the clerk gave up on by its own timer
    std::uint64_t wrong_leader_replies = 0;
};

class KvLab : private StepObserver {
public:
    using Clerk = std::size_t;
    using Done = std::function<void(const std::string& answer)>;

    KvLab(std::uint32_t servers, std::uint64_t seed, bool unreliable, KvLabOptions options = {});
    ~KvLab() override;
    KvLab(const KvLab&) = delete;
    KvLab& operator=(const KvLab&) = delete;

    Cluster& cluster() { return cluster_; }
    Rng& rng() { return rng_; }  // the test's own randomness
    std::uint32_t servers() const { return cluster_.size(); }
    Millis now() const { return cluster_.now(); }
    [[noreturn]] void fail(const std::string& why) const;
    void log(int level, const std::string& line) const { cluster_.log(level, line); }

    // ---- time ----
    void sleep(Millis ms);
    // Runs `action` after `delay` (a goroutine's "time.Sleep, then ...").
    void after(Millis delay, std::function<void()> action);
    // Runs the simulation until `done()` holds; fails naming `what` once the test is past
    // config.go's 120 s.
    void wait_for(const std::function<bool()>& done, const std::string& what);
    // config.go's begin/end: end() fails if the part took longer than 120 s.
    void begin(const std::string& title);
    void end();

    // ---- clerks (config.go's makeClient, ConnectClient) ----
    Clerk make_client(const std::vector<std::uint32_t>& to);
    void connect_client(Clerk ck, const std::vector<std::uint32_t>& to);
    // Starts an operation; `done` runs when it returns. REQUIRES: the clerk is idle.
    void start_op(Clerk ck, kv::OpKind kind, std::string key, std::string value, Done done);
    bool idle(Clerk ck) const { return clerks_[ck].clerk.idle(); }
    // Blocking operations, for the test's main line.
    std::string get(Clerk ck, const std::string& key);
    void put(Clerk ck, const std::string& key, const std::string& value);
    void append(Clerk ck, const std::string& key, const std::string& value);

    // ---- servers and the network (config.go) ----
    std::vector<std::uint32_t> all() const;
    // Servers talk only within p1 and within p2.
    void partition(const std::vector<std::uint32_t>& p1, const std::vector<std::uint32_t>& p2);
    void connect_all();
    void shutdown_server(std::uint32_t i);  // cut off and crashed; storage survives
    void start_server(std::uint32_t i);     // a fresh kv::Server over the restarted node
    // The first server that believes it leads, if any (config.go's Leader).
    std::optional<std::uint32_t> leader() const;
    // config.go's LogSize and SnapshotSize: the largest persisted raft state (hard state and
    // log) and the largest stored snapshot of any server, in bytes.
    std::size_t log_size() const;
    std::size_t snapshot_size() const;
    // A majority without the leader, and a minority with it (config.go's make_partition).
    std::pair<std::vector<std::uint32_t>, std::vector<std::uint32_t>> make_partition() const;
    void set_unreliable(bool on);

    // ---- observation ----
    // Null while server i is shut down.
    const kv::Server* server(std::uint32_t i) const { return servers_[i].server.get(); }
    const KvHistory& history() const { return history_; }
    const KvStats& stats() const { return stats_; }

private:
    struct ServerSlot {
        std::unique_ptr<kv::Server> server;
        std::uint64_t incarnation = 0;
    };
    struct ClerkSlot {
        kv::Clerk clerk;
        std::vector<bool> links;  // to each server
        Done done;
        std::size_t history_op = 0;
    };
    struct Applied {
        std::uint32_t node;
        std::optional<raft::Snapshot> snapshot;  // handed up before the entries
        std::vector<raft::Applied> entries;
        raft::Term term;
        bool leader;
    };

    // StepObserver: buffers what each raft step applied, handed to the servers by drain().
    void stepped(const raft::NodeState& before, const raft::Input& input, const raft::StepResult& result) override;
    void lost(const raft::Message&) override {}
    void drain();
    void hand_over(const Applied& step);

    void run_next();  // the earliest event of the cluster or of the service
    Millis next_service_time() const;
    void send_request(Clerk ck, const kv::Clerk::Send& send);
    void call_failed(Clerk ck, std::uint64_t attempt, Millis after_ms);
    void handle_request(Clerk ck, std::uint32_t server, const kv::Request& request);
    void send_reply(std::uint32_t server, const kv::Reply& reply);
    void clerk_result(Clerk ck, const kv::Clerk::Result& result);
    std::string run_op(Clerk ck, kv::OpKind kind, const std::string& key, const std::string& value);

    KvLabOptions options_;
    Cluster cluster_;
    Rng rng_;
    Rng net_rng_;
    std::vector<ServerSlot> servers_;
    std::deque<ClerkSlot> clerks_;  // a deque: callbacks may add clerks while one is in use
    std::map<std::pair<Millis, std::uint64_t>, std::function<void()>> events_;
    std::uint64_t next_seq_ = 0;
    std::vector<Applied> applied_;
    KvHistory history_;
    KvStats stats_;
    Millis begun_at_ = 0;
};

// How long a clerk's message takes, or nothing if the network loses it: labrpc's odds, as
// sim/network.hpp has them for raft's messages (replies are the ones held back by long
// reordering).
std::optional<Millis> kv_rpc_delay(const NetworkFaults& faults, bool reply, Rng& rng);

}  // namespace sim
