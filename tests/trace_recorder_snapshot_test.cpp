// The recorder with snapshots: a run of three real raft::step nodes in which the leader
// compacts its log, a follower cut off meanwhile catches up by InstallSnapshot (and gets a
// late copy of it after committing more), nodes restart from their snapshots and a new
// leader takes over, is recorded through traces::Recorder and validates against the spec with
// no hidden step. The simulator of this branch takes no snapshots (its service does not ask
// for them yet), so the run is driven here, over a FIFO network, step by step.

#include <gtest/gtest.h>

#include <deque>
#include <set>
#include <sstream>

#include "raft/step.hpp"
#include "traces/ndjson.hpp"
#include "traces/recorder.hpp"
#include "traces/validator.hpp"

namespace {

using traces::ActionKind;

class RecordedCluster {
public:
    explicit RecordedCluster(std::uint32_t n, bool full_log)
        : recorder_([this](const traces::Event& e) { lines_ += traces::format_event(e) + "\n"; }, traces::RecorderOptions{full_log}) {
        for (std::uint32_t i = 0; i < n; ++i) {
            raft::Config c;
            c.id = raft::NodeId{i};
            c.cluster_size = n;
            nodes_.push_back(raft::initial_state(c));
            storage_.push_back(raft::persistent_part(nodes_.back()));
            cut_.push_back(false);
        }
    }

    raft::Outputs step(std::uint32_t i, const raft::Input& input) {
        const raft::NodeState before = nodes_[i];
        raft::StepResult r = raft::step(nodes_[i], input);
        EXPECT_FALSE(r.outputs.alarm.has_value()) << *r.outputs.alarm;
        recorder_.step(before, input, r);
        raft::apply_persist(storage_[i], r.outputs.persist);
        for (const raft::Message& m : r.outputs.messages) net_.push_back(m);
        nodes_[i] = std::move(r.state);
        return r.outputs;
    }

    // Delivers everything in flight, and what that sends, in FIFO order; messages to or from
    // a cut-off node are lost. Keeps a copy of every InstallSnapshot delivered.
    void deliver_all() {
        while (!net_.empty()) {
            const raft::Message m = net_.front();
            net_.pop_front();
            if (cut_[m.from.value] || cut_[m.to.value]) {
                recorder_.dropped(m);
                continue;
            }
            if (std::holds_alternative<raft::InstallSnapshot>(m.body)) snapshots_sent_.push_back(m);
            step(m.to.value, m);
        }
    }

    void compact(std::uint32_t i) {
        const raft::LogIndex index = nodes_[i].last_applied;
        const raft::Outputs out = step(i, raft::CompactLog{index, "state up to " + raft::to_string(index)});
        EXPECT_FALSE(out.refused.has_value()) << *out.refused;
    }
    void restart(std::uint32_t i) { step(i, raft::Restart{storage_[i]}); }
    void cut(std::uint32_t i, bool off) { cut_[i] = off; }
    void redeliver(const raft::Message& m) { step(m.to.value, m); }

