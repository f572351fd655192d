// raftcheck prove, bmc and explore --model raft-abstract from the outside: exit codes, the
// CTI state file and what the explorer says about it, replayable BMC traces.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "tests/cli_run.hpp"

namespace {

using cli_test::CliRun;
using cli_test::run_cli;

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("raftcheck_prove_cli_" + std::to_string(::getpid()) + "_" + name)).string();
}

TEST(ProveCli, ProvesTheCorrectModelAndExitsZero) {
    const CliRun r = run_cli("prove --servers 3 --max-term 2 --max-log 2 --cti " + temp_path("unused.json"));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "PROVED")) << r.output;
    EXPECT_TRUE(contains(r.output, "NewerLogsHaveCommitted")) << r.output;  // lemmas are listed with their meaning
    const CliRun json = run_cli("prove --servers 3 --max-term 2 --max-log 2 --json --cti " + temp_path("unused.json"));
    EXPECT_EQ(json.exit_code, 0) << json.output;
    EXPECT_TRUE(contains(json.output, "\"inductive\": true")) << json.output;
    EXPECT_TRUE(contains(json.output, "\"action\": \"BecomeLeader\"")) << json.output;  // per-action times
}

TEST(ProveCli, PlantedBugGivesACtiFileTheExplorerReads) {
    const std::string cti = temp_path("cti.json");
    const CliRun r = run_cli("prove --servers 3 --max-term 2 --max-log 2 --plant-bug VoteWithoutLogCheck --cti " + cti);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(contains(r.output, "NOT INDUCTIVE")) << r.output;
    EXPECT_TRUE(contains(r.output, "BecomeLeader(")) << r.output;
    ASSERT_TRUE(std::filesystem::exists(cti));
    // From the CTI, the buggy step breaks an invariant at once.
    const CliRun from = run_cli("explore --model raft-abstract --threads 1 --from " + cti + " --plant-bug VoteWithoutLogCheck");
    EXPECT_EQ(from.exit_code, 1) << from.output;
    EXPECT_TRUE(contains(from.output, "VIOLATION")) << from.output;
    const CliRun find = run_cli("explore --model raft-abstract --threads 1 --find " + cti + " --plant-bug VoteWithoutLogCheck");
    EXPECT_TRUE(contains(find.output, "REACHABLE") || contains(find.output, "UNREACHABLE")) << find.output;
    std::filesystem::remove(cti);
}

TEST(ProveCli, DroppedLemmaCtiIsUnreachable) {
    const std::string cti = temp_path("drop.json");
    const CliRun r = run_cli("prove --servers 3 --max-term 3 --max-log 3 --drop-lemma NewerLogsHaveCommitted --cti " + cti);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    const CliRun find = run_cli("explore --model raft-abstract --threads 1 --find " + cti);
    EXPECT_EQ(find.exit_code, 0) << find.output;
    EXPECT_TRUE(contains(find.output, "UNREACHABLE")) << find.output;
    std::filesystem::remove(cti);
}

TEST(ProveCli, BadInputIsAUsageError) {
    EXPECT_EQ(run_cli("prove --drop-lemma NoSuchLemma").exit_code, 2);
    EXPECT_EQ(run_cli("prove --plant-bug NoSuchBug").exit_code, 2);
    EXPECT_EQ(run_cli("prove --servers 9").exit_code, 2);
    EXPECT_EQ(run_cli("bmc --induction").exit_code, 2);  // k-induction needs --property
    EXPECT_EQ(run_cli("explore --model raft --from x.json").exit_code, 2);
    EXPECT_EQ(run_cli("explore --model raft-abstract --from x.json --trace y.ndjson").exit_code, 2);
    const std::string bad = temp_path("bad.json");
    std::ofstream(bad) << "{\"model\": \"raft-abstract\", \"servers\": 3}";
    EXPECT_EQ(run_cli("explore --model raft-abstract --from " + bad).exit_code, 2);
    std::filesystem::remove(bad);
}

TEST(BmcCli, WritesAReplayableTraceOfTheShortestViolation) {
    const std::string trace = temp_path("bmc.ndjson");
    const CliRun r = run_cli("bmc --servers 3 --max-term 3 --max-log 2 --plant-bug VoteWithoutLogCheck --trace " + trace);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(contains(r.output, "VIOLATION of LeaderCompleteness after 5 steps")) << r.output;
    const CliRun replay = run_cli("replay " + trace);
    EXPECT_EQ(replay.exit_code, 0) << replay.output;
    EXPECT_TRUE(contains(replay.output, "replayed 6 steps")) << replay.output;
    // The same file, edited to skip a step, no longer replays.
    std::ifstream in(trace);
    std::string all, line;
    for (int k = 0; std::getline(in, line); ++k) {
        if (k != 2) all += line + "\n";
    }
    std::ofstream(trace) << all;
    EXPECT_EQ(run_cli("replay " + trace).exit_code, 1);
    std::filesystem::remove(trace);
}

TEST(BmcCli, CorrectModelIsCleanAndExplorerAgrees) {
    const CliRun r = run_cli("bmc --servers 3 --max-term 2 --max-log 2 --max-steps 4");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "no violation within 4 steps")) << r.output;
    const CliRun e = run_cli("explore --model raft-abstract --servers 3 --max-term 2 --max-log 2 --threads 1");
    EXPECT_EQ(e.exit_code, 0) << e.output;
    EXPECT_TRUE(contains(e.output, "no property or lemma violated")) << e.output;
}

}  // namespace
