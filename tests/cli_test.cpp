// The raftcheck binary from the outside: exit codes and messages for good and bad input.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/cli_run.hpp"

namespace {

using cli_test::CliRun;
using cli_test::run_cli;

// Drops the lines that report wall time, the only part of a run that may differ.
std::string without_wall_time(const std::string& s) {
    std::string out, line;
    for (char ch : s) {
        line += ch;
        if (ch != '\n') continue;
        if (line.find("wall") == std::string::npos) out += line;
        line.clear();
    }
    return out;
}

TEST(Cli, SimulateReportsSafetyAndExitsZero) {
    const CliRun r = run_cli("simulate --servers 5 --seed 7 --duration 10");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("safety:    OK"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("liveness:  OK"), std::string::npos) << r.output;
}

TEST(Cli, SameSeedSameOutput) {
    const CliRun a = run_cli("simulate --servers 5 --seed 3 --unreliable --crashes --duration 10");
    const CliRun b = run_cli("simulate --servers 5 --seed 3 --unreliable --crashes --duration 10");
    EXPECT_EQ(a.exit_code, 0) << a.output;
    EXPECT_EQ(without_wall_time(a.output), without_wall_time(b.output));
}

TEST(Cli, ScenarioPassesAndUnknownScenarioIsUsageError) {
    const CliRun ok = run_cli("simulate --scenario Figure8 --seed 4");
    EXPECT_EQ(ok.exit_code, 0) << ok.output;
    EXPECT_NE(ok.output.find("PASS Figure8"), std::string::npos);
    const CliRun bad = run_cli("simulate --scenario NoSuchTest");
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.output.find("unknown scenario 'NoSuchTest'"), std::string::npos) << bad.output;
}

TEST(Cli, ListsScenarios) {
    const CliRun r = run_cli("simulate --list-scenarios");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.output.find("Figure8Unreliable"), std::string::npos);
}

TEST(Cli, UnknownFlagIsUsageError) {
    const CliRun r = run_cli("simulate --no-such-flag");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find("--no-such-flag"), std::string::npos) << r.output;
}

TEST(Cli, BadNumberIsUsageError) {
    for (const char* args : {"simulate --servers abc", "simulate --servers 0", "simulate --servers 33",
                             "simulate --seed -5x", "simulate --duration -1"}) {
        const CliRun r = run_cli(args);
        EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
        EXPECT_NE(r.output.find("raftcheck:"), std::string::npos) << args << "\n" << r.output;
    }
}

TEST(Cli, MissingSubcommandIsUsageError) {
    const CliRun r = run_cli("");
    EXPECT_EQ(r.exit_code, 2);
    const CliRun unknown = run_cli("frobnicate");
    EXPECT_EQ(unknown.exit_code, 2);
}

TEST(Cli, HelpExitsZero) {
    const CliRun r = run_cli("simulate --help");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.output.find("--unreliable"), std::string::npos);
}

TEST(CliExplore, MatchesTlcOnRowAAndPrintsJson) {
    const CliRun r = run_cli("explore --model raft-tla --servers 2 --values 1 --max-term 2 --max-log 1 --max-copies 1 "
                             "--max-msgs 1 --json --progress 0");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("\"distinct_states\": 1760"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"states_generated\": 13797"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\"violation\": null"), std::string::npos) << r.output;
}

TEST(CliExplore, HumanOutputNamesTheInvariants) {
    const CliRun r = run_cli("explore --servers 2 --max-term 2 --max-log 1 --progress 0");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("distinct states   1,760"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("LeaderCompleteness"), std::string::npos);
    EXPECT_NE(r.output.find("no invariant violated"), std::string::npos);
}

TEST(CliExplore, BadInputIsUsageError) {
    for (const char* args : {"explore --model nope", "explore --servers 9", "explore --max-copies 3 --max-msgs 2",
                             "explore --max-log 9", "explore --threads 0", "explore --trace /no/such/dir/t.ndjson"}) {
        const CliRun r = run_cli(args);
        EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
        EXPECT_NE(r.output.find("raftcheck:"), std::string::npos) << args << "\n" << r.output;
    }
}

