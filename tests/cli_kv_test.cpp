// `raftcheck kv-sim` from the outside: exit codes, the history file, the planted bugs.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli_run.hpp"

namespace {

using cli_test::CliRun;
using cli_test::run_cli;

TEST(CliKv, ScenarioPassesAndWritesItsHistory) {
    const std::string path = ::testing::TempDir() + "kv_one_partition.json";
    const CliRun r = run_cli("kv-sim --scenario OnePartition --seed 2 --history " + path);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("PASS OnePartition seed 2"), std::string::npos) << r.output;
    std::ifstream in(path);
    const nlohmann::json h = nlohmann::json::parse(in);
    EXPECT_EQ(h.at("format"), "raftcheck-history");
    EXPECT_GE(h.at("operations").size(), 9u);
}

TEST(CliKv, FreeRunUnderEveryFaultIsSafeAndWritesItsHistory) {
    const std::string path = ::testing::TempDir() + "kv_free.json";
    const CliRun r = run_cli("kv-sim --servers 5 --clients 4 --seconds 5 --unreliable --crashes --partitions --seed 9 --history " + path);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("safety:   OK"), std::string::npos) << r.output;
    std::ifstream in(path);
    const nlohmann::json h = nlohmann::json::parse(in);
    ASSERT_GT(h.at("operations").size(), 10u);
    for (const auto& o : h.at("operations")) EXPECT_FALSE(o.at("return").is_null()) << "every clerk finishes after the heal: " << o;
}

TEST(CliKv, FreeRunStopsAtExactlyTheOperationsAskedFor) {
    const std::string path = ::testing::TempDir() + "kv_free_ops.json";
    const CliRun r = run_cli("kv-sim --servers 3 --clients 6 --operations 250 --seconds 600 --unreliable --seed 2 --history " + path);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::ifstream in(path);
    EXPECT_EQ(nlohmann::json::parse(in).at("operations").size(), 250u);
}

TEST(CliKv, FreeRunWithSnapshotsTrimsTheLogs) {
    const CliRun r = run_cli("kv-sim --servers 5 --clients 5 --seconds 5 --unreliable --crashes --partitions --maxraftstate 1000 --seed 3");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("safety:   OK"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("storage:  "), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find(" 0 snapshots taken"), std::string::npos) << r.output;
}

TEST(CliKv, ALabRunsAllItsScenarios) {
    const CliRun r = run_cli("kv-sim --list-scenarios");
    EXPECT_NE(r.output.find("SnapshotUnreliableRecoverConcurrentPartitionLinearizable"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("lab 3B"), std::string::npos) << r.output;
}

TEST(CliKv, PlantedDedupBugFailsTheScenario) {
    const CliRun r = run_cli("kv-sim --scenario Unreliable --seed 1 --plant-bug NoDedup");
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("FAIL Unreliable seed 1"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("replay: raftcheck kv-sim --scenario Unreliable --plant-bug NoDedup --seed 1 -v"), std::string::npos)
        << r.output;
}

TEST(CliKv, BadInputIsAUsageError) {
    for (const char* args : {"kv-sim --scenario NoSuchTest", "kv-sim --plant-bug NoSuchBug --scenario Basic",
                             "kv-sim --scenario all --history x.json", "kv-sim --seeds 3", "kv-sim --clients 0",
                             "kv-sim --scenario Basic --maxraftstate 1000", "kv-sim --maxraftstate -2"}) {
        const CliRun r = run_cli(args);
        EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    }
}

}  // namespace
