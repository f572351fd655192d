// Snapshots in the raft model (--max-snapshots): CompactLog, InstallSnapshot and their
// handlers, one rule at a time; the invariants they add (SnapshotCommitted, CommitMonotonic),
// each failing on the state or step it forbids and catching its planted bug; pinned counts.
// Without snapshots (max_snapshots 0) the model is exactly what it was: spec_explorer_test
// pins those counts.

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "checker/explorer.hpp"
#include "checker/spec_model.hpp"
#include "checker/spec_mutants.hpp"

namespace {

using spec::ActionKind;

spec::Params raft_params(std::uint32_t servers, std::uint32_t max_term, std::uint32_t max_log, std::uint32_t snapshots) {
    spec::Params p;
    p.variant = spec::Variant::kRaft;
    p.servers = servers;
    p.max_term = max_term;
    p.max_log = max_log;
    p.max_snapshots = snapshots;
    return p;
}

template <class Model>
checker::Result<Model> explore(const Model& m, unsigned threads = 2, bool dfs = false) {
    checker::ExploreOptions o;
    o.threads = threads;
    o.progress_seconds = 0;
    checker::Explorer<Model> e(m, o);
    return dfs ? e.dfs() : e.bfs();
}

// Every successor of `s` by an action of `kind` (and, for a message, that message).
std::vector<std::pair<spec::Action, spec::State>> successors(const spec::State& s, const spec::Params& p, ActionKind kind) {
    std::vector<std::pair<spec::Action, spec::State>> out;
    checker::SpecModel(p, false).for_each_successor(s, [&](const spec::Action& a, spec::State& t) {
        if (a.kind == kind) out.emplace_back(a, t);
    });
    return out;
}

spec::Log log_of(std::initializer_list<std::uint32_t> terms) {
    spec::Log l;
    for (std::uint32_t t : terms) l = l.append(t, 1);
    return l;
}

// Three servers in term 3: s1 leads with log <<t2, t2, t3>>, everything up to 2 committed and
// compacted; s2 and s3 follow.
spec::State leader_with_snapshot(const spec::Params& p) {
    spec::State s = spec::init(p);
    for (std::uint32_t i = 0; i < p.servers; ++i) s.servers[i].current_term = 3;
    spec::Server& l = s.servers[0];
    l.role = spec::Role::kLeader;
    l.voted_for = 0;
    l.log = log_of({2, 2, 3});
    l.commit_index = 2;
    l.snapshot_index = 2;
    s.snapshots_taken = 1;
    for (std::uint32_t j = 0; j < p.servers; ++j) l.next_index[j] = 4;
    return s;
}

spec::Message snapshot_request(std::uint8_t to, std::uint8_t last, std::uint8_t last_term, spec::Log data) {
    spec::Message m;
    m.type = spec::MsgType::kInstallSnapshotRequest;
    m.term = 3;
    m.source = 0;
    m.dest = to;
    m.f1 = last;
    m.f2 = last_term;
    m.entries = data;
    return m;
}

// The one successor that handles `m`.
spec::State handle(const spec::State& s, const spec::Params& p, const spec::Message& m) {
    std::optional<spec::State> out;
    for (auto& [a, t] : successors(s, p, ActionKind::kHandleInstallSnapshotRequest)) {
        if (a.m == m) out = t;
    }
    for (auto& [a, t] : successors(s, p, ActionKind::kHandleAppendEntriesRequest)) {
        if (a.m == m) out = t;
    }
    EXPECT_TRUE(out.has_value());
    return out.value_or(s);
}

const spec::Message* only_reply(const spec::State& s) {
    EXPECT_EQ(s.messages.size(), 1u);
    return s.messages.empty() ? nullptr : &s.messages[0].m;
}

TEST(Snapshots, CompactLogOnlyUpToCommitIndexAndOnlyMaxSnapshotsTimes) {
    const spec::Params p = raft_params(3, 4, 3, 1);
    spec::State s = leader_with_snapshot(p);
    s.servers[0].snapshot_index = 0;
    s.snapshots_taken = 0;
    const auto compactions = successors(s, p, ActionKind::kCompactLog);
    ASSERT_EQ(compactions.size(), 2u) << "indexes 1 and 2, not 3: it is not committed";
    EXPECT_EQ(compactions[1].second.servers[0].snapshot_index, 2);
    EXPECT_EQ(compactions[1].second.snapshots_taken, 1);
    EXPECT_TRUE(successors(compactions[1].second, p, ActionKind::kCompactLog).empty()) << "--max-snapshots 1 spent";
    EXPECT_TRUE(successors(s, raft_params(3, 4, 3, 0), ActionKind::kCompactLog).empty()) << "no snapshots by default";
}

TEST(Snapshots, LeaderSendsItsSnapshotWhenTheEntryBeforeNextIndexIsCompacted) {
    const spec::Params p = raft_params(3, 4, 3, 1);
    spec::State s = leader_with_snapshot(p);
    s.servers[0].next_index[1] = 2;  // prevLogIndex 1 is compacted
    s.servers[0].next_index[2] = 3;  // prevLogIndex 2 is the snapshot's last entry: its term is known
    const auto installs = successors(s, p, ActionKind::kInstallSnapshot);
    ASSERT_EQ(installs.size(), 1u);
    EXPECT_EQ(installs[0].first.j, 1);
    const spec::Message* m = only_reply(installs[0].second);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(*m, snapshot_request(1, 2, 2, log_of({2, 2})));
    for (const auto& [a, t] : successors(s, p, ActionKind::kAppendEntries)) EXPECT_NE(a.j, 1) << "no AppendEntries to s2";
    EXPECT_EQ(successors(s, p, ActionKind::kAppendEntries).size(), 1u) << "AppendEntries to s3 from prevLogIndex 2";
}

TEST(Snapshots, FollowerBehindTakesTheSnapshotAsItsLog) {
    const spec::Params p = raft_params(3, 4, 3, 1);
    spec::State s = leader_with_snapshot(p);
    s.servers[1].log = log_of({1});  // a conflicting entry, uncommitted
    const spec::Message m = snapshot_request(1, 2, 2, log_of({2, 2}));
    spec::bag_add(s, m);
    const spec::State t = handle(s, p, m);
    EXPECT_EQ(t.servers[1].log, log_of({2, 2}));
    EXPECT_EQ(t.servers[1].snapshot_index, 2);
    EXPECT_EQ(t.servers[1].commit_index, 2);
    const spec::Message* r = only_reply(t);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->type, spec::MsgType::kInstallSnapshotResponse);
    EXPECT_EQ(r->match_index(), 2);
}

