// 6.824 lab 2C: persistence, Figure 8, unreliable networks and churn.

#include <memory>

#include "sim/scenarios.hpp"

namespace sim {
namespace {

std::string num(std::uint64_t v) { return std::to_string(v); }

// Crash and restart, then reconnect: 6.824's "crash1; start1; connect".
void restart_and_connect(Lab& cfg, std::uint32_t i) {
    cfg.start1(i);
    cfg.connect(i);
}

// A client of the churn tests: proposes random values to every live server, remembers those
// that committed.
class ChurnClient : public Task {
public:
    ChurnClient(std::uint32_t me, const bool* stop, std::vector<raft::Command>* values)
        : me_(me), stop_(stop), values_(values) {}

    std::optional<Millis> poll(Lab& lab) override {
        if (waiting_) return check(lab);
        if (*stop_) return std::nullopt;
        x_ = random_command(lab.rng());
        index_.reset();
        for (std::uint32_t i = 0; i < lab.servers(); ++i) {
            // As the original: every live server is asked, connected or not.
            if (!lab.alive(i)) continue;
            const Cluster::StartResult r = lab.start(i, x_);
            if (r.index) index_ = r.index->value;
        }
        if (!index_) return lab.now() + 79 + me_ * 17;
        waiting_ = true;
        wait_step_ = 0;
        return check(lab);
    }

private:
    std::optional<Millis> check(Lab& lab) {
        static constexpr Millis kBackoffMs[] = {10, 20, 50, 100, 200};
        const auto [nd, cmd] = lab.n_committed(*index_);
        if (nd > 0) {
            if (cmd == x_) values_->push_back(x_);
            waiting_ = false;
            return lab.now();
        }
        if (wait_step_ == std::size(kBackoffMs)) {
            waiting_ = false;
            return lab.now();
        }
        return lab.now() + kBackoffMs[wait_step_++];
    }

