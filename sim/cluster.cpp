#include "sim/cluster.hpp"

#include <cstdio>

#include "sim/tester_snapshot.hpp"

namespace sim {

std::string command_string(const raft::Entry& e) {
    return e.kind == raft::EntryKind::kNoop ? std::string("<noop>") : e.command;
}

std::size_t raft_state_bytes(const raft::PersistentState& storage) {
    constexpr std::size_t kNumberBytes = 8;
    constexpr std::size_t kEntryHeaderBytes = kNumberBytes + 1 + 4;  // term, kind, command length
    // Term and vote; the log's base index and term (what the log starts after).
    std::size_t size = 4 * kNumberBytes;
    for (const raft::Entry& e : storage.log.entries()) size += kEntryHeaderBytes + e.command.size();
    return size;
}

Cluster::Cluster(ClusterOptions options) : options_(std::move(options)), rng_(options_.seed) {
    RAFT_ASSERT(options_.servers >= 1 && options_.servers <= raft::kMaxClusterSize, "cluster size out of range");
    RAFT_ASSERT(options_.timing.election_timeout_min_ms < options_.timing.election_timeout_max_ms, "timeout range");
    nodes_.resize(options_.servers);
    for (std::uint32_t i = 0; i < options_.servers; ++i) {
        nodes_[i].state = raft::initial_state(raft::Config{raft::NodeId{i}, options_.servers, options_.noop_on_election});
        arm_election_timer(i);
        // Heartbeat timers run forever at a random phase; only leaders act on them.
        schedule(rng_.range(0, options_.timing.heartbeat_interval_ms), EventKind::kHeartbeatTimer, i, 0);
    }
}

void Cluster::log(int level, const std::string& line) const {
    if (options_.verbosity < level) return;
    const std::string stamped = "[" + std::to_string(now_) + "ms] " + line;
    if (options_.log) {
        options_.log(stamped);
    } else {
        std::fprintf(stderr, "%s\n", stamped.c_str());
    }
}

void Cluster::schedule(Millis at, EventKind kind, std::uint32_t node, std::uint64_t tag) {
    RAFT_ASSERT(at >= now_, "no event in the past");
    events_.push(Event{at, next_seq_++, kind, node, tag});
}

void Cluster::arm_election_timer(std::uint32_t i) {
    Node& n = nodes_[i];
    ++n.election_timer_generation;  // any earlier timer event is now stale
    const Millis timeout = rng_.range(options_.timing.election_timeout_min_ms, options_.timing.election_timeout_max_ms);
    schedule(now_ + timeout, EventKind::kElectionTimer, i, n.election_timer_generation);
}

Millis Cluster::next_event_time() const {
    RAFT_ASSERT(!events_.empty(), "heartbeat timers keep the queue non-empty");
    return events_.top().time;
}

void Cluster::run_until(Millis t) {
    RAFT_ASSERT(t >= now_, "time only moves forward");
    while (next_event_time() <= t) run_next_event();
    now_ = t;
}

void Cluster::run_next_event() {
    const Event e = events_.top();
    events_.pop();
    now_ = e.time;
    Node& n = nodes_[e.node];
    switch (e.kind) {
        case EventKind::kDeliver:
            deliver(e.tag);
            break;
        case EventKind::kElectionTimer:
            if (e.tag != n.election_timer_generation) break;  // reset since
            if (n.alive) step_node(e.node, raft::ElectionTimeout{});
            if (n.alive && e.tag == n.election_timer_generation) arm_election_timer(e.node);
            break;
        case EventKind::kHeartbeatTimer:
            if (n.alive && n.state.role == raft::Role::kLeader) step_node(e.node, raft::HeartbeatTimeout{});
            schedule(now_ + options_.timing.heartbeat_interval_ms, EventKind::kHeartbeatTimer, e.node, 0);
            break;
    }
}

void Cluster::send(const raft::Message& m) {
    ++stats_.messages_sent;
    const Node& from = nodes_[m.from.value];
    const Node& to = nodes_[m.to.value];
    if (!from.connected || !to.connected || from.group != to.group) {
        ++stats_.messages_undeliverable;
        if (options_.observer) options_.observer->lost(m);
        return;
    }
    const std::optional<Millis> delay = network_delay(faults_, m, rng_);
    if (!delay) {
        ++stats_.messages_lost;
        if (options_.observer) options_.observer->lost(m);
        return;
    }
    std::uint64_t slot;
    if (!free_slots_.empty()) {
        slot = free_slots_.back();
        free_slots_.pop_back();
    } else {
        slot = in_flight_.size();
        in_flight_.emplace_back();
    }
    in_flight_[slot] = InFlight{m, from.incarnation, to.incarnation};
    schedule(now_ + *delay, EventKind::kDeliver, m.to.value, slot);
}

void Cluster::deliver(std::uint64_t slot) {
    InFlight f = std::move(*in_flight_[slot]);
    in_flight_[slot].reset();
    free_slots_.push_back(slot);
    const Node& from = nodes_[f.message.from.value];
    const Node& to = nodes_[f.message.to.value];
    // labrpc checks again on arrival: a server that crashed or was cut off since the send
    // never sees the message, and a crashed sender's old incarnation gets no reply.
    if (!to.alive || !to.connected || !from.connected || from.group != to.group || to.incarnation != f.to_incarnation ||
        from.incarnation != f.from_incarnation) {
        ++stats_.messages_undeliverable;
        if (options_.observer) options_.observer->lost(f.message);
        return;
    }
    if (raft::is_request(f.message)) {
        ++rpc_count_;
        rpc_bytes_ += raft::wire_size(f.message);
    }
    step_node(f.message.to.value, raft::Input{std::move(f.message)});
}

raft::Outputs Cluster::step_node(std::uint32_t i, const raft::Input& input) {
    Node& n = nodes_[i];
    RAFT_ASSERT(n.alive, "a crashed node takes no steps");
    ++stats_.steps;
    if (options_.verbosity >= 2) log(2, "n" + std::to_string(i) + ": " + raft::describe(input));
    raft::NodeState before;
    if (options_.observer) {
        before.config = n.state.config;
        before.role = n.state.role;
        before.current_term = n.state.current_term;
        before.voted_for = n.state.voted_for;
        before.commit_index = n.state.commit_index;
    }
    raft::StepResult r = options_.step ? options_.step(std::move(n.state), input) : raft::step(std::move(n.state), input);
    if (options_.observer) options_.observer->stepped(before, input, r);
    n.state = std::move(r.state);
    handle_outputs(i, r.outputs);
    return std::move(r.outputs);
}

void Cluster::handle_outputs(std::uint32_t i, const raft::Outputs& out) {
    Node& n = nodes_[i];
    // The ordering contract of raft/io.hpp: persist, then send, then apply (a snapshot first).
    raft::apply_persist(n.storage, out.persist);
    for (const raft::Message& m : out.messages) send(m);
    if (out.apply_snapshot) ingest_snapshot(i, *out.apply_snapshot);
    for (const raft::Applied& a : out.apply) check_apply(i, a);
    if (options_.tester_snapshots && n.alive) {
        // applierSnap snapshots right after applying an index k with (k+1) % interval == 0;
        // here after the whole step's entries, so that the compaction is a step of its own.
        for (const raft::Applied& a : out.apply) {
            if ((a.index.value + 1) % kSnapshotInterval == 0) tester_compact(i, a.index);
        }
    }
    for (const raft::Notice& notice : out.notices) {
        log(1, "n" + std::to_string(i) + ": " + raft::describe(notice));
        if (notice.kind == raft::NoticeKind::kBecameCandidate) ++stats_.elections_started;
        if (notice.kind != raft::NoticeKind::kBecameLeader) continue;
        ++stats_.leaders_elected;
        elections_.push_back(Election{now_, notice.term, i});
        const auto [it, fresh] = leaders_by_term_.emplace(notice.term, i);
        if (!fresh && it->second != i) {
            throw SimFailure("election safety violated: n" + std::to_string(it->second) + " and n" + std::to_string(i) +
                             " both became leader in term " + raft::to_string(notice.term));
        }
    }
    if (out.alarm) throw SimFailure("n" + std::to_string(i) + " raised an alarm: " + *out.alarm);
    if (out.reset_election_timer) arm_election_timer(i);
}

// 6.824's applier: entries arrive in order, and no two servers apply different commands at
// one index.
void Cluster::check_apply(std::uint32_t i, const raft::Applied& a) {
    Node& n = nodes_[i];
    if (a.index != n.next_apply_index) {
        throw SimFailure("server " + std::to_string(i) + " apply out of order " + raft::to_string(a.index) +
                         " (expected " + raft::to_string(n.next_apply_index) + ")");
    }
    n.next_apply_index = a.index.next();
    const std::string cmd = command_string(a.entry);
    const std::size_t k = static_cast<std::size_t>(a.index.value - 1);
    for (std::uint32_t j = 0; j < nodes_.size(); ++j) {
        const auto& other = nodes_[j].applied;
        if (k < other.size() && other[k] && *other[k] != cmd) {
            throw SimFailure("commit index=" + raft::to_string(a.index) + " server=" + std::to_string(i) + " " + cmd +
                             " != server=" + std::to_string(j) + " " + *other[k]);
        }
    }
    if (n.applied.size() <= k) n.applied.resize(k + 1);
    n.applied[k] = cmd;
    ++stats_.entries_applied;
}

// A snapshot handed up replaces what the service applied, up to its index: the applier goes
// on from the next index. It never moves the applier back (that would undo applied entries).
void Cluster::ingest_snapshot(std::uint32_t i, const raft::Snapshot& snapshot) {
    Node& n = nodes_[i];
    const raft::LogIndex index = snapshot.last_included_index;
    if (index.next() < n.next_apply_index) {
        throw SimFailure("server " + std::to_string(i) + " was handed a snapshot at " + raft::to_string(index) +
                         " after applying up to " + raft::to_string(n.next_apply_index.prev()));
    }
    if (options_.tester_snapshots) {
        // config.go's ingestSnap.
        const std::optional<TesterSnapshot> snap = decode_tester_snapshot(snapshot.data);
        if (!snap) throw SimFailure("server " + std::to_string(i) + " snapshot decode error");
        if (snap->index != index) throw SimFailure("server " + std::to_string(i) + " snapshot doesn't match m.SnapshotIndex");
        n.applied.assign(snap->commands.begin(), snap->commands.end());
    }
    log(1, "n" + std::to_string(i) + " installed a snapshot at " + raft::to_string(index));
    n.next_apply_index = index.next();
    ++stats_.snapshots_installed;
}

// applierSnap's rf.Snapshot(index, (index, commands up to index)).
void Cluster::tester_compact(std::uint32_t i, raft::LogIndex index) {
    std::vector<raft::Command> commands;
    commands.reserve(index.value);
    for (std::uint64_t k = 0; k < index.value; ++k) {
        const std::optional<raft::Command>& c = nodes_[i].applied.at(k);
        RAFT_ASSERT(c.has_value(), "the tester applied every index up to the one it snapshots");
        commands.push_back(*c);
    }
    if (!compact(i, index, encode_tester_snapshot(index, commands))) {
        throw SimFailure("server " + std::to_string(i) + " refused Snapshot(" + raft::to_string(index) +
                         ") of an applied index");
    }
}

bool Cluster::compact(std::uint32_t i, raft::LogIndex index, std::string snapshot) {
    const raft::Outputs out = step_node(i, raft::CompactLog{index, std::move(snapshot)});
    if (out.refused) {
        log(1, "n" + std::to_string(i) + " refused to compact at " + raft::to_string(index) + ": " + *out.refused);
        return false;
    }
    ++stats_.snapshots_taken;
    return true;
}

std::pair<std::uint32_t, std::optional<raft::Command>> Cluster::n_committed(raft::LogIndex index) const {
    std::uint32_t count = 0;
    std::optional<raft::Command> cmd;
    const std::size_t k = static_cast<std::size_t>(index.value - 1);
    for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
        const auto& a = nodes_[i].applied;
        if (index.value == 0 || k >= a.size() || !a[k]) continue;
        if (count > 0 && *cmd != *a[k]) {
            throw SimFailure("committed values do not match: index " + raft::to_string(index) + ", " + *cmd + ", " + *a[k]);
        }
        ++count;
        cmd = a[k];
    }
    return {count, cmd};
}

