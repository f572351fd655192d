// The history file format (lincheck/FORMAT.md): what it accepts, and for what it does not, an
// error naming the file, the place and the reason. Then the `raftcheck lincheck` command from
// the outside: exit codes, the window, the picture, the budget.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/history_generator.hpp"
#include "lincheck/history_json.hpp"
#include "tests/cli_run.hpp"
#include "tests/lincheck_support.hpp"

namespace lincheck {
namespace {

using namespace lincheck::testing;

std::string error_of(const std::string& text) {
    try {
        parse_history(text, "h.json");
    } catch (const HistoryError& e) {
        return e.what();
    }
    return "accepted";
}

std::string ops_doc(const std::string& ops) { return "{\"operations\":[" + ops + "]}"; }

TEST(HistoryFormat, ReadsWhatItWrites) {
    History h{{put(0, "x", "1", 0, 10), append(1, "x", "2", 5), get(2, "x", "1\n\"2\"", 12, 20), open_get(3, "y", 30)}};
    const History back = parse_history(write_history(h), "h.json");
    ASSERT_EQ(back.ops.size(), h.ops.size());
    for (std::size_t i = 0; i < h.ops.size(); ++i) EXPECT_EQ(back.ops[i].describe(), h.ops[i].describe());
    EXPECT_EQ(write_history(back), write_history(h));
}

TEST(HistoryFormat, AcceptsTheHeaderAndNullReturn) {
    const History h = parse_history(
        R"({"format":"raftcheck-history","version":1,"meta":{"seed":3},"operations":[
            {"client":4,"kind":"append","key":"k","value":"v","call":7,"return":null,"meta":{"server":2}}]})",
        "h.json");
    ASSERT_EQ(h.ops.size(), 1u);
    EXPECT_TRUE(h.ops[0].open());
    EXPECT_EQ(h.ops[0].client, 4u);
}

TEST(HistoryFormat, MalformedJsonNamesLineAndColumn) {
    const std::string e = error_of("{\"operations\":[\n{\"client\":0,,}]}");
    EXPECT_NE(e.find("h.json: line 2, column 13: not valid JSON"), std::string::npos) << e;
    EXPECT_NE(error_of("").find("h.json: line 1, column 1: not valid JSON"), std::string::npos) << error_of("");
}

TEST(HistoryFormat, BadOperationsNameTheirPointer) {
    const std::pair<std::string, std::string> cases[] = {
        {R"({"client":0,"kind":"cas","key":"x","call":0,"return":1})", "/operations/0: unknown kind \"cas\" (known: put, append, get)"},
        {R"({"client":0,"kind":"put","key":"x","call":0,"return":1})", "/operations/0: a put needs its \"value\""},
        {R"({"client":0,"kind":"get","key":"x","call":0,"return":1})", "/operations/0: a get that returned needs its \"output\""},
        {R"({"client":0,"kind":"get","key":"x","output":"","call":0})", "an open-ended get (no \"return\") has no \"output\""},
        {R"({"client":0,"kind":"get","key":"x","value":"","output":"","call":0,"return":1})", "a get has no \"value\""},
        {R"({"client":0,"kind":"put","key":"x","value":"v","output":"","call":0,"return":1})", "a put has no \"output\""},
        {R"({"client":0,"kind":"put","key":"x","value":"v","call":0.5,"return":1})", "\"call\" must be an integer (got 0.5)"},
        {R"({"client":0,"kind":"put","key":"x","value":"v","call":-3,"return":1})", "\"call\" is negative (-3)"},
        {R"({"client":0,"kind":"put","key":"x","value":"v","call":0,"return":9223372036854775807})", "\"return\" is beyond 2^62"},
        {R"({"client":-1,"kind":"put","key":"x","value":"v","call":0,"return":1})", "\"client\" must be a non-negative integer"},
        {R"({"client":0,"kind":"put","key":7,"value":"v","call":0,"return":1})", "\"key\" must be a string (got 7)"},
        {R"({"client":0,"kind":"put","key":"x","value":"v","call":0,"retrun":1})", "unknown field \"retrun\""},
        {R"({"client":0,"kind":"put","value":"v","call":0,"return":1})", "missing \"key\""},
        {R"({"client":0,"kind":"put","key":"x","value":"v","call":5,"return":1})", "/operations/0: client 0: put(\"x\", \"v\") [5, 1]: returns (1) before it is called (5)"},
        {"[1]", "an operation must be an object"},
    };
    for (const auto& [op, expected] : cases) {
        const std::string e = error_of(ops_doc(op));
        EXPECT_NE(e.find(expected), std::string::npos) << op << "\n  got: " << e;
        EXPECT_EQ(e.rfind("h.json: ", 0), 0u) << e;
    }
}

