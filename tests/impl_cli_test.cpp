// `raftcheck explore --model impl` and `raftcheck replay` of its counterexamples, from the
// outside: exit codes, the summary, the counterexample and its replay.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/cli_run.hpp"

namespace {

using cli_test::CliRun;
using cli_test::run_cli;

constexpr const char* kSmall = "explore --model impl --servers 3 --max-term 2 --max-log 1 --max-msgs 2 --max-crashes 0 --threads 1 --symmetry";

TEST(ImplCli, CleanClusterPassesWithASummary) {
    const CliRun r = run_cli(kSmall);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("distinct states    6,603"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("verdict: no violation"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("Refinement"), std::string::npos) << r.output;
}

TEST(ImplCli, PlantedBugIsCaughtWrittenAndReplayed) {
    const std::string path = (std::filesystem::temp_directory_path() / "raftcheck-impl-cli-test.ndjson").string();
    const CliRun r = run_cli("explore --model impl --max-msgs 3 --max-crashes 0 --threads 1 --plant-bug CountStaleVote --trace " + path);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("VIOLATION of Refinement: a behaviour of 6 states"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("DropStaleResponse"), std::string::npos) << r.output;
    const CliRun replay = run_cli("replay " + path);
    EXPECT_EQ(replay.exit_code, 0) << replay.output;
    EXPECT_NE(replay.output.find("the last state violates Refinement"), std::string::npos) << replay.output;
    std::filesystem::remove(path);
}

// A snapshot bug's counterexample is written and replayed with its --max-snapshots bound.
TEST(ImplCli, SnapshotBugIsCaughtWrittenAndReplayed) {
    const std::string path = (std::filesystem::temp_directory_path() / "raftcheck-impl-cli-snapshot-test.ndjson").string();
    const CliRun r = run_cli(
        "explore --model impl --max-log 2 --max-crashes 0 --max-proposals 2 --max-snapshots 1 --symmetry --threads 1 "
        "--no-refinement --plant-bug CompactUncommitted --trace " + path);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("VIOLATION of SnapshotCommitted: a behaviour of 13 states"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("CompactLog n"), std::string::npos) << r.output;
    const CliRun replay = run_cli("replay " + path);
    EXPECT_EQ(replay.exit_code, 0) << replay.output;
    EXPECT_NE(replay.output.find("the last state violates SnapshotCommitted"), std::string::npos) << replay.output;
    std::filesystem::remove(path);
}

TEST(ImplCli, BadInputExitsTwo) {
    EXPECT_EQ(run_cli(std::string(kSmall) + " --plant-bug NoSuchBug").exit_code, 2);
    EXPECT_EQ(run_cli("explore --model impl --max-log 7").exit_code, 2);
    EXPECT_EQ(run_cli("explore --model impl --max-crashes 99").exit_code, 2);
    EXPECT_EQ(run_cli("explore --model impl --max-snapshots 99").exit_code, 2);
}

TEST(ImplCli, JsonCarriesTheStatistics) {
    const CliRun r = run_cli(std::string(kSmall) + " --json --no-refinement --progress 0");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("\"distinct_states\": 6603"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"refinement\": false"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"violation\": null"), std::string::npos) << r.output;
}

}  // namespace
