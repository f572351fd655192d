#include "sim/lab.hpp"

#include <algorithm>
#include <limits>
#include <map>

namespace sim {
namespace {

// 6.824's one(): find a leader among the connected servers, Start() the command there, and
// wait for `expected` servers to apply it; give up after 10 s, or after 2 s at one leader
// unless `retry`.
class OneTask : public Task {
public:
    OneTask(raft::Command cmd, std::uint32_t expected, bool retry)
        : cmd_(std::move(cmd)), expected_(expected), retry_(retry) {}

    std::optional<Millis> poll(Lab& lab) override {
        if (!t0_) t0_ = lab.now();
        if (waiting_since_) return poll_waiting(lab);
        if (lab.now() - *t0_ >= 10'000) lab.fail("one(" + cmd_ + ") failed to reach agreement");
        for (std::uint32_t tried = 0; tried < lab.servers(); ++tried) {
            next_server_ = (next_server_ + 1) % lab.servers();
            if (!lab.connected(next_server_) || !lab.alive(next_server_)) continue;
            const Cluster::StartResult r = lab.start(next_server_, cmd_);
            if (r.index) {
                index_ = r.index->value;
                waiting_since_ = lab.now();
                return poll_waiting(lab);
            }
        }
        return lab.now() + 50;
    }

    std::uint64_t index() const { return index_; }

private:
    std::optional<Millis> poll_waiting(Lab& lab) {
        if (lab.now() - *waiting_since_ < 2'000) {
            const auto [nd, cmd1] = lab.n_committed(index_);
            if (nd > 0 && nd >= expected_ && cmd1 == cmd_) return std::nullopt;  // agreed
            return lab.now() + 20;
        }
        if (!retry_) lab.fail("one(" + cmd_ + ") failed to reach agreement");
        waiting_since_.reset();
        return lab.now();  // try another leader at once
    }

    raft::Command cmd_;
    std::uint32_t expected_;
    bool retry_;
    std::optional<Millis> t0_;
    std::optional<Millis> waiting_since_;
    std::uint32_t next_server_ = 0;
    std::uint64_t index_ = 0;
};

}  // namespace

Lab::Lab(std::uint32_t servers, std::uint64_t seed, bool unreliable, LabOptions options, bool snapshot)
    : cluster_(ClusterOptions{servers, seed, Timing{}, false, options.verbosity, std::move(options.log), std::move(options.step),
                              options.observer, snapshot}),
      rng_(seed ^ 0x6a09e667f3bcc908ull),
      virtual_time_out_(options.virtual_time_out) {
    set_unreliable(unreliable);
}

Lab::~Lab() {
    if (virtual_time_out_ != nullptr) *virtual_time_out_ = now();
}

void Lab::fail(const std::string& why) const {
    throw SimFailure(why + " (at " + std::to_string(now()) + " ms virtual time)");
}

void Lab::sleep(Millis ms) {
    const Millis until = now() + ms;
    for (;;) {
        // The earliest task due, ties by spawn order.
        std::size_t due = tasks_.size();
        for (std::size_t k = 0; k < tasks_.size(); ++k) {
            if (tasks_[k].wake && (due == tasks_.size() || *tasks_[k].wake < *tasks_[due].wake)) due = k;
        }
        const Millis task_time = due < tasks_.size() ? *tasks_[due].wake : std::numeric_limits<Millis>::max();
        const Millis event_time = cluster_.next_event_time();
        if (std::min(task_time, event_time) > until) break;
        if (task_time <= event_time) {
            cluster_.run_until(task_time);
            tasks_[due].wake = tasks_[due].task->poll(*this);
            RAFT_ASSERT(!tasks_[due].wake || *tasks_[due].wake >= now(), "a task wakes in the future");
        } else {
            cluster_.run_next_event();
        }
    }
    cluster_.run_until(until);
}

std::uint32_t Lab::check_one_leader() {
    for (int iters = 0; iters < 10; ++iters) {
        sleep(450 + rng_.range(0, 100));
        std::map<raft::Term, std::vector<std::uint32_t>> leaders;
        for (std::uint32_t i = 0; i < servers(); ++i) {
            if (!connected(i) || !alive(i)) continue;
            const auto [term, is_leader] = get_state(i);
            if (is_leader) leaders[term].push_back(i);
        }
        for (const auto& [term, ids] : leaders) {
            if (ids.size() > 1) {
                fail("term " + raft::to_string(term) + " has " + std::to_string(ids.size()) + " (>1) leaders");
            }
        }
        if (!leaders.empty()) return leaders.rbegin()->second.front();
    }
    fail("expected one leader, got none");
}

raft::Term Lab::check_terms() {
    std::optional<raft::Term> term;
    for (std::uint32_t i = 0; i < servers(); ++i) {
        if (!connected(i) || !alive(i)) continue;
        const raft::Term t = get_state(i).first;
        if (!term) {
            term = t;
        } else if (*term != t) {
            fail("servers disagree on term");
        }
    }
    return term.value_or(raft::Term{});
}

void Lab::check_no_leader() {
    for (std::uint32_t i = 0; i < servers(); ++i) {
        if (connected(i) && alive(i) && get_state(i).second) {
            fail("expected no leader among connected servers, but " + std::to_string(i) + " claims to be leader");
        }
    }
}

std::pair<std::uint32_t, std::optional<raft::Command>> Lab::n_committed(std::uint64_t index) const {
    try {
        return cluster_.n_committed(raft::LogIndex{index});
    } catch (const SimFailure& e) {
        fail(e.what());
    }
}

std::pair<raft::Term, bool> Lab::get_state(std::uint32_t i) const {
    const raft::NodeState& s = cluster_.state(i);
    return {s.current_term, alive(i) && s.role == raft::Role::kLeader};
}

std::uint64_t Lab::one(const raft::Command& cmd, std::uint32_t expected_servers, bool retry) {
    const std::size_t t = spawn_one(cmd, expected_servers, retry);
    join(t);
    return one_result(t);
}

std::optional<raft::Command> Lab::wait(std::uint64_t index, std::uint32_t n, std::optional<raft::Term> start_term) {
    Millis to = 10;
    for (int iters = 0; iters < 30; ++iters) {
        if (n_committed(index).first >= n) break;
        sleep(to);
        if (to < 1000) to *= 2;
        if (start_term) {
            for (std::uint32_t i = 0; i < servers(); ++i) {
                if (alive(i) && get_state(i).first > *start_term) return std::nullopt;  // someone moved on
            }
        }
    }
    const auto [nd, cmd] = n_committed(index);
    if (nd < n) {
        fail("only " + std::to_string(nd) + " decided for index " + std::to_string(index) + "; wanted " +
             std::to_string(n));
    }
    return cmd;
}

void Lab::crash1(std::uint32_t i) {
    // As config.go's crash1: the server is cut off and killed; its storage survives.
    disconnect(i);
    cluster_.crash(i);
}

void Lab::start1(std::uint32_t i) {
    if (alive(i)) crash1(i);
    cluster_.restart(i);
}

std::size_t Lab::log_size() const {
    std::size_t most = 0;
    for (std::uint32_t i = 0; i < servers(); ++i) most = std::max(most, cluster_.raft_state_size(i));
    return most;
}

void Lab::set_unreliable(bool on) {
    NetworkFaults f = cluster_.faults();
    f.unreliable = on;
    cluster_.set_faults(f);
}

void Lab::set_long_reordering(bool on) {
    NetworkFaults f = cluster_.faults();
    f.long_reordering = on;
    cluster_.set_faults(f);
}

std::size_t Lab::spawn(std::unique_ptr<Task> task) {
    tasks_.push_back(Slot{std::move(task), now()});
    return tasks_.size() - 1;
}

void Lab::join(std::size_t task) {
    while (!finished(task)) sleep(std::max<Millis>(1, *tasks_[task].wake - now()));
}

std::size_t Lab::spawn_one(const raft::Command& cmd, std::uint32_t expected_servers, bool retry) {
    return spawn(std::make_unique<OneTask>(cmd, expected_servers, retry));
}

std::uint64_t Lab::one_result(std::size_t task) const {
    RAFT_ASSERT(finished(task), "one() has not finished");
    const auto* one = dynamic_cast<const OneTask*>(tasks_[task].task.get());
    RAFT_ASSERT(one != nullptr, "not a one() task");
    return one->index();
}

raft::Command random_command(Rng& rng) { return std::to_string(rng.below(1u << 31)); }

}  // namespace sim