TEST(Snapshots, FollowerHoldingTheLastEntryKeepsItsLog) {
    const spec::Params p = raft_params(3, 4, 3, 1);
    spec::State s = leader_with_snapshot(p);
    s.servers[1].log = log_of({2, 2, 3});
    const spec::Message m = snapshot_request(1, 2, 2, log_of({2, 2}));
    spec::bag_add(s, m);
    const spec::State t = handle(s, p, m);
    EXPECT_EQ(t.servers[1].log, log_of({2, 2, 3})) << "the entry after the snapshot stays";
    EXPECT_EQ(t.servers[1].snapshot_index, 2);
    EXPECT_EQ(t.servers[1].commit_index, 2);
}

TEST(Snapshots, FollowerThatCommittedThatFarChangesNothingButAnswers) {
    const spec::Params p = raft_params(3, 4, 3, 1);
    spec::State s = leader_with_snapshot(p);
    s.servers[1].log = log_of({2, 2, 3});
    s.servers[1].commit_index = 3;
    const spec::Message m = snapshot_request(1, 2, 2, log_of({2, 2}));
    spec::bag_add(s, m);
    const spec::State t = handle(s, p, m);
    EXPECT_EQ(t.servers[1], s.servers[1]);
    const spec::Message* r = only_reply(t);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->match_index(), 2);
}