void Cluster::connect(std::uint32_t i) {
    if (!nodes_[i].connected) log(1, "n" + std::to_string(i) + " connected");
    nodes_[i].connected = true;
}

void Cluster::disconnect(std::uint32_t i) {
    if (nodes_[i].connected) {
        log(1, "n" + std::to_string(i) + " disconnected");
        ++stats_.disconnects;
    }
    nodes_[i].connected = false;
}

void Cluster::crash(std::uint32_t i) {
    Node& n = nodes_[i];
    if (!n.alive) return;
    log(1, "n" + std::to_string(i) + " crashed");
    ++stats_.crashes;
    n.alive = false;
    ++n.incarnation;
    ++n.election_timer_generation;
    // The volatile state is gone: keep nothing but the config, so that nothing can leak.
    n.state = raft::initial_state(n.state.config);
}

void Cluster::restart(std::uint32_t i) {
    Node& n = nodes_[i];
    RAFT_ASSERT(!n.alive, "only a crashed node restarts");
    log(1, "n" + std::to_string(i) + " restarted");
    ++stats_.restarts;
    n.alive = true;
    n.next_apply_index = raft::LogIndex{1};
    step_node(i, raft::Restart{n.storage});
}

Cluster::StartResult Cluster::start(std::uint32_t i, const raft::Command& command) {
    Node& n = nodes_[i];
    if (!n.alive) return {std::nullopt, raft::Term{}};
    const std::optional<raft::LogIndex> index = step_node(i, raft::Propose{command}).proposal_index;
    return {index, n.state.current_term};
}

}  // namespace sim