    std::uint32_t me_;
    const bool* stop_;
    std::vector<raft::Command>* values_;
    raft::Command x_;
    std::optional<std::uint64_t> index_;
    bool waiting_ = false;
    std::size_t wait_step_ = 0;
};

void internal_churn(std::uint64_t seed, const LabOptions& options, bool unreliable) {
    const std::uint32_t servers = 5;
    Lab cfg(servers, seed, unreliable, options);
    Rng& rng = cfg.rng();
    bool stop = false;
    const std::uint32_t ncli = 3;
    std::vector<std::vector<raft::Command>> values(ncli);
    std::vector<std::size_t> clients;
    for (std::uint32_t i = 0; i < ncli; ++i) clients.push_back(cfg.spawn(std::make_unique<ChurnClient>(i, &stop, &values[i])));

    for (int iters = 0; iters < 20; ++iters) {
        if (rng.below(1000) < 200) cfg.disconnect(static_cast<std::uint32_t>(rng.below(servers)));
        if (rng.below(1000) < 500) {
            const auto i = static_cast<std::uint32_t>(rng.below(servers));
            if (!cfg.alive(i)) cfg.start1(i);
            cfg.connect(i);
        }
        if (rng.below(1000) < 200) {
            const auto i = static_cast<std::uint32_t>(rng.below(servers));
            if (cfg.alive(i)) cfg.crash1(i);
        }
        // Make crash/restart infrequent enough that Raft can make progress.
        cfg.sleep(kRaftElectionTimeoutMs * 7 / 10);
    }
    cfg.sleep(kRaftElectionTimeoutMs);
    cfg.set_unreliable(false);
    for (std::uint32_t i = 0; i < servers; ++i) {
        if (!cfg.alive(i)) cfg.start1(i);
        cfg.connect(i);
    }
    stop = true;
    for (std::size_t c : clients) cfg.join(c);

    const std::uint64_t last_index = cfg.one(random_command(rng), servers, true);
    std::vector<raft::Command> really_applied;
    for (std::uint64_t index = 1; index <= last_index; ++index) {
        const std::optional<raft::Command> v = cfg.wait(index, servers, std::nullopt);
        really_applied.push_back(*v);
    }
    for (const auto& vs : values) {
        for (const raft::Command& v1 : vs) {
            bool found = false;
            for (const raft::Command& v2 : really_applied) found |= v1 == v2;
            if (!found) cfg.fail("didn't find a value");
        }
    }
}

}  // namespace

void persist1(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 3;
    Lab cfg(servers, seed, false, options);
    cfg.one("11", servers, true);
    // Crash and re-start all.
    for (std::uint32_t i = 0; i < servers; ++i) cfg.start1(i);
    for (std::uint32_t i = 0; i < servers; ++i) {
        cfg.disconnect(i);
        cfg.connect(i);
    }
    cfg.one("12", servers, true);

    const std::uint32_t leader1 = cfg.check_one_leader();
    cfg.disconnect(leader1);
    cfg.start1(leader1);
    cfg.connect(leader1);
    cfg.one("13", servers, true);

    const std::uint32_t leader2 = cfg.check_one_leader();
    cfg.disconnect(leader2);
    cfg.one("14", servers - 1, true);
    cfg.start1(leader2);
    cfg.connect(leader2);
    cfg.wait(4, servers, std::nullopt);  // wait for leader2 to join before killing i3

    const std::uint32_t i3 = (cfg.check_one_leader() + 1) % servers;
    cfg.disconnect(i3);
    cfg.one("15", servers - 1, true);
    cfg.start1(i3);
    cfg.connect(i3);
    cfg.one("16", servers, true);
}

void persist2(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 5;
    Lab cfg(servers, seed, false, options);
    std::uint64_t index = 1;
    for (int iters = 0; iters < 5; ++iters) {
        cfg.one(num(10 + index), servers, true);
        ++index;
        const std::uint32_t leader1 = cfg.check_one_leader();
        cfg.disconnect((leader1 + 1) % servers);
        cfg.disconnect((leader1 + 2) % servers);
        cfg.one(num(10 + index), servers - 2, true);
        ++index;
        cfg.disconnect((leader1 + 0) % servers);
        cfg.disconnect((leader1 + 3) % servers);
        cfg.disconnect((leader1 + 4) % servers);
        cfg.start1((leader1 + 1) % servers);
        cfg.start1((leader1 + 2) % servers);
        cfg.connect((leader1 + 1) % servers);
        cfg.connect((leader1 + 2) % servers);
        cfg.sleep(kRaftElectionTimeoutMs);
        restart_and_connect(cfg, (leader1 + 3) % servers);
        cfg.one(num(10 + index), servers - 2, true);
        ++index;
        cfg.connect((leader1 + 4) % servers);
        cfg.connect((leader1 + 0) % servers);
    }
    cfg.one("1000", servers, true);
}

void persist3(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 3;
    Lab cfg(servers, seed, false, options);
    cfg.one("101", 3, true);
    const std::uint32_t leader = cfg.check_one_leader();
    cfg.disconnect((leader + 2) % servers);
    cfg.one("102", 2, true);
    cfg.crash1((leader + 0) % servers);
    cfg.crash1((leader + 1) % servers);
    cfg.connect((leader + 2) % servers);
    restart_and_connect(cfg, (leader + 0) % servers);
    cfg.one("103", 2, true);
    restart_and_connect(cfg, (leader + 1) % servers);
    cfg.one("104", servers, true);
}

// Figure 8 of the paper: leaders crash right after appending; entries of earlier terms must
// not be committed by counting replicas.
void figure8(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 5;
    Lab cfg(servers, seed, false, options);
    Rng& rng = cfg.rng();
    cfg.one(random_command(rng), 1, true);
    std::uint32_t nup = servers;
    for (int iters = 0; iters < 1000; ++iters) {
        std::optional<std::uint32_t> leader;
        for (std::uint32_t i = 0; i < servers; ++i) {
            if (cfg.alive(i) && cfg.start(i, random_command(rng)).index) leader = i;
        }
        if (rng.below(1000) < 100) {
            cfg.sleep(rng.range(0, kRaftElectionTimeoutMs / 2));
        } else {
            cfg.sleep(rng.range(0, 13));
        }
        if (leader) {
            cfg.crash1(*leader);
            --nup;
        }
        if (nup < 3) {
            const auto s = static_cast<std::uint32_t>(rng.below(servers));
            if (!cfg.alive(s)) {
                restart_and_connect(cfg, s);
                ++nup;
            }
        }
    }
    for (std::uint32_t i = 0; i < servers; ++i) {
        if (!cfg.alive(i)) restart_and_connect(cfg, i);
    }
    cfg.one(random_command(rng), servers, true);
}

void unreliable_agree(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 5;
    Lab cfg(servers, seed, true, options);
    std::vector<std::size_t> clients;
    for (std::uint64_t iters = 1; iters < 50; ++iters) {
        for (std::uint64_t j = 0; j < 4; ++j) clients.push_back(cfg.spawn_one(num(100 * iters + j), 1, true));
        cfg.one(num(iters), 1, true);
    }
    cfg.set_unreliable(false);
    for (std::size_t c : clients) cfg.join(c);
    cfg.one("100", servers, true);
}

void figure8_unreliable(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 5;
    Lab cfg(servers, seed, true, options);
    Rng& rng = cfg.rng();
    cfg.one(num(rng.below(10000)), 1, true);
    std::uint32_t nup = servers;
    for (int iters = 0; iters < 1000; ++iters) {
        if (iters == 200) cfg.set_long_reordering(true);
        std::optional<std::uint32_t> leader;
        for (std::uint32_t i = 0; i < servers; ++i) {
            if (cfg.start(i, num(rng.below(10000))).index && cfg.connected(i)) leader = i;
        }
        if (rng.below(1000) < 100) {
            cfg.sleep(rng.range(0, kRaftElectionTimeoutMs / 2));
        } else {
            cfg.sleep(rng.range(0, 13));
        }
        if (leader && rng.below(1000) < static_cast<std::uint64_t>(kRaftElectionTimeoutMs) / 2) {
            cfg.disconnect(*leader);
            --nup;
        }
        if (nup < 3) {
            const auto s = static_cast<std::uint32_t>(rng.below(servers));
            if (!cfg.connected(s)) {
                cfg.connect(s);
                ++nup;
            }
        }
    }
    for (std::uint32_t i = 0; i < servers; ++i) cfg.connect(i);
    cfg.one(num(rng.below(10000)), servers, true);
}

void reliable_churn(std::uint64_t seed, const LabOptions& options) { internal_churn(seed, options, false); }
void unreliable_churn(std::uint64_t seed, const LabOptions& options) { internal_churn(seed, options, true); }

}  // namespace sim