TEST(CliExplore, PlantedBugIsCaughtWrittenAndReplayed) {
    const std::string trace = ::testing::TempDir() + "raftcheck_cx.ndjson";
    const CliRun r = run_cli("explore --plant-bug ForgetVoteOnRestart --servers 3 --max-term 2 --max-log 1 --progress 0 --trace " + trace);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("VIOLATION of ElectionSafety: a behaviour of 19 states"), std::string::npos) << r.output;
    const CliRun replay = run_cli("replay " + trace);
    EXPECT_EQ(replay.exit_code, 0) << replay.output;
    EXPECT_NE(replay.output.find("replayed 19 steps"), std::string::npos) << replay.output;
    EXPECT_NE(replay.output.find("the last state violates ElectionSafety"), std::string::npos) << replay.output;

    // The counterexample is a trace too: the validator, which knows only the spec, rejects
    // it at the restart that forgot the vote.
    const CliRun validated = run_cli("validate --progress 0 " + trace);
    EXPECT_EQ(validated.exit_code, 1) << validated.output;
    EXPECT_NE(validated.output.find("Restart at s"), std::string::npos) << validated.output;
    EXPECT_NE(validated.output.find("votedFor"), std::string::npos) << validated.output;

    // The same file with one step's state altered no longer replays, and the verdict names it.
    const std::string bad = ::testing::TempDir() + "raftcheck_cx_bad.ndjson";
    const CliRun corrupt = run_cli("replay /dev/null");  // an empty file is bad input
    EXPECT_EQ(corrupt.exit_code, 2) << corrupt.output;
    const std::string sed = "sed '5s/s2 :> 2/s2 :> 3/' " + trace + " > " + bad;
    ASSERT_EQ(std::system(sed.c_str()), 0);
    const CliRun diverged = run_cli("replay " + bad);
    EXPECT_EQ(diverged.exit_code, 1) << diverged.output;
    EXPECT_NE(diverged.output.find("DIVERGES at " + bad + ":5"), std::string::npos) << diverged.output;
}

TEST(CliExplore, SnapshotBugIsCaughtWrittenAndReplayed) {
    const std::string trace = ::testing::TempDir() + "raftcheck_snap_cx.ndjson";
    const CliRun r = run_cli("explore --model raft --max-snapshots 1 --servers 2 --max-term 2 --max-log 1 --progress 0 "
                             "--plant-bug CompactUncommitted --trace " + trace);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("max-snapshots 1"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("VIOLATION of SnapshotCommitted: a behaviour of 12 states"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("CompactLog(s"), std::string::npos) << r.output;
    const CliRun replay = run_cli("replay " + trace);
    EXPECT_EQ(replay.exit_code, 0) << replay.output;
    EXPECT_NE(replay.output.find("the last state violates SnapshotCommitted"), std::string::npos) << replay.output;
    // The validator knows only the spec: the compaction of an uncommitted entry is its step.
    const CliRun validated = run_cli("validate --progress 0 " + trace);
    EXPECT_EQ(validated.exit_code, 1) << validated.output;
    EXPECT_NE(validated.output.find("CompactLog at s"), std::string::npos) << validated.output;
    // Snapshots are the raft model's; raft.tla has none.
    EXPECT_EQ(run_cli("explore --model raft-tla --max-snapshots 1 --progress 0").exit_code, 2);
    EXPECT_EQ(run_cli("explore --model raft --max-snapshots 99 --progress 0").exit_code, 2);
}

TEST(CliExplore, MemoryLimitStopsWithAnIncompleteVerdict) {
    const CliRun r = run_cli("explore --servers 3 --max-term 2 --max-log 1 --max-memory 0.001 --progress 0");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("INCOMPLETE: stopped at the memory limit"), std::string::npos) << r.output;
}

TEST(CliValidate, EtcdTraceValidates) {
    const std::string trace = std::string(RAFTCHECK_SOURCE_DIR) + "/../shared/data/etcd-raft/example.ndjson";
    const CliRun r = run_cli("validate --format etcd " + trace);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("OK: 4888 of 4888 etcd events"), std::string::npos) << r.output;
    const CliRun two = run_cli("validate --format etcd " + trace + " " + trace);
    EXPECT_EQ(two.exit_code, 2) << two.output;
    const CliRun bad = run_cli("validate --format zookeeper " + trace);
    EXPECT_EQ(bad.exit_code, 2) << bad.output;
}

TEST(CliReplay, BadInputIsUsageError) {
    const std::string file = ::testing::TempDir() + "raftcheck_garbage.ndjson";
    ASSERT_EQ(std::system(("printf 'not json\\n' > " + file).c_str()), 0);
    const CliRun garbage = run_cli("replay " + file);
    EXPECT_EQ(garbage.exit_code, 2) << garbage.output;
    EXPECT_NE(garbage.output.find(file + ":1: not JSON"), std::string::npos) << garbage.output;
    const CliRun missing = run_cli("replay /no/such/file.ndjson");
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.output.find("cannot read"), std::string::npos) << missing.output;
    const CliRun no_arg = run_cli("replay");
    EXPECT_EQ(no_arg.exit_code, 2);
}

}  // namespace
