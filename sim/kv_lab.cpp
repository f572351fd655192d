#include "sim/kv_lab.hpp"

#include <algorithm>
#include <limits>

namespace sim {

std::optional<Millis> kv_rpc_delay(const NetworkFaults& faults, bool reply, Rng& rng) {
    if (faults.unreliable && rng.chance(kUnreliableLossPercent, 100)) return std::nullopt;
    Millis d = faults.unreliable ? rng.range(0, kUnreliableDelayMaxMs) : rng.range(kReliableDelayMinMs, kReliableDelayMaxMs + 1);
    if (faults.long_reordering && reply && rng.chance(600, 900)) {
        d += kLongReorderMinMs + rng.range(0, 1 + rng.range(0, kLongReorderSpanMs + 1));
    }
    return d;
}

KvLab::KvLab(std::uint32_t servers, std::uint64_t seed, bool unreliable, KvLabOptions options)
    : options_(std::move(options)),
      cluster_(ClusterOptions{servers, seed, Timing{}, false, options_.verbosity, options_.log, {}, this}),
      rng_(seed ^ 0x6a09e667f3bcc908ull),
      net_rng_(seed ^ 0xbb67ae8584caa73bull),
      servers_(servers) {
    for (ServerSlot& s : servers_) s.server = std::make_unique<kv::Server>(options_.apply, options_.maxraftstate);
    set_unreliable(unreliable);
}

KvLab::~KvLab() {
    if (options_.virtual_time_out != nullptr) *options_.virtual_time_out = now();
    if (options_.history_out != nullptr) *options_.history_out = history_;
    if (options_.cluster_stats_out != nullptr) *options_.cluster_stats_out = cluster_.stats();
}

void KvLab::fail(const std::string& why) const {
    throw SimFailure(why + " (at " + std::to_string(now()) + " ms virtual time)");
}

// ---- the event loop ----

void KvLab::stepped(const raft::NodeState& before, const raft::Input&, const raft::StepResult& result) {
    applied_.push_back(Applied{before.config.id.value, result.outputs.apply_snapshot, result.outputs.apply,
                               result.state.current_term, result.state.role == raft::Role::kLeader});
}

// Hands each buffered raft step to its server (a compaction the server asks for is one more
// step, buffered behind the others).
void KvLab::drain() {
    for (std::size_t k = 0; k < applied_.size(); ++k) {
        const Applied a = std::move(applied_[k]);
        hand_over(a);
    }
    applied_.clear();
}

// One raft step's outputs to its server: first a snapshot and the entries it applied (they
// may answer pending requests with their results), then, when its raft state has grown past
// maxraftstate, a compaction; then its term and role (which may answer the rest with
// kWrongLeader).
void KvLab::hand_over(const Applied& a) {
    kv::Server* server = servers_[a.node].server.get();
    RAFT_ASSERT(server != nullptr, "only a running server's raft node steps");
    if (a.snapshot) {
        for (const kv::Reply& r : server->install_snapshot(*a.snapshot)) send_reply(a.node, r);
    }
    for (const raft::Applied& entry : a.entries) {
        for (const kv::Reply& r : server->applied(entry)) send_reply(a.node, r);
    }
    if (options_.maxraftstate >= 0 && !a.entries.empty()) {
        if (std::optional<raft::CompactLog> c = server->compaction(cluster_.raft_state_size(a.node))) {
            cluster_.compact(a.node, c->index, std::move(c->snapshot));
        }
    }
    for (const kv::Reply& r : server->raft_status(a.term, a.leader)) send_reply(a.node, r);
}

Millis KvLab::next_service_time() const {
    return events_.empty() ? std::numeric_limits<Millis>::max() : events_.begin()->first.first;
}

void KvLab::run_next() {
    if (cluster_.next_event_time() <= next_service_time()) {
        cluster_.run_next_event();
        drain();
        return;
    }
    auto node = events_.extract(events_.begin());
    cluster_.run_until(node.key().first);  // no cluster event comes before it
    node.mapped()();
    drain();
}

void KvLab::after(Millis delay, std::function<void()> action) {
    RAFT_ASSERT(delay >= 0, "no event in the past");
    events_.emplace(std::make_pair(now() + delay, next_seq_++), std::move(action));
}

void KvLab::sleep(Millis ms) {
    const Millis until = now() + ms;
    while (std::min(cluster_.next_event_time(), next_service_time()) <= until) run_next();
    cluster_.run_until(until);
}

void KvLab::wait_for(const std::function<bool()>& done, const std::string& what) {
    while (!done()) {
        if (now() - begun_at_ > kKvTestLimitMs) fail("test took longer than 120 seconds: waiting for " + what);
        run_next();
    }
}

void KvLab::begin(const std::string& title) {
    begun_at_ = now();
    log(1, title);
}

void KvLab::end() {
    if (now() - begun_at_ > kKvTestLimitMs) fail("test took longer than 120 seconds");
}

// ---- clerks and their RPCs ----

KvLab::Clerk KvLab::make_client(const std::vector<std::uint32_t>& to) {
    RAFT_ASSERT(clerks_.size() < kKvMaxClerks, "too many clerks for the history's time stamps");
    const Clerk ck = clerks_.size();
    clerks_.push_back(ClerkSlot{kv::Clerk(ck, servers()), std::vector<bool>(servers(), false), {}, 0});
    connect_client(ck, to);
    return ck;
}

void KvLab::connect_client(Clerk ck, const std::vector<std::uint32_t>& to) {
    std::vector<bool>& links = clerks_[ck].links;
    std::fill(links.begin(), links.end(), false);
    for (std::uint32_t i : to) links.at(i) = true;
}

void KvLab::start_op(Clerk ck, kv::OpKind kind, std::string key, std::string value, Done done) {
    ClerkSlot& slot = clerks_[ck];
    slot.history_op = history_.call(ck, kind, key, value, now());
    slot.done = std::move(done);
    if (options_.verbosity >= 2) log(2, "c" + std::to_string(ck) + " calls " + kv::to_string(kind) + " key=" + key);
    const kv::Clerk::Send send = slot.clerk.begin(kind, std::move(key), std::move(value));
    send_request(ck, send);
}

// labrpc reports a call that cannot reach its server as failed (Call returns false) after
// up to 100 ms; one the unreliable network drops, after its short delay; one whose reply is
// dropped, when the handler returns. The clerk's own timeout is only for a handler that never
// returns: a leader cut off from the majority that does not know it.
constexpr Millis kUnreachableFailMaxMs = 100;

void KvLab::call_failed(Clerk ck, std::uint64_t attempt, Millis after_ms) {
    ++stats_.calls_failed;
    after(after_ms, [this, ck, attempt] { clerk_result(ck, clerks_[ck].clerk.on_no_reply(attempt)); });
}

void KvLab::send_request(Clerk ck, const kv::Clerk::Send& send) {
    ++stats_.requests_sent;
    const std::uint64_t attempt = send.request.attempt;
    after(kKvRpcTimeoutMs, [this, ck, attempt] {
        const kv::Clerk::Result r = clerks_[ck].clerk.on_no_reply(attempt);
        if (r.send) ++stats_.clerk_timeouts;
        clerk_result(ck, r);
    });
    const std::uint32_t s = send.server;
    if (!clerks_[ck].links[s] || !servers_[s].server) {
        ++stats_.requests_lost;
        call_failed(ck, attempt, net_rng_.range(0, kUnreachableFailMaxMs));
        return;
    }
    const std::optional<Millis> delay = kv_rpc_delay(cluster_.faults(), false, net_rng_);
    if (!delay) {
        ++stats_.requests_lost;
        call_failed(ck, attempt, net_rng_.range(0, kUnreliableDelayMaxMs));
        return;
    }
    const std::uint64_t incarnation = servers_[s].incarnation;
    after(*delay, [this, ck, s, incarnation, request = send.request] {
        // labrpc checks again on arrival: the link may be gone, the server shut down.
        if (!clerks_[ck].links[s] || !servers_[s].server || servers_[s].incarnation != incarnation) {
            ++stats_.requests_lost;
            call_failed(ck, request.attempt, net_rng_.range(0, kUnreachableFailMaxMs));
            return;
        }
        handle_request(ck, s, request);
    });
}

void KvLab::handle_request(Clerk ck, std::uint32_t s, const kv::Request& request) {
    RAFT_ASSERT(request.op.client == ck, "a clerk's requests carry its id");
    if (options_.request_hook) {
        if (const std::optional<kv::Reply> r = options_.request_hook(*this, s, request)) {
            send_reply(s, *r);
            return;
        }
    }
    const Cluster::StartResult started = cluster_.start(s, kv::Server::command_for(request));
    if (const std::optional<kv::Reply> r = servers_[s].server->proposed(request, started.index, started.term)) send_reply(s, *r);
    drain();  // the Propose step itself, after the server knows what it proposed
}

void KvLab::send_reply(std::uint32_t s, const kv::Reply& reply) {
    const Clerk ck = reply.client;
    RAFT_ASSERT(ck < clerks_.size(), "replies go to known clerks");
    if (reply.err == kv::Err::kWrongLeader) ++stats_.wrong_leader_replies;
    if (options_.verbosity >= 2) {
        log(2, "n" + std::to_string(s) + " answers c" + std::to_string(ck) + "#" + std::to_string(reply.seq) + " attempt " +
                   std::to_string(reply.attempt) + ": " + kv::to_string(reply.err));
    }
    const std::optional<Millis> delay = kv_rpc_delay(cluster_.faults(), true, net_rng_);
    if (!delay) {
        ++stats_.replies_lost;
        call_failed(ck, reply.attempt, 0);
        return;
    }
    if (!clerks_[ck].links[s]) {
        ++stats_.replies_lost;
        call_failed(ck, reply.attempt, net_rng_.range(0, kUnreachableFailMaxMs));
        return;
    }
    const std::uint64_t incarnation = servers_[s].incarnation;
    after(*delay, [this, ck, s, incarnation, reply] {
        if (!clerks_[ck].links[s] || servers_[s].incarnation != incarnation) {
            ++stats_.replies_lost;  // a shut-down server's replies never arrive
            call_failed(ck, reply.attempt, 0);
            return;
        }
        clerk_result(ck, clerks_[ck].clerk.on_reply(s, reply));
    });
}

void KvLab::clerk_result(Clerk ck, const kv::Clerk::Result& result) {
    if (result.send) send_request(ck, *result.send);
    if (!result.answer) return;
    ClerkSlot& slot = clerks_[ck];
    history_.returned(slot.history_op, *result.answer, now());
    if (options_.verbosity >= 2) log(2, "c" + std::to_string(ck) + " returns");
    Done done = std::move(slot.done);
    slot.done = nullptr;
    if (done) done(*result.answer);  // may start the clerk's next operation
}

std::string KvLab::run_op(Clerk ck, kv::OpKind kind, const std::string& key, const std::string& value) {
    std::optional<std::string> answer;
    start_op(ck, kind, key, value, [&answer](const std::string& a) { answer = a; });
    wait_for([&answer] { return answer.has_value(); }, std::string(kv::to_string(kind)) + " of key " + key);
    return *answer;
}

std::string KvLab::get(Clerk ck, const std::string& key) { return run_op(ck, kv::OpKind::kGet, key, ""); }
void KvLab::put(Clerk ck, const std::string& key, const std::string& value) { run_op(ck, kv::OpKind::kPut, key, value); }
void KvLab::append(Clerk ck, const std::string& key, const std::string& value) {
    run_op(ck, kv::OpKind::kAppend, key, value);
}

// ---- servers and the network ----

std::vector<std::uint32_t> KvLab::all() const {
    std::vector<std::uint32_t> v(servers());
    for (std::uint32_t i = 0; i < servers(); ++i) v[i] = i;
    return v;
}

void KvLab::partition(const std::vector<std::uint32_t>& p1, const std::vector<std::uint32_t>& p2) {
    for (std::uint32_t i : p1) cluster_.set_group(i, 1);
    for (std::uint32_t i : p2) cluster_.set_group(i, 2);
    log(1, "partitioned into groups of " + std::to_string(p1.size()) + " and " + std::to_string(p2.size()));
}

void KvLab::connect_all() {
    for (std::uint32_t i = 0; i < servers(); ++i) {
        cluster_.set_group(i, 0);
        cluster_.connect(i);
    }
}

void KvLab::shutdown_server(std::uint32_t i) {
    cluster_.disconnect(i);
    cluster_.crash(i);
    servers_[i].server.reset();  // pending requests die with it
    ++servers_[i].incarnation;
}

void KvLab::start_server(std::uint32_t i) {
    if (servers_[i].server) shutdown_server(i);
    // Empty: the restarted raft node hands up its snapshot, if any, and re-applies its log
    // after it; the server rebuilds the store and the sessions from them.
    servers_[i].server = std::make_unique<kv::Server>(options_.apply, options_.maxraftstate);
    cluster_.restart(i);
    drain();
}

std::optional<std::uint32_t> KvLab::leader() const {
    for (std::uint32_t i = 0; i < servers(); ++i) {
        if (cluster_.alive(i) && cluster_.state(i).role == raft::Role::kLeader) return i;
    }
    return std::nullopt;
}

std::size_t KvLab::log_size() const {
    std::size_t most = 0;
    for (std::uint32_t i = 0; i < servers(); ++i) most = std::max(most, cluster_.raft_state_size(i));
    return most;
}

std::size_t KvLab::snapshot_size() const {
    std::size_t most = 0;
    for (std::uint32_t i = 0; i < servers(); ++i) most = std::max(most, cluster_.snapshot_size(i));
    return most;
}

std::pair<std::vector<std::uint32_t>, std::vector<std::uint32_t>> KvLab::make_partition() const {
    const std::uint32_t l = leader().value_or(0);
    std::vector<std::uint32_t> p1, p2;
    for (std::uint32_t i = 0; i < servers(); ++i) {
        if (i == l) continue;
        (p1.size() < servers() / 2 + 1 ? p1 : p2).push_back(i);
    }
    p2.push_back(l);
    return {p1, p2};
}

void KvLab::set_unreliable(bool on) {
    NetworkFaults f = cluster_.faults();
    f.unreliable = on;
    cluster_.set_faults(f);
}

}  // namespace sim