    const raft::NodeState& node(std::uint32_t i) const { return nodes_[i]; }
    const std::vector<raft::Message>& snapshots_sent() const { return snapshots_sent_; }
    const std::string& lines() const { return lines_; }

private:
    std::vector<raft::NodeState> nodes_;
    std::vector<raft::PersistentState> storage_;
    std::vector<bool> cut_;
    std::deque<raft::Message> net_;
    std::vector<raft::Message> snapshots_sent_;
    std::string lines_;
    traces::Recorder recorder_;
};

std::string run_with_snapshots(bool full_log) {
    RecordedCluster c(3, full_log);
    c.step(0, raft::ElectionTimeout{});
    c.deliver_all();
    EXPECT_EQ(c.node(0).role, raft::Role::kLeader);
    c.cut(2, true);  // n2 misses the next entries
    for (const char* v : {"a", "b", "c"}) {
        c.step(0, raft::Propose{v});
        c.deliver_all();
    }
    c.step(0, raft::HeartbeatTimeout{});  // carries commitIndex 3 to n1
    c.deliver_all();
    EXPECT_EQ(c.node(1).commit_index, raft::LogIndex{3});
    c.compact(0);  // the leader's log up to 3 goes into its snapshot
    c.compact(1);
    c.step(1, raft::CompactLog{raft::LogIndex{2}, "too late"});  // refused: not past n1's snapshot, no event
    c.cut(2, false);
    c.step(0, raft::HeartbeatTimeout{});  // n2's next entry is compacted: InstallSnapshot
    c.deliver_all();
    EXPECT_EQ(c.node(2).snapshot.last_included_index, raft::LogIndex{3});
    EXPECT_EQ(c.node(2).commit_index, raft::LogIndex{3});
    c.step(0, raft::Propose{"d"});
    c.deliver_all();
    c.step(0, raft::HeartbeatTimeout{});
    c.deliver_all();
    EXPECT_EQ(c.node(2).commit_index, raft::LogIndex{4});
    EXPECT_FALSE(c.snapshots_sent().empty());
    if (!c.snapshots_sent().empty()) c.redeliver(c.snapshots_sent().front());  // a late copy: changes nothing
    c.deliver_all();
    EXPECT_EQ(c.node(2).commit_index, raft::LogIndex{4});
    c.restart(2);  // from its snapshot: commitIndex 3, not 0
    c.restart(0);
    c.step(1, raft::ElectionTimeout{});
    c.deliver_all();
    EXPECT_EQ(c.node(1).role, raft::Role::kLeader);
    c.step(1, raft::Propose{"e"});
    c.deliver_all();
    c.step(1, raft::HeartbeatTimeout{});
    c.deliver_all();
    EXPECT_EQ(c.node(0).commit_index, raft::LogIndex{5});
    EXPECT_EQ(c.node(2).commit_index, raft::LogIndex{5});
    return c.lines();
}

traces::Failure validate(const std::string& lines, std::set<ActionKind>& seen, traces::ValidatorStats& stats) {
    std::istringstream in(lines);
    traces::ValidatorOptions options;
    options.max_hidden_steps = 0;  // every step is recorded
    traces::Validator v(options);
    std::uint64_t line_no = 0;
    for (std::string line; std::getline(in, line);) {
        const traces::Event e = traces::parse_event(line, "recorded", ++line_no);
        seen.insert(e.action);
        if (!v.feed(e)) return *v.failure();
    }
    stats = v.stats();
    return {};
}

std::string explain(const traces::Failure& f) {
    std::string s = f.file + ":" + std::to_string(f.line) + " " + f.action + ": " + f.reason;
    for (const auto& a : f.attempts) {
        s += "\n  " + a.action + " " + a.why;
        for (const auto& m : a.mismatches) s += "\n    " + m.variable + " spec " + m.expected + " trace " + m.observed;
    }
    return s;
}

TEST(TraceRecorderSnapshots, ARecordedRunWithSnapshotsValidates) {
    for (bool full_log : {false, true}) {
        const std::string lines = run_with_snapshots(full_log);
        std::set<ActionKind> seen;
        traces::ValidatorStats stats;
        const traces::Failure f = validate(lines, seen, stats);
        ASSERT_TRUE(f.reason.empty()) << explain(f) << "\n" << lines;
        EXPECT_EQ(stats.hidden_steps, stats.duplicates_assumed) << "only the late copy of the snapshot is assumed";
        for (ActionKind k : {ActionKind::kCompactLog, ActionKind::kInstallSnapshot, ActionKind::kHandleInstallSnapshotRequest,
                             ActionKind::kHandleInstallSnapshotResponse, ActionKind::kRestart}) {
            EXPECT_TRUE(seen.contains(k)) << traces::action_name(k);
        }
        EXPECT_NE(lines.find("\"snapshotIndex\":3"), std::string::npos);
    }
}

// A deposed leader that does not know it yet sends its snapshot to a follower of the newer
// term, which answers with its term and index 0 (nothing installed); the old leader steps
// down on that answer.
TEST(TraceRecorderSnapshots, AStaleSnapshotIsAnsweredAndTheRunValidates) {
    RecordedCluster c(3, false);
    c.step(0, raft::ElectionTimeout{});
    c.deliver_all();
    c.cut(2, true);
    for (const char* v : {"a", "b", "c"}) {
        c.step(0, raft::Propose{v});
        c.deliver_all();
    }
    c.step(0, raft::HeartbeatTimeout{});
    c.deliver_all();
    c.compact(0);
    c.cut(2, false);
    c.cut(0, true);  // n1 wins term 2 with n2's vote while n0 hears nothing
    c.step(1, raft::ElectionTimeout{});
    c.deliver_all();
    EXPECT_EQ(c.node(1).role, raft::Role::kLeader);
    c.cut(0, false);
    c.step(0, raft::HeartbeatTimeout{});  // n0 still leads term 1: InstallSnapshot to n2
    c.deliver_all();
    EXPECT_EQ(c.node(0).role, raft::Role::kFollower);
    std::set<ActionKind> seen;
    traces::ValidatorStats stats;
    const traces::Failure f = validate(c.lines(), seen, stats);
    ASSERT_TRUE(f.reason.empty()) << explain(f) << "\n" << c.lines();
    EXPECT_TRUE(seen.contains(ActionKind::kHandleInstallSnapshotRequest));
    EXPECT_NE(c.lines().find(R"("type":"InstallSnapshotResponse","from":3,"to":1,"term":2,"matchIndex":0)"), std::string::npos);
}

TEST(TraceRecorderSnapshots, ACompactLogOfAnUncommittedIndexInTheRecordIsCaught) {
    // The recorder writes what the node did; a node that compacted past its commitIndex (here
    // forged in the record) is no behaviour of the spec.
    std::string lines = run_with_snapshots(false);
    const std::string compact = R"("action":"CompactLog","index":3)";
    const std::size_t at = lines.find(compact);
    ASSERT_NE(at, std::string::npos);
    lines.replace(at, compact.size(), R"("action":"CompactLog","index":4)");
    std::set<ActionKind> seen;
    traces::ValidatorStats stats;
    const traces::Failure f = validate(lines, seen, stats);
    ASSERT_FALSE(f.reason.empty());
    EXPECT_NE(f.action.find("CompactLog at s1"), std::string::npos) << explain(f);
}

}  // namespace
