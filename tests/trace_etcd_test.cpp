// etcd-io/raft's own trace (../shared/data/etcd-raft/example.ndjson, recorded from etcd's Go
// library) against the spec with etcd's options: the genuine trace validates whole, through
// its membership changes, and each planted corruption of one line is rejected at that line.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "traces/etcd_check.hpp"
#include "traces/ndjson.hpp"

namespace {

const std::string kTrace = std::string(RAFTCHECK_SOURCE_DIR) + "/../shared/data/etcd-raft/example.ndjson";

std::vector<std::string> trace_lines() {
    std::ifstream in(kTrace);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Writes the trace with line `n` (1-based) rewritten by `edit` on its `event` object, or
// removed when `edit` is empty; returns the file's path.
std::string variant(const std::string& name, std::size_t n, const std::function<void(nlohmann::json&)>& edit) {
    std::vector<std::string> lines = trace_lines();
    EXPECT_GE(lines.size(), n);
    if (edit) {
        nlohmann::json j = nlohmann::json::parse(lines[n - 1]);
        edit(j["event"]);
        lines[n - 1] = j.dump();
    } else {
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(n - 1));
    }
    const std::string path = ::testing::TempDir() + "etcd_" + name + ".ndjson";
    std::ofstream out(path);
    for (const std::string& l : lines) out << l << '\n';
    return path;
}

std::string variant_text(const std::string& name, std::size_t n, const std::string& text) {
    std::vector<std::string> lines = trace_lines();
    lines[n - 1] = text;
    const std::string path = ::testing::TempDir() + "etcd_" + name + ".ndjson";
    std::ofstream out(path);
    for (const std::string& l : lines) out << l << '\n';
    return path;
}

// The check of a corrupted trace fails at `line` when no step may go unlogged (etcd logs
// every step: the genuine trace needs none), and is still rejected, at `line` or a little
// later, when the validator may insert hidden steps to explain it away.
void expect_violation_at(const std::string& path, std::uint64_t line) {
    traces::ValidatorOptions exact;
    exact.max_hidden_steps = 0;
    const traces::EtcdCheck r = traces::check_etcd_trace(path, traces::etcd_options(exact));
    ASSERT_FALSE(r.ok) << "the corruption went unnoticed";
    ASSERT_TRUE(r.failure.has_value());
    EXPECT_EQ(r.failure->line, line) << r.failure->reason;
    EXPECT_FALSE(r.failure->inconclusive);
    const traces::EtcdCheck slack = traces::check_etcd_trace(path);
    ASSERT_FALSE(slack.ok) << "hidden steps explained the corruption away";
    EXPECT_GE(slack.failure->line, line);
    EXPECT_LE(slack.failure->line, line + 3);
}

TEST(EtcdTrace, ValidatesTheWholeTrace) {
    const traces::EtcdCheck r = traces::check_etcd_trace(kTrace);
    EXPECT_TRUE(r.ok) << (r.failure ? r.failure->reason : "");
    EXPECT_EQ(r.etcd_events, 4888u);
    EXPECT_EQ(r.checked, 4888u);
    EXPECT_FALSE(r.beyond.has_value()) << *r.beyond;
    EXPECT_EQ(r.servers, 10u);  // five at the start, five more added later
    // Every step is logged, and one reading of it explains each event.
    EXPECT_EQ(r.stats.hidden_steps, 0u);
    EXPECT_EQ(r.stats.max_candidates, 1u);
}

TEST(EtcdTrace, WithoutTheMembershipOptionItIsRefusedAtInit) {
    // Five voters of ten at the start: the fixed-membership spec cannot even begin there.
    traces::ValidatorOptions fixed = traces::etcd_options();
    fixed.spec.membership = false;
    const traces::EtcdCheck r = traces::check_etcd_trace(kTrace, fixed);
    ASSERT_FALSE(r.ok);
    EXPECT_NE(r.failure->reason.find("membership option"), std::string::npos) << r.failure->reason;
}

TEST(EtcdTrace, WithoutEtcdsOptionsThePlainSpecRejectsIt) {
    // etcd sends slices of its log chosen by flow control, which the raft model's
    // AppendEntries (everything from nextIndex) does not: the options are needed.
    const traces::EtcdCheck r = traces::check_etcd_trace(kTrace, traces::ValidatorOptions{});
    EXPECT_FALSE(r.ok);
}

TEST(EtcdTrace, CommitWithoutQuorumIsCaught) {
    // Line 126: the leader has acknowledgements from itself and node 3 only, of five.
    expect_violation_at(variant("early_commit", 126, [](nlohmann::json& e) { e["state"]["commit"] = 6; }), 126);
}

TEST(EtcdTrace, CommitBeyondTheLogIsCaught) {
    expect_violation_at(variant("commit_beyond_log", 133, [](nlohmann::json& e) { e["state"]["commit"] = 7; }), 133);
}

TEST(EtcdTrace, SecondVoteInATermIsCaught) {
    // Line 89: node 5 voted for node 2 in term 2; the Ready after it claims node 3.
    expect_violation_at(variant("second_vote", 89, [](nlohmann::json& e) { e["state"]["vote"] = "3"; }), 89);
}

TEST(EtcdTrace, TermGoingBackwardsIsCaught) {
    expect_violation_at(variant("term_back", 131, [](nlohmann::json& e) { e["state"]["term"] = 1; }), 131);
}

TEST(EtcdTrace, MessageNeverSentIsCaught) {
    // Line 112: node 3 receives an append whose prevLogTerm no leader sent.
    expect_violation_at(variant("never_sent", 112, [](nlohmann::json& e) { e["msg"]["logTerm"] = 2; }), 112);
}

TEST(EtcdTrace, WrongAppendResultIsCaught) {
    // Line 113: after appending one entry to five, node 3 claims seven.
    expect_violation_at(variant("wrong_append", 113, [](nlohmann::json& e) { e["log"] = 7; }), 113);
}

TEST(EtcdTrace, WrongRejectHintIsCaught) {
    // Line 274: node 3 (log 8) rejects an append at index 10 with hint 8; 7 is not etcd's rule.
    expect_violation_at(variant("wrong_hint", 274, [](nlohmann::json& e) { e["msg"]["rejectHint"] = 7; }), 274);
}

TEST(EtcdTrace, CommitWithoutQuorumOfTheNewConfigurationIsCaught) {
    // Line 3427: the leader, with voters {2, 3, 6}, has no second acknowledgement of 84 yet.
    expect_violation_at(variant("early_commit_new_config", 3427, [](nlohmann::json& e) { e["state"]["commit"] = 84; }), 3427);
}

TEST(EtcdTrace, ChangingTwoVotersAtOnceIsCaught) {
    // Line 1248: the leader removes node 1; removing node 2 in the same step is not a
    // single-server change.
    expect_violation_at(variant("two_voters", 1248, [](nlohmann::json& e) {
                            e["prop"]["cc"]["newconf"] = nlohmann::json::array({"3", "4", "5"});
                        }),
                        1248);
}

TEST(EtcdTrace, JoiningNodeWithALogIsCaught) {
    // Line 3313: node 6 starts; a node that joins has nothing yet.
    expect_violation_at(variant("joins_with_log", 3313, [](nlohmann::json& e) { e["log"] = 3; }), 3313);
}

TEST(EtcdTrace, UnloggedSendIsFoundAsAHiddenStep) {
    // Without line 105 (the leader's append to node 1), node 1's receipt at line 129 needs
    // an unlogged AppendEntries: one hidden step, and the trace still validates.
    const traces::EtcdCheck r = traces::check_etcd_trace(variant("unlogged_send", 105, nullptr));
    EXPECT_TRUE(r.ok) << (r.failure ? r.failure->reason : "");
    EXPECT_EQ(r.stats.hidden_steps, 1u);
    ASSERT_FALSE(r.stats.hidden_at.empty());
    EXPECT_EQ(r.stats.hidden_at.front().first, 128u);  // line 129, one line earlier now
}

TEST(EtcdTrace, BadLinesAreErrorsWithTheirLine) {
    auto expect_error = [](const std::string& path, std::uint64_t line, const std::string& words) {
        try {
            traces::check_etcd_trace(path);
            ADD_FAILURE() << "no error for " << path;
        } catch (const traces::TraceError& e) {
            EXPECT_EQ(e.line, line) << e.what();
            EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
        }
    };
    expect_error(variant_text("malformed", 200, "{\"event\": {\"name\": "), 200, "malformed JSON");
    expect_error(variant("unknown_name", 300, [](nlohmann::json& e) { e["name"] = "Explode"; }), 300, "unknown etcd event");
    expect_error(variant("bad_nid", 301, [](nlohmann::json& e) { e["nid"] = "two"; }), 301, "nid");
    expect_error(variant("no_state", 302, [](nlohmann::json& e) { e.erase("state"); }), 302, "state");
    expect_error(variant("bad_role", 303, [](nlohmann::json& e) { e["role"] = "StateKing"; }), 303, "role");
}

}  // namespace
