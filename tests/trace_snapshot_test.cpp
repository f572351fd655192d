// Snapshots in traces: a hand-written run with a CompactLog, an InstallSnapshot (sent twice,
// the second copy arriving after the follower committed past it) validates; three corruptions
// of it are rejected at the line that shows the fault, naming what the spec says instead.

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "traces/ndjson.hpp"
#include "traces/reader.hpp"
#include "traces/validator.hpp"

namespace {

using traces::Event;

const std::string kVote2 = R"({"type":"RequestVoteRequest","from":1,"to":2,"term":2,"lastLogTerm":0,"lastLogIndex":0})";
const std::string kVote1 = R"({"type":"RequestVoteRequest","from":1,"to":1,"term":2,"lastLogTerm":0,"lastLogIndex":0})";
const std::string kGrant1 = R"({"type":"RequestVoteResponse","from":1,"to":1,"term":2,"voteGranted":true})";
const std::string kGrant2 = R"({"type":"RequestVoteResponse","from":2,"to":1,"term":2,"voteGranted":true})";
const std::string kAppend2 =
    R"({"type":"AppendEntriesRequest","from":1,"to":2,"term":2,"prevLogIndex":0,"prevLogTerm":0,"entries":[[2,"x"]],"commitIndex":0})";
const std::string kAck2 = R"({"type":"AppendEntriesResponse","from":2,"to":1,"term":2,"success":true,"matchIndex":1})";
const std::string kSnapshot3 =
    R"({"type":"InstallSnapshotRequest","from":1,"to":3,"term":2,"lastIncludedIndex":1,"lastIncludedTerm":2,"data":[[2,"x"]]})";
const std::string kSnapshotAck3 = R"({"type":"InstallSnapshotResponse","from":3,"to":1,"term":2,"matchIndex":1})";
const std::string kAppendY2 =
    R"({"type":"AppendEntriesRequest","from":1,"to":2,"term":2,"prevLogIndex":1,"prevLogTerm":2,"entries":[[2,"y"]],"commitIndex":1})";
const std::string kAckY2 = R"({"type":"AppendEntriesResponse","from":2,"to":1,"term":2,"success":true,"matchIndex":2})";
const std::string kAppendY3 =
    R"({"type":"AppendEntriesRequest","from":1,"to":3,"term":2,"prevLogIndex":1,"prevLogTerm":2,"entries":[[2,"y"]],"commitIndex":2})";
const std::string kAckY3 = R"({"type":"AppendEntriesResponse","from":3,"to":1,"term":2,"success":true,"matchIndex":2})";

// s1 is elected in term 2 with s2's vote, commits x with s2, snapshots it, and sends s3 (which
// missed everything) the snapshot twice; s3 installs the first copy; then y is committed and
// reaches s3 by AppendEntries (its prevLogIndex is s3's snapshot), and the second copy of the
// snapshot arrives late and changes nothing.
std::vector<std::string> good_trace() {
    return {
        R"({"action":"Init","servers":3})",
        R"({"node":1,"action":"Timeout","state":{"term":2,"role":"Candidate"}})",
        R"({"node":1,"action":"RequestVote","msg":)" + kVote1 + "}",
        R"({"node":1,"action":"HandleRequestVoteRequest","msg":)" + kVote1 + R"(,"reply":)" + kGrant1 + "}",
        R"({"node":1,"action":"HandleRequestVoteResponse","msg":)" + kGrant1 + "}",
        R"({"node":1,"action":"RequestVote","msg":)" + kVote2 + "}",
        R"({"node":2,"action":"UpdateTerm","msg":)" + kVote2 + R"(,"state":{"term":2}})",
        R"({"node":2,"action":"HandleRequestVoteRequest","msg":)" + kVote2 + R"(,"reply":)" + kGrant2 + "}",
        R"({"node":1,"action":"HandleRequestVoteResponse","msg":)" + kGrant2 + "}",
        R"({"node":1,"action":"BecomeLeader","state":{"role":"Leader"}})",
        R"({"node":1,"action":"ClientRequest","value":"x","state":{"logLength":1}})",
        R"({"node":1,"action":"AppendEntries","msg":)" + kAppend2 + "}",
        R"({"node":2,"action":"HandleAppendEntriesRequest","msg":)" + kAppend2 + R"(,"reply":)" + kAck2 + "}",
        R"({"node":1,"action":"HandleAppendEntriesResponse","msg":)" + kAck2 + "}",
        R"({"node":1,"action":"AdvanceCommitIndex","state":{"commitIndex":1}})",
        R"({"node":1,"action":"CompactLog","index":1,"state":{"commitIndex":1,"snapshotIndex":1}})",  // line 16
        R"({"node":1,"action":"InstallSnapshot","msg":)" + kSnapshot3 + "}",                         // line 17
        R"({"node":1,"action":"InstallSnapshot","peer":3})",
        R"({"node":3,"action":"UpdateTerm","msg":)" + kSnapshot3 + R"(,"state":{"term":2}})",           // line 19
        R"({"node":3,"action":"HandleInstallSnapshotRequest","msg":)" + kSnapshot3 + R"(,"reply":)" + kSnapshotAck3 +
            R"(,"state":{"commitIndex":1,"snapshotIndex":1,"log":[[2,"x"]]}})",
        R"({"node":1,"action":"HandleInstallSnapshotResponse","msg":)" + kSnapshotAck3 + "}",
        R"({"node":1,"action":"ClientRequest","value":"y","state":{"logLength":2}})",  // line 22
        R"({"node":1,"action":"AppendEntries","msg":)" + kAppendY2 + "}",
        R"({"node":2,"action":"HandleAppendEntriesRequest","msg":)" + kAppendY2 + R"(,"reply":)" + kAckY2 + "}",
        R"({"node":1,"action":"HandleAppendEntriesResponse","msg":)" + kAckY2 + "}",
        R"({"node":1,"action":"AdvanceCommitIndex","state":{"commitIndex":2}})",
        R"({"node":1,"action":"AppendEntries","msg":)" + kAppendY3 + "}",
        R"({"node":3,"action":"HandleAppendEntriesRequest","msg":)" + kAppendY3 + R"(,"reply":)" + kAckY3 +
            R"(,"state":{"commitIndex":2,"snapshotIndex":1,"logLength":2}})",
        R"({"node":1,"action":"HandleAppendEntriesResponse","msg":)" + kAckY3 + "}",
        // The second copy of the snapshot, older than what s3 has committed. Its data is left
        // out, as a recorder may: any data the spec's message has will do.
        R"({"node":3,"action":"HandleInstallSnapshotRequest","msg":{"type":"InstallSnapshotRequest","from":1,"to":3,"term":2,)"
        R"("lastIncludedIndex":1,"lastIncludedTerm":2},"reply":)" +
            kSnapshotAck3 + R"(,"state":{"commitIndex":2,"snapshotIndex":1,"logLength":2}})",  // line 30
        R"({"node":1,"action":"HandleInstallSnapshotResponse","msg":)" + kSnapshotAck3 + "}",
    };
}

std::string join(const std::vector<std::string>& lines) {
    std::string s;
    for (const std::string& l : lines) s += l + "\n";
    return s;
}

struct Outcome {
    bool ok = true;
    traces::Failure failure;
    traces::ValidatorStats stats;
};

Outcome validate(const std::vector<std::string>& lines, std::uint32_t hidden_steps = 2) {
    std::istringstream in(join(lines));
    traces::TraceReader reader(in, "snapshot.ndjson");
    traces::ValidatorOptions options;
    options.max_hidden_steps = hidden_steps;
    traces::Validator v(options);
    Outcome o;
    while (std::optional<Event> e = reader.next()) {
        if (!v.feed(*e)) {
            o.ok = false;
            o.failure = *v.failure();
            break;
        }
    }
    o.stats = v.stats();
    return o;
}

std::string explain(const Outcome& o) {
    std::string s = o.failure.file + ":" + std::to_string(o.failure.line) + " " + o.failure.action + ": " + o.failure.reason;
    for (const auto& a : o.failure.attempts) {
        s += "\n  " + a.action + " " + a.why;
        for (const auto& m : a.mismatches) s += "\n    " + m.variable + " spec " + m.expected + " trace " + m.observed;
    }
    return s;
}

bool mentions(const Outcome& o, const std::string& variable, const std::string& spec_value, const std::string& trace_value) {
    for (const auto& a : o.failure.attempts) {
        for (const auto& m : a.mismatches) {
            if (m.variable == variable && m.expected == spec_value && m.observed == trace_value) return true;
        }
    }
    return false;
}

TEST(TraceSnapshots, AHandWrittenRunWithASnapshotValidates) {
    const Outcome o = validate(good_trace(), 0);
    ASSERT_TRUE(o.ok) << explain(o);
    EXPECT_EQ(o.stats.events, good_trace().size());
    EXPECT_EQ(o.stats.hidden_steps, 0u);
}

TEST(TraceSnapshots, EventsRoundTripThroughTheFormat) {
    std::istringstream in(join(good_trace()));
    traces::TraceReader reader(in, "snapshot.ndjson");
    while (std::optional<Event> e = reader.next()) {
        const std::string line = traces::format_event(*e);
        Event again = traces::parse_event(line, "snapshot.ndjson", e->line);
        EXPECT_EQ(again, *e) << line;
    }
}

TEST(TraceSnapshots, CompactLogAboveCommitIndexIsRejected) {
    std::vector<std::string> lines = good_trace();
    // y is appended but not committed when s1 snapshots it.
    lines.insert(lines.begin() + 21 + 1, R"({"node":1,"action":"CompactLog","index":2})");
    const Outcome o = validate(lines);
    ASSERT_FALSE(o.ok);
    EXPECT_EQ(o.failure.line, 23u) << explain(o);
    EXPECT_NE(o.failure.action.find("CompactLog at s1"), std::string::npos) << explain(o);
    ASSERT_FALSE(o.failure.attempts.empty());
    EXPECT_EQ(o.failure.attempts[0].action, "CompactLog(s1, 2)");
    EXPECT_EQ(o.failure.attempts[0].why, "not enabled");
}

TEST(TraceSnapshots, AnInstallSnapshotTheLeaderNeverSentIsRejected) {
    std::vector<std::string> lines = good_trace();
    lines.erase(lines.begin() + 16, lines.begin() + 18);  // neither send is logged: hidden steps may supply them,
    // but not this one: s1 never had an entry of term 1 to snapshot.
    std::string forged = kSnapshot3;
    forged.replace(forged.find("\"lastIncludedTerm\":2"), 20, "\"lastIncludedTerm\":1");
    lines[16] = R"({"node":3,"action":"UpdateTerm","msg":)" + forged + R"(,"state":{"term":2}})";
    const Outcome o = validate(lines);
    ASSERT_FALSE(o.ok);
    EXPECT_EQ(o.failure.line, 17u) << explain(o);
    EXPECT_NE(o.failure.reason.find("no behaviour of the spec explains this event"), std::string::npos) << explain(o);
    ASSERT_FALSE(o.failure.attempts.empty());
    EXPECT_EQ(o.failure.attempts[0].why, "not enabled") << "the message is not in flight";
}

TEST(TraceSnapshots, CommitMovingBackAfterAnInstallSnapshotIsRejected) {
    std::vector<std::string> lines = good_trace();
    const std::size_t late = 29;  // the late copy of the snapshot, line 30
    const std::string from = R"("state":{"commitIndex":2,"snapshotIndex":1)";
    ASSERT_NE(lines[late].find(from), std::string::npos);
    lines[late].replace(lines[late].find(from), from.size(), R"("state":{"commitIndex":1,"snapshotIndex":1)");
    // An unlogged crash of s3 just before would explain it (Restart restores commitIndex from
    // the snapshot), so this trace claims to log every step: no hidden steps.
    EXPECT_TRUE(validate(lines).ok) << "with hidden steps, a crash explains it";
    const Outcome o = validate(lines, 0);
    ASSERT_FALSE(o.ok);
    EXPECT_EQ(o.failure.line, 30u) << explain(o);
    EXPECT_NE(o.failure.action.find("HandleInstallSnapshotRequest at s3"), std::string::npos) << explain(o);
    EXPECT_TRUE(mentions(o, "commitIndex", "2", "1")) << explain(o);
}

TEST(TraceSnapshots, SnapshotIndexIsChecked) {
    std::vector<std::string> lines = good_trace();
    const std::size_t compact = 15;  // line 16
    lines[compact] = R"({"node":1,"action":"CompactLog","index":1,"state":{"snapshotIndex":0}})";
    const Outcome o = validate(lines, 0);
    ASSERT_FALSE(o.ok);
    EXPECT_EQ(o.failure.line, 16u) << explain(o);
    EXPECT_TRUE(mentions(o, "snapshotIndex", "1", "0")) << explain(o);
}

TEST(TraceSnapshots, MalformedSnapshotLinesAreBadInput) {
    EXPECT_THROW(traces::parse_event(R"({"node":1,"action":"CompactLog"})", "t", 1), traces::TraceError);
    EXPECT_THROW(traces::parse_event(R"({"node":1,"action":"CompactLog","index":1,"value":"x"})", "t", 1), traces::TraceError);
    EXPECT_THROW(traces::parse_event(R"({"node":1,"action":"InstallSnapshot","msg":)" + kAppend2 + "}", "t", 1), traces::TraceError);
    EXPECT_THROW(traces::parse_event(R"({"node":3,"action":"HandleInstallSnapshotRequest","msg":{"type":"InstallSnapshotRequest",)"
                                     R"("from":1,"to":3,"term":2,"lastIncludedIndex":1}})",
                                     "t", 1),
                 traces::TraceError)
        << "lastIncludedTerm is required; only the data may be left out";
}

}  // namespace
