// 6.824 lab 2A: leader election.

#include "sim/scenarios.hpp"

namespace sim {

void initial_election(std::uint64_t seed, const LabOptions& options) {
    Lab cfg(3, seed, false, options);
    cfg.check_one_leader();
    // Sleep a bit to avoid racing with followers learning of the election, then check that
    // all peers agree on the term.
    cfg.sleep(50);
    const raft::Term term1 = cfg.check_terms();
    if (term1 < raft::Term{1}) cfg.fail("term is " + raft::to_string(term1) + ", but should be at least 1");
    // Does the leader+term stay the same if there is no network failure?
    cfg.sleep(2 * kRaftElectionTimeoutMs);
    const raft::Term term2 = cfg.check_terms();
    // The original only warns here, and so do we.
    if (term1 != term2) cfg.cluster().log(1, "warning: term changed even though there were no failures");
    cfg.check_one_leader();
}

void re_election(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 3;
    Lab cfg(servers, seed, false, options);
    const std::uint32_t leader1 = cfg.check_one_leader();
    // If the leader disconnects, a new one should be elected.
    cfg.disconnect(leader1);
    cfg.check_one_leader();
    // If the old leader rejoins, that shouldn't disturb the new leader.
    cfg.connect(leader1);
    const std::uint32_t leader2 = cfg.check_one_leader();
    // If there's no quorum, no new leader should be elected.
    cfg.disconnect(leader2);
    cfg.disconnect((leader2 + 1) % servers);
    cfg.sleep(2 * kRaftElectionTimeoutMs);
    cfg.check_no_leader();
    // If a quorum arises, it should elect a leader.
    cfg.connect((leader2 + 1) % servers);
    cfg.check_one_leader();
    // Re-join of last node shouldn't prevent leader from existing.
    cfg.connect(leader2);
    cfg.check_one_leader();
}

void many_elections(std::uint64_t seed, const LabOptions& options) {
    const std::uint32_t servers = 7;
    Lab cfg(servers, seed, false, options);
    cfg.check_one_leader();
    for (int iters = 0; iters < 10; ++iters) {
        // Disconnect three nodes (possibly the same one twice, as in the original).
        const auto i1 = static_cast<std::uint32_t>(cfg.rng().below(servers));
        const auto i2 = static_cast<std::uint32_t>(cfg.rng().below(servers));
        const auto i3 = static_cast<std::uint32_t>(cfg.rng().below(servers));
        cfg.disconnect(i1);
        cfg.disconnect(i2);
        cfg.disconnect(i3);
        // Either the current leader should still be alive, or the remaining four should
        // elect a new one.
        cfg.check_one_leader();
        cfg.connect(i1);
        cfg.connect(i2);
        cfg.connect(i3);
    }
    cfg.check_one_leader();
}

}  // namespace sim