TEST(Snapshots, StaleRequestIsAnsweredWithTheNewerTermOnly) {
    const spec::Params p = raft_params(3, 4, 3, 1);
    spec::State s = leader_with_snapshot(p);
    s.servers[1].current_term = 4;
    const spec::Message m = snapshot_request(1, 2, 2, log_of({2, 2}));
    spec::bag_add(s, m);
    const spec::State t = handle(s, p, m);
    EXPECT_EQ(t.servers[1], s.servers[1]);
    const spec::Message* r = only_reply(t);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->term, 4);
    EXPECT_EQ(r->match_index(), 0);
}

TEST(Snapshots, LeaderMovesForwardOnTheResponse) {
    const spec::Params p = raft_params(3, 4, 3, 1);
    spec::State s = leader_with_snapshot(p);
    s.servers[0].next_index[1] = 1;
    spec::Message r;
    r.type = spec::MsgType::kInstallSnapshotResponse;
    r.term = 3;
    r.source = 1;
    r.dest = 0;
    r.f2 = 2;
    spec::bag_add(s, r);
    const auto handled = successors(s, p, ActionKind::kHandleInstallSnapshotResponse);
    ASSERT_EQ(handled.size(), 1u);
    EXPECT_EQ(handled[0].second.servers[0].match_index[1], 2);
    EXPECT_EQ(handled[0].second.servers[0].next_index[1], 3);
    s.servers[0].match_index[1] = 3;
    s.servers[0].next_index[1] = 4;
    const auto late = successors(s, p, ActionKind::kHandleInstallSnapshotResponse);
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0].second.servers[0].match_index[1], 3) << "a late response never moves back";
    EXPECT_EQ(late[0].second.servers[0].next_index[1], 4);
}

TEST(Snapshots, AppendEntriesBelowTheSnapshotSkipsTheCompactedEntries) {
    const spec::Params p = raft_params(3, 4, 3, 1);
    spec::State s = leader_with_snapshot(p);
    s.servers[1].log = log_of({2, 2});
    s.servers[1].commit_index = 2;
    s.servers[1].snapshot_index = 2;
    spec::Message m;
    m.type = spec::MsgType::kAppendEntriesRequest;
    m.term = 3;
    m.source = 0;
    m.dest = 1;
    m.f1 = 0;  // prevLogIndex 0: entries 1..3
    m.entries = log_of({2, 2, 3});
    m.f3 = 3;
    spec::bag_add(s, m);
    const spec::State t = handle(s, p, m);
    EXPECT_EQ(t.servers[1].log, log_of({2, 2, 3}));
    EXPECT_EQ(t.servers[1].commit_index, 3);
    const spec::Message* r = only_reply(t);
    ASSERT_NE(r, nullptr);
    EXPECT_TRUE(r->success());
    EXPECT_EQ(r->match_index(), 3);
}

TEST(Snapshots, RestartRestoresCommitIndexFromTheSnapshot) {
    const spec::Params p = raft_params(3, 4, 3, 1);
    spec::State s = leader_with_snapshot(p);
    s.servers[0].commit_index = 3;
    const auto restarts = successors(s, p, ActionKind::kRestart);
    ASSERT_EQ(restarts.size(), 3u);
    const spec::Server& v = restarts[0].second.servers[0];
    EXPECT_EQ(v.commit_index, 2);
    EXPECT_EQ(v.snapshot_index, 2);
    EXPECT_EQ(v.log, s.servers[0].log);
}

