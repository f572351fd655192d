// The 6.824 lab 2A-2D tests, each under many seeds. RAFTCHECK_SEEDS (default 20) and
// RAFTCHECK_FIRST_SEED (default 1) choose the seeds; a failure names the seed and the command
// that replays it with a full event log.

#include <gtest/gtest.h>

#include <cstdlib>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "sim/scenarios.hpp"
#include "sim/tester_snapshot.hpp"
#include "tests/env.hpp"

namespace sim {
// Names the scenario in test output instead of dumping its bytes.
void PrintTo(const Scenario& s, std::ostream* os) { *os << s.name << " (lab " << s.lab << ")"; }
}  // namespace sim

namespace {

using test_env::env_or;

class Lab : public ::testing::TestWithParam<sim::Scenario> {};

TEST_P(Lab, PassesForEverySeed) {
    const sim::Scenario& s = GetParam();
    const std::uint64_t first = env_or("RAFTCHECK_FIRST_SEED", 1);
    const std::uint64_t seeds = env_or("RAFTCHECK_SEEDS", 20);
    for (std::uint64_t seed = first; seed < first + seeds; ++seed) {
        try {
            s.run(seed, sim::LabOptions{});
        } catch (const sim::SimFailure& e) {
            ADD_FAILURE() << s.name << " (lab " << s.lab << ") failed with seed " << seed << ": " << e.what()
                          << "\n  replay: raftcheck simulate --scenario " << s.name << " --seed " << seed << " -v";
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Raft, Lab, ::testing::ValuesIn(sim::all_scenarios()),
                         [](const ::testing::TestParamInfo<sim::Scenario>& info) {
                             return std::string(info.param.name) + info.param.lab;
                         });

TEST(Lab2D, TesterSnapshotRoundTripsAndRejectsWhatItNeverWrites) {
    const std::vector<raft::Command> applied = {"17", "", "a b", "<noop>", "9"};
    const std::string data = sim::encode_tester_snapshot(raft::LogIndex{4}, applied);
    EXPECT_EQ(data, "4 2 170 3 a b6 <noop>");
    const std::optional<sim::TesterSnapshot> back = sim::decode_tester_snapshot(data);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->index, raft::LogIndex{4});
    EXPECT_EQ(back->commands, std::vector<raft::Command>(applied.begin(), applied.begin() + 4));
    for (std::size_t cut = 0; cut < data.size(); ++cut) EXPECT_FALSE(sim::decode_tester_snapshot(data.substr(0, cut))) << cut;
    EXPECT_FALSE(sim::decode_tester_snapshot(data + "x"));
    EXPECT_TRUE(sim::decode_tester_snapshot("0 ").has_value());
}

// RaftStateSize as the 2D and 3B bounds count it: 32 bytes of term, vote and log base, 13 an
// entry plus its command; the snapshot not at all.
TEST(Lab2D, RaftStateBytesCountHardStateAndLogOnly) {
    raft::PersistentState storage;
    EXPECT_EQ(sim::raft_state_bytes(storage), 32u);
    storage.log.append(raft::Entry{raft::Term{1}, raft::EntryKind::kCommand, "ab"});
    storage.log.append(raft::Entry{raft::Term{1}, raft::EntryKind::kNoop, ""});
    EXPECT_EQ(sim::raft_state_bytes(storage), 32u + 15u + 13u);
    storage.snapshot.data = std::string(1000, 'x');
    EXPECT_EQ(sim::raft_state_bytes(storage), 60u);
}

// Counts the compactions the nodes accepted and the snapshots they handed up.
class SnapshotCounter : public sim::StepObserver {
public:
    void stepped(const raft::NodeState&, const raft::Input& input, const raft::StepResult& result) override {
        if (std::holds_alternative<raft::CompactLog>(input) && !result.outputs.refused) ++compactions;
        if (result.outputs.apply_snapshot) ++installs;
    }
    void lost(const raft::Message&) override {}
    std::uint64_t compactions = 0;
    std::uint64_t installs = 0;
};

// The "sometimes" companions of the 2D checks: every 2D test compacts logs; the ones that cut
// off or crash a server hand snapshots up (from a leader, or from storage on restart), and
// SnapshotBasic, which keeps every follower caught up, never needs one from a leader.
TEST(Lab2D, SnapshotsAreTakenAndInstalledWhereTheTestsExpectThem) {
    for (const sim::Scenario& s : sim::all_scenarios()) {
        if (std::string(s.lab) != "2D") continue;
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            SnapshotCounter counter;
            sim::LabOptions options;
            options.observer = &counter;
            s.run(seed, options);
            EXPECT_GT(counter.compactions, 0u) << s.name << " seed " << seed;
            if (std::string(s.name) == "SnapshotBasic") {
                EXPECT_EQ(counter.installs, 0u) << s.name << " seed " << seed;
            } else {
                EXPECT_GT(counter.installs, 0u) << s.name << " seed " << seed;
            }
        }
    }
}

// The 2D checks see a node that accepts every compaction but keeps its whole log: the
// persisted raft state outgrows MAXLOGSIZE.
TEST(Lab2D, LogSizeCheckCatchesANodeThatNeverCompacts) {
    sim::LabOptions options;
    options.step = [](raft::NodeState state, const raft::Input& input) {
        if (std::holds_alternative<raft::CompactLog>(input)) return raft::StepResult{std::move(state), {}};
        return raft::step(std::move(state), input);
    };
    try {
        sim::find_scenario("SnapshotBasic")->run(1, options);
        ADD_FAILURE() << "SnapshotBasic passed with a node that never compacts";
    } catch (const sim::SimFailure& e) {
        EXPECT_NE(std::string(e.what()).find("Log size too large"), std::string::npos) << e.what();
    }
}

}  // namespace
