// The simulator is a checker too: its applier and election checks must catch the bugs they
// exist for. Each test plants one through a wrapped step function and expects the failure.

#include <gtest/gtest.h>

#include "sim/free_run.hpp"
#include "sim/scenarios.hpp"

namespace {

using sim::Cluster;
using sim::ClusterOptions;

// A reliable 3-server cluster, optionally with a planted bug.
Cluster make_cluster(std::uint64_t seed, sim::StepFn step = {}) {
    ClusterOptions o;
    o.servers = 3;
    o.seed = seed;
    o.step = std::move(step);
    return Cluster(o);
}

std::optional<std::uint32_t> leader_of(const Cluster& c) {
    for (std::uint32_t i = 0; i < c.size(); ++i) {
        if (c.alive(i) && c.state(i).role == raft::Role::kLeader) return i;
    }
    return std::nullopt;
}

// Runs until a leader exists and `n` commands have been proposed to it and had time to commit.
void drive(Cluster& c, int n) {
    c.run_until(c.now() + 2000);
    for (int k = 0; k < n; ++k) {
        if (const auto l = leader_of(c)) c.start(*l, "cmd" + std::to_string(k));
        c.run_until(c.now() + 150);
    }
}

std::string failure_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const sim::SimFailure& e) {
        return e.what();
    }
    return "";
}

TEST(Simulator, SameSeedSameRun) {
    auto run = [](std::uint64_t seed) {
        sim::FreeRunOptions o;
        o.seed = seed;
        o.unreliable = true;
        o.crashes = true;
        o.duration_ms = 10'000;
        return sim::free_run(o);
    };
    const sim::FreeRunReport a = run(11), b = run(11), c = run(12);
    ASSERT_TRUE(a.ok) << a.failure;
    EXPECT_EQ(a.stats.steps, b.stats.steps);
    EXPECT_EQ(a.stats.messages_sent, b.stats.messages_sent);
    EXPECT_EQ(a.committed_index, b.committed_index);
    ASSERT_EQ(a.elections.size(), b.elections.size());
    for (std::size_t k = 0; k < a.elections.size(); ++k) {
        EXPECT_EQ(a.elections[k].at, b.elections[k].at);
        EXPECT_EQ(a.elections[k].leader, b.elections[k].leader);
    }
    EXPECT_NE(a.stats.steps, c.stats.steps) << "a different seed should give a different run";
}

TEST(Simulator, ElectsALeaderAndCommitsOnAllServers) {
    Cluster c = make_cluster(1);
    drive(c, 5);
    c.run_until(c.now() + 500);
    ASSERT_TRUE(leader_of(c).has_value());
    const auto [n, cmd] = c.n_committed(raft::LogIndex{5});
    EXPECT_EQ(n, 3u);
    EXPECT_EQ(cmd, "cmd4");
}

TEST(Simulator, CrashKeepsOnlyStableStorage) {
    Cluster c = make_cluster(2);
    drive(c, 3);
    const std::uint32_t l = *leader_of(c);
    const raft::PersistentState before = c.storage(l);
    c.crash(l);
    EXPECT_FALSE(c.alive(l));
    c.restart(l);
    EXPECT_EQ(raft::persistent_part(c.state(l)), before);
    EXPECT_EQ(c.state(l).role, raft::Role::kFollower);
    EXPECT_EQ(c.state(l).commit_index, raft::LogIndex{0});
}

TEST(Simulator, UnreliableNetworkLosesAboutTenPercent) {
    sim::Rng rng(5);
    const raft::Message m{raft::NodeId{0}, raft::NodeId{1}, raft::Term{1}, raft::RequestVote{}};
    int lost = 0;
    const int n = 20'000;
    for (int k = 0; k < n; ++k) lost += !sim::network_delay(sim::NetworkFaults{true, false}, m, rng).has_value();
    EXPECT_GT(lost, n * 8 / 100);
    EXPECT_LT(lost, n * 12 / 100);
    for (int k = 0; k < 1000; ++k) EXPECT_TRUE(sim::network_delay(sim::NetworkFaults{}, m, rng).has_value());
}

// Planted bug: node 2 applies a different command than the others.
TEST(SimulatorCatches, DifferentCommandsAppliedAtOneIndex) {
    Cluster c = make_cluster(3, [](raft::NodeState s, const raft::Input& in) {
        const raft::NodeId id = s.config.id;
        raft::StepResult r = raft::step(std::move(s), in);
        if (id == raft::NodeId{2}) {
            for (raft::Applied& a : r.outputs.apply) a.entry.command += "-corrupt";
        }
        return r;
    });
    EXPECT_NE(failure_of([&] { drive(c, 3); }).find("commit index=1"), std::string::npos);
}