TEST(Snapshots, EncodingKeepsTheNewVariablesAndPermutesThem) {
    const spec::Params p = raft_params(3, 4, 3, 1);
    spec::State s = leader_with_snapshot(p);
    spec::bag_add(s, snapshot_request(2, 2, 2, log_of({2, 2})));
    std::string bytes;
    spec::encode(s, p, bytes);
    EXPECT_EQ(spec::decode(bytes, p), s);
    const std::array<std::uint8_t, spec::kMaxServers> perm = {2, 0, 1, 3, 4};
    const spec::State t = spec::permute(s, p, perm);
    EXPECT_EQ(t.servers[2].snapshot_index, 2);
    EXPECT_EQ(t.snapshots_taken, 1);
    std::string permuted;
    spec::encode_permuted(s, p, perm, permuted);
    spec::encode(t, p, bytes);
    EXPECT_EQ(permuted, bytes);
    // Without snapshots the encoding has no room for them: the fingerprints of the model
    // without snapshots are what they always were.
    spec::State plain = spec::init(raft_params(3, 4, 3, 0));
    std::string without, with;
    spec::encode(plain, raft_params(3, 4, 3, 0), without);
    spec::encode(plain, p, with);
    EXPECT_EQ(with.size(), without.size() + 3 + 1);
}

TEST(Snapshots, ParamsNeedTheRaftModel) {
    spec::Params p = raft_params(3, 2, 1, 1);
    EXPECT_EQ(spec::validate(p), "");
    p.variant = spec::Variant::kRaftTla;
    EXPECT_NE(spec::validate(p), "") << "raft-tla has no snapshots";
    p.variant = spec::Variant::kRaft;
    p.max_snapshots = spec::kMaxSnapshots + 1;
    EXPECT_NE(spec::validate(p), "");
}

// ---- The invariants ----

bool holds(const char* name, const spec::State& s, const spec::Params& p) {
    for (const spec::Invariant& inv : spec::invariants()) {
        if (std::string(inv.name) == name) return inv.holds(s, p);
    }
    ADD_FAILURE() << "no invariant " << name;
    return false;
}

bool step_holds(const char* name, const spec::State& before, const spec::State& after, const spec::Params& p) {
    for (const spec::StepProperty& prop : spec::step_properties()) {
        if (std::string(prop.name) == name) return prop.holds(before, after, p);
    }
    ADD_FAILURE() << "no step property " << name;
    return false;
}

TEST(SnapshotInvariants, SnapshotCommittedFailsAboveCommitIndexAndOnDisagreement) {
    const spec::Params p = raft_params(3, 4, 3, 1);
    spec::State s = leader_with_snapshot(p);
    EXPECT_TRUE(holds("SnapshotCommitted", s, p));
    s.servers[0].snapshot_index = 3;
    EXPECT_FALSE(holds("SnapshotCommitted", s, p)) << "index 3 is not committed at s1";
    s = leader_with_snapshot(p);
    s.servers[1].log = log_of({2, 1});
    s.servers[1].commit_index = 2;
    EXPECT_FALSE(holds("SnapshotCommitted", s, p)) << "s2 committed another entry 2 than s1's snapshot holds";
}

TEST(SnapshotInvariants, CommitMonotonicAllowsOnlyARestartToLowerCommitIndex) {
    const spec::Params p = raft_params(3, 4, 3, 1);
    spec::State before = leader_with_snapshot(p);
    before.servers[0].commit_index = 3;
    for (const auto& [a, after] : successors(before, p, ActionKind::kRestart)) {
        EXPECT_TRUE(step_holds("CommitMonotonic", before, after, p)) << spec::describe(a);
    }
    spec::State after = before;
    after.servers[0].commit_index = 2;
    EXPECT_FALSE(step_holds("CommitMonotonic", before, after, p)) << "a leader that forgets a commit without a crash";
    spec::Params tla = p;
    tla.variant = spec::Variant::kRaftTla;
    EXPECT_TRUE(step_holds("CommitMonotonic", before, after, tla)) << "raft.tla's followers copy the leader's commitIndex";
}

// ---- The explorer: counts, companions, planted bugs ----

