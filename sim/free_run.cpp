#include "sim/free_run.hpp"

#include <algorithm>
#include <memory>

namespace sim {
namespace {

constexpr Millis kProposalIntervalMs = 50;
constexpr Millis kFaultIntervalMinMs = 400;
constexpr Millis kFaultIntervalMaxMs = 1600;

// Proposes a fresh command to whichever live server currently leads, every 50 ms.
class Proposer : public Task {
public:
    explicit Proposer(std::uint64_t* proposals) : proposals_(proposals) {}
    std::optional<Millis> poll(Lab& lab) override {
        for (std::uint32_t i = 0; i < lab.servers(); ++i) {
            if (lab.alive(i) && lab.get_state(i).second) {
                if (lab.start(i, "c" + std::to_string(next_++)).index) ++*proposals_;
                break;
            }
        }
        return lab.now() + kProposalIntervalMs;
    }

private:
    std::uint64_t* proposals_;
    std::uint64_t next_ = 1;
};

std::uint32_t healthy_servers(const Lab& lab) {
    std::uint32_t n = 0;
    for (std::uint32_t k = 0; k < lab.servers(); ++k) n += lab.alive(k) && lab.connected(k);
    return n;
}

// Repairs one server that is down or cut off: restarts it if crashed, reconnects it.
void repair_one(Lab& lab) {
    std::vector<std::uint32_t> broken;
    for (std::uint32_t k = 0; k < lab.servers(); ++k) {
        if (!lab.alive(k) || !lab.connected(k)) broken.push_back(k);
    }
    const std::uint32_t k = broken[lab.rng().below(broken.size())];
    if (!lab.alive(k)) lab.start1(k);
    lab.connect(k);
}

void inject_fault(Lab& lab, const FreeRunOptions& o) {
    Rng& rng = lab.rng();
    // Keep a quorum healthy most of the time, so that the run shows progress between faults
    // rather than a cluster that is simply down.
    if (healthy_servers(lab) < raft::quorum_size(lab.servers())) {
        repair_one(lab);
        return;
    }
    const auto i = static_cast<std::uint32_t>(rng.below(lab.servers()));
    const std::uint64_t dice = rng.below(100);
    if (o.crashes && dice < 30) {
        if (lab.alive(i)) {
            lab.crash1(i);
        } else {
            lab.start1(i);
            lab.connect(i);
        }
        return;
    }
    if (dice < 70) {
        if (lab.alive(i) && lab.connected(i)) {
            lab.disconnect(i);
        } else if (lab.alive(i)) {
            lab.connect(i);
        }
        return;
    }
    // Heal everything now and then, so that progress is possible.
    for (std::uint32_t k = 0; k < lab.servers(); ++k) {
        if (lab.alive(k)) lab.connect(k);
    }
}

}  // namespace

std::optional<std::string> find_log_mismatch(const Cluster& cluster) {
    for (std::uint32_t a = 0; a < cluster.size(); ++a) {
        for (std::uint32_t b = a + 1; b < cluster.size(); ++b) {
            const raft::Log& la = cluster.storage(a).log;
            const raft::Log& lb = cluster.storage(b).log;
            const raft::LogIndex last = std::min(la.last_index(), lb.last_index());
            // Find the highest common index with equal terms; everything below must be equal.
            raft::LogIndex top{};
            for (raft::LogIndex i = last; i.value > 0; i = i.prev()) {
                if (la.at(i).term == lb.at(i).term) {
                    top = i;
                    break;
                }
            }
            for (raft::LogIndex i{1}; i <= top; i = i.next()) {
                if (!(la.at(i) == lb.at(i))) {
                    return "log matching violated: n" + std::to_string(a) + " and n" + std::to_string(b) +
                           " agree at index " + raft::to_string(top) + " but differ at " + raft::to_string(i);
                }
            }
        }
    }
    return std::nullopt;
}

FreeRunReport free_run(const FreeRunOptions& o) {
    FreeRunReport report;
    Lab lab(o.servers, o.seed, o.unreliable, o.lab);
    if (o.unreliable) lab.set_long_reordering(true);
    try {
        lab.spawn(std::make_unique<Proposer>(&report.proposals));
        while (lab.now() < o.duration_ms) {
            lab.sleep(lab.rng().range(kFaultIntervalMinMs, kFaultIntervalMaxMs));
            inject_fault(lab, o);
            if (auto mismatch = find_log_mismatch(lab.cluster())) lab.fail(*mismatch);
        }
        // Heal: every server up and connected, the network reliable; a command must commit.
        lab.set_unreliable(false);
        lab.set_long_reordering(false);
        for (std::uint32_t i = 0; i < o.servers; ++i) {
            if (!lab.alive(i)) lab.start1(i);
            lab.connect(i);
        }
        report.committed_index = lab.one("final", o.servers, true);
        if (auto mismatch = find_log_mismatch(lab.cluster())) lab.fail(*mismatch);
        report.ok = true;
    } catch (const SimFailure& e) {
        report.failure = e.what();
    }
    report.virtual_ms = lab.now();
    report.stats = lab.cluster().stats();
    report.elections = lab.cluster().elections();
    return report;
}

}  // namespace sim