// Planted bug: node 1 skips handing index 1 to its service.
TEST(SimulatorCatches, EntriesAppliedOutOfOrder) {
    Cluster c = make_cluster(4, [](raft::NodeState s, const raft::Input& in) {
        const raft::NodeId id = s.config.id;
        raft::StepResult r = raft::step(std::move(s), in);
        if (id == raft::NodeId{1}) {
            std::erase_if(r.outputs.apply, [](const raft::Applied& a) { return a.index == raft::LogIndex{1}; });
        }
        return r;
    });
    EXPECT_NE(failure_of([&] { drive(c, 3); }).find("apply out of order"), std::string::npos);
}

// Planted bug: every node that becomes a candidate also announces leadership, so two nodes
// claim one term sooner or later.
TEST(SimulatorCatches, TwoLeadersInOneTerm) {
    Cluster c = make_cluster(5, [](raft::NodeState s, const raft::Input& in) {
        raft::StepResult r = raft::step(std::move(s), in);
        for (const raft::Notice& n : std::vector<raft::Notice>(r.outputs.notices)) {
            if (n.kind == raft::NoticeKind::kBecameCandidate) {
                r.outputs.notices.push_back(raft::Notice{raft::NoticeKind::kBecameLeader, n.term});
            }
        }
        return r;
    });
    const std::string failure = failure_of([&] {
        for (int k = 0; k < 20; ++k) {
            c.disconnect(static_cast<std::uint32_t>(k % 3));
            c.run_until(c.now() + 1500);
            c.connect(static_cast<std::uint32_t>(k % 3));
        }
    });
    EXPECT_NE(failure.find("election safety violated"), std::string::npos) << failure;
}

// Planted bug: node 0 writes other commands to stable storage than it holds in memory.
TEST(SimulatorCatches, LogMismatchBetweenServers) {
    Cluster c = make_cluster(6);
    drive(c, 4);
    EXPECT_FALSE(sim::find_log_mismatch(c).has_value());
    // Rewrite one committed entry of one server's storage behind Raft's back.
    Cluster bad = make_cluster(6, [](raft::NodeState s, const raft::Input& in) {
        const raft::NodeId id = s.config.id;
        raft::StepResult r = raft::step(std::move(s), in);
        if (id == raft::NodeId{0} && r.outputs.persist.log) {
            for (raft::Entry& e : r.outputs.persist.log->entries) e.command = "x";
        }
        return r;
    });
    drive(bad, 4);
    const std::optional<std::string> mismatch = sim::find_log_mismatch(bad);
    ASSERT_TRUE(mismatch.has_value());
    EXPECT_NE(mismatch->find("log matching violated"), std::string::npos);
}

// Planted bug: a follower acknowledges entries it never stored; the leader raises an alarm.
TEST(SimulatorCatches, NodeAlarmOnImpossibleInput) {
    Cluster c = make_cluster(7, [](raft::NodeState s, const raft::Input& in) {
        raft::StepResult r = raft::step(std::move(s), in);
        for (raft::Message& m : r.outputs.messages) {
            if (auto* reply = std::get_if<raft::AppendEntriesReply>(&m.body); reply && reply->success) {
                reply->match_index = reply->match_index + 100;
            }
        }
        return r;
    });
    EXPECT_NE(failure_of([&] { drive(c, 2); }).find("raised an alarm"), std::string::npos);
}

// The lab harness itself: a scenario fails when the implementation loses liveness. Planted
// bug: nobody ever grants a vote.
TEST(SimulatorCatches, ScenarioFailsWithoutElections) {
    sim::LabOptions o;
    o.step = [](raft::NodeState s, const raft::Input& in) {
        raft::StepResult r = raft::step(std::move(s), in);
        for (raft::Message& m : r.outputs.messages) {
            if (auto* reply = std::get_if<raft::RequestVoteReply>(&m.body)) reply->vote_granted = false;
        }
        return r;
    };
    const std::string failure = failure_of([&] { sim::initial_election(1, o); });
    EXPECT_NE(failure.find("expected one leader, got none"), std::string::npos) << failure;
}


}  // namespace