TEST(SnapshotModel, PinnedCountsAndNoViolation) {
    const checker::SpecModel m(raft_params(2, 3, 2, 1), false);
    const auto r = explore(m);
    EXPECT_FALSE(r.violation.has_value());
    EXPECT_EQ(r.stats.distinct, 166076u);
    EXPECT_EQ(r.stats.generated, 1365431u);
    const auto dfs = explore(m, 1, true);
    EXPECT_EQ(dfs.stats.distinct, r.stats.distinct);
    EXPECT_EQ(dfs.stats.generated, r.stats.generated);
}

// Symmetry stays exact with the new variables: brute force (the smaller encoding of each state
// and its mirror image) gives the explorer's symmetric count.
TEST(SnapshotModel, SymmetryCountsOrbitsExactly) {
    const spec::Params p = raft_params(2, 3, 2, 1);
    const checker::SpecModel plain(p, false);
    std::set<std::string> all, orbits;
    std::vector<spec::State> frontier{spec::init(p)};
    std::string enc, alt;
    spec::encode(frontier[0], p, enc);
    all.insert(enc);
    while (!frontier.empty()) {
        std::vector<spec::State> next;
        for (const spec::State& s : frontier) {
            plain.for_each_successor(s, [&](const spec::Action&, spec::State& t) {
                if (!plain.within_bounds(t)) return;
                spec::encode(t, p, enc);
                if (all.insert(enc).second) next.push_back(t);
            });
        }
        frontier = std::move(next);
    }
    for (const std::string& e : all) {
        spec::encode_permuted(spec::decode(e, p), p, {1, 0, 2, 3, 4}, alt);
        orbits.insert(std::min(e, alt));
    }
    EXPECT_EQ(all.size(), 166076u);
    EXPECT_EQ(explore(checker::SpecModel(p, true)).stats.distinct, orbits.size());
}

TEST(SnapshotModel, ReachesAnInstalledSnapshot) {
    const auto r = explore(checker::SpecModel(raft_params(3, 2, 1, 1), true));
    EXPECT_FALSE(r.violation.has_value());
    const auto& all = spec::sometimes();
    for (std::size_t k = 0; k < all.size(); ++k) {
        const std::string name = all[k].name;
        if (name == "SnapshotTaken" || name == "SnapshotInstalled") {
            EXPECT_TRUE(r.stats.sometimes_reached >> k & 1) << name;
        }
    }
    EXPECT_EQ(r.stats.distinct, 711914u);
}

struct SnapshotBug {
    mutants::Bug bug;
    spec::Params params;
    bool symmetry;
    const char* property;
    std::size_t trace_length;
};

void PrintTo(const SnapshotBug& b, std::ostream* os) { *os << mutants::bug_name(b.bug); }

class CatchesSnapshotBug : public ::testing::TestWithParam<SnapshotBug> {};

TEST_P(CatchesSnapshotBug, WithShortestCounterexample) {
    const SnapshotBug& b = GetParam();
    const mutants::MutantModel m(b.params, b.bug, b.symmetry);
    const auto r = explore(m);
    ASSERT_TRUE(r.violation.has_value()) << mutants::bug_name(b.bug) << " was not caught";
    EXPECT_EQ(r.violation->property, b.property);
    EXPECT_EQ(r.violation->trace.size(), b.trace_length);
    // Without snapshots the buggy action is never enabled: the model is clean.
    spec::Params none = b.params;
    none.max_snapshots = 0;
    EXPECT_FALSE(explore(mutants::MutantModel(none, b.bug, b.symmetry)).violation.has_value());
}

INSTANTIATE_TEST_SUITE_P(
    Spec, CatchesSnapshotBug,
    ::testing::Values(SnapshotBug{mutants::Bug::kCompactUncommitted, raft_params(2, 2, 1, 1), false, "SnapshotCommitted", 12},
                      SnapshotBug{mutants::Bug::kInstallSnapshotRollsBackCommit, raft_params(3, 2, 2, 1), true, "CommitMonotonic", 23}),
    [](const ::testing::TestParamInfo<SnapshotBug>& info) { return std::string(mutants::bug_name(info.param.bug)); });

}  // namespace