TEST(HistoryFormat, OverlappingCallsOfOneClientAreRejected) {
    const std::string e = error_of(ops_doc(R"({"client":3,"kind":"put","key":"x","value":"v","call":0,"return":10},
                                             {"client":1,"kind":"get","key":"x","output":"v","call":2,"return":4},
                                             {"client":3,"kind":"get","key":"x","output":"v","call":5,"return":20})"));
    EXPECT_NE(e.find("h.json: /operations/2: client 3: get(\"x\") -> \"v\" [5, 20]: overlaps operation #0 of the same client 3"), std::string::npos)
        << e;
}

TEST(HistoryFormat, BadDocumentsAreRejected) {
    EXPECT_NE(error_of("[]").find("/: a history is a JSON object"), std::string::npos);
    EXPECT_NE(error_of("{}").find("/operations: missing, or not an array"), std::string::npos);
    EXPECT_NE(error_of(R"({"operations":[],"version":2})").find("/version: this reader knows version 1"), std::string::npos);
    EXPECT_NE(error_of(R"({"operations":[],"format":"porcupine"})").find("/format"), std::string::npos);
    EXPECT_NE(error_of(R"({"operations":[],"extra":1})").find("/extra: unknown field"), std::string::npos);
    EXPECT_NE(error_of(R"({"operations":[{"client":0,"kind":"put","key":"\xff","value":"v","call":0}]})").find("not valid JSON"),
              std::string::npos);
}

// ---- The command ----

using cli_test::CliRun;

CliRun run_cli(const std::string& args) { return cli_test::run_cli("lincheck " + args); }

class LincheckCli : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/lincheck-cli-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

    std::string write(const std::string& name, const std::string& text) {
        const std::string path = dir_ + "/" + name;
        std::ofstream(path) << text;
        return path;
    }
    std::string read(const std::string& name) {
        std::ifstream in(dir_ + "/" + name);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

    std::string dir_;
};

TEST_F(LincheckCli, LinearizableExitsZero) {
    const std::string f = write("ok.json", write_history(History{{put(0, "x", "1", 0, 10), get(1, "x", "1", 20, 30)}}));
    const CliRun r = run_cli(f);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("OK: linearizable: 2 operations of 2 clients on 1 key\n"), std::string::npos) << r.output;
}

TEST_F(LincheckCli, ViolationExitsOneWithTheWindowAndItsPictures) {
    const std::string f = write("bad.json", write_history(History{{put(0, "x", "1", 0, 10), put(1, "x", "2", 20, 30), get(2, "x", "1", 40, 50)}}));
    const CliRun r = run_cli(f + " --svg " + dir_ + "/w.svg --html " + dir_ + "/w.html");
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("NOT LINEARIZABLE: key \"x\""), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("*  2       2       get(\"x\") -> \"1\""), std::string::npos) << r.output;
    EXPECT_NE(read("w.svg").find("<svg"), std::string::npos);
    EXPECT_NE(read("w.html").find("<table>"), std::string::npos);

    const CliRun j = run_cli(f + " --json");
    EXPECT_EQ(j.exit_code, 1);
    const nlohmann::json out = nlohmann::json::parse(j.output);
    EXPECT_EQ(out["verdict"], "not_linearizable");
    EXPECT_EQ(out["window"]["operations"].size(), 2u);
    EXPECT_EQ(out["window"]["operations"][1]["failing"], true);
}

TEST_F(LincheckCli, BadHistoryExitsTwoNamingFileAndPlace) {
    const std::string f = write("broken.json", "{\"operations\":[\n  {\"client\":0,\"kind\":\"swap\",\"key\":\"x\",\"call\":0}\n]}");
    const CliRun r = run_cli(f);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.output.find(f + ": /operations/0: unknown kind \"swap\""), std::string::npos) << r.output;
    const CliRun missing = run_cli(dir_ + "/none.json");
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.output.find("none.json: -: cannot open the file"), std::string::npos) << missing.output;
    const CliRun flag = run_cli(f + " --timeout -1");
    EXPECT_EQ(flag.exit_code, 2) << flag.output;
}

TEST_F(LincheckCli, BudgetRunningOutIsUnknownNotAVerdict) {
    // 20 concurrent Appends of one value and a Get of 21 copies: 2^20 configurations to refute.
    History h;
    for (ClientId c = 0; c < 20; ++c) h.ops.push_back(append(c, "x", "x", 0, 100));
    h.ops.push_back(get(99, "x", std::string(21, 'x'), 200, 210));
    const std::string f = write("hard.json", write_history(h));
    const CliRun r = run_cli(f + " --max-steps 1000");
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("UNKNOWN: the budget"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("undecided: key \"x\""), std::string::npos) << r.output;
}

TEST_F(LincheckCli, PlantedStaleReadIsCaughtFromAFile) {
    histgen::GeneratorConfig c;
    c.operations = 3000;
    c.keys = 5;
    c.bug = histgen::PlantedBug::StaleRead;
    c.bug_permille = 3;
    const histgen::GeneratedHistory g = histgen::generate_history(c);
    ASSERT_GT(g.bug_manifested, 0u);
    const CliRun r = run_cli(write("stale.json", write_history(g.history)));
    EXPECT_EQ(r.exit_code, 1) << r.output;
}

}  // namespace
}  // namespace lincheck
