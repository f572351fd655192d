// The implementation cluster model (`explore --model impl`): its encoding round-trips, its
// state counts are pinned (BFS = DFS, one thread = two, symmetry = the brute-force orbit
// count), the refinement check passes on raft::step, and every planted bug is caught, each
// with the property that catches it and the length of the shortest counterexample pinned.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "checker/explorer.hpp"
#include "checker/impl_model.hpp"
#include "checker/impl_mutants.hpp"
#include "tests/impl_test_support.hpp"

namespace checker::impl {
namespace {

Params small() {
    Params p;
    p.servers = 3;
    p.max_term = 2;
    p.max_log = 1;
    p.max_msgs = 2;
    p.max_copies = 1;
    p.max_crashes = 0;
    p.max_proposals = 1;
    return p;
}

// The states of small() without symmetry, computed once for the tests that walk them all.
const std::vector<ClusterState>& small_states() {
    static const std::vector<ClusterState> states = reachable(ImplModel(small(), &raft::step, false, false));
    return states;
}

TEST(ImplModel, EncodingRoundTripsOnEveryReachableState) {
    const Params p = small();
    const std::vector<ClusterState>& states = small_states();
    ASSERT_EQ(states.size(), 39396u);
    std::string a, b;
    for (const ClusterState& s : states) {
        encode(s, p, identity_perm(), a);
        const ClusterState d = decode(a, p);
        EXPECT_EQ(d.nodes, s.nodes);
        EXPECT_EQ(d.storage, s.storage);
        EXPECT_TRUE(d.network == s.network);
        EXPECT_EQ(d.committed, s.committed);
        encode(d, p, identity_perm(), b);
        ASSERT_EQ(a, b);
    }
}

TEST(ImplModel, WireMessagesRoundTrip) {
    std::size_t messages = 0;
    for (const ClusterState& s : small_states()) {
        for (const WireMsg& w : s.network) {
            EXPECT_TRUE(to_wire(from_wire(w)) == w);
            ++messages;
        }
    }
    EXPECT_GT(messages, 10000u);
}

// The model forgets NodeState::leader (impl_state.hpp); that is sound only if step never
// reads it. Every step the model takes is repeated with the field set (to each node in turn).
TEST(ImplModel, StepNeverReadsTheLeaderField) {
    const Params p = small();
    std::size_t steps = 0;
    for (const ClusterState& s : small_states()) {
        for_each_event(s, p, [&](const Event& e) {
            if (e.kind == EventKind::kDrop || e.kind == EventKind::kDuplicate) return;
            const raft::Input input = input_of(s, e);
            const raft::StepResult plain = raft::step(s.nodes[e.node], input);
            raft::NodeState with_leader = s.nodes[e.node];
            with_leader.leader = raft::NodeId{static_cast<std::uint32_t>(steps % p.servers)};
            raft::StepResult r = raft::step(with_leader, input);
            EXPECT_EQ(r.outputs, plain.outputs);
            r.state.leader = plain.state.leader;
            EXPECT_EQ(r.state, plain.state);
            ++steps;
        });
    }
    EXPECT_GT(steps, 100000u);
}

TEST(ImplModel, PinnedCountsAgreeAcrossBfsDfsAndThreads) {
    const ImplModel model(small(), &raft::step, false, false);
    const auto bfs = Explorer<ImplModel>(model, quiet()).bfs();
    EXPECT_FALSE(bfs.violation);
    EXPECT_EQ(bfs.stats.distinct, 39396u);
    EXPECT_EQ(bfs.stats.generated, 217822u);
    EXPECT_EQ(bfs.stats.depth, 31u);
    const auto two = Explorer<ImplModel>(model, quiet(2)).bfs();
    EXPECT_EQ(two.stats.distinct, 39396u);
    EXPECT_EQ(two.stats.generated, 217822u);
    const auto dfs = Explorer<ImplModel>(model, quiet()).dfs();
    EXPECT_FALSE(dfs.violation);
    EXPECT_EQ(dfs.stats.distinct, 39396u);
    // Every "sometimes" companion is reached but the two about restarts (no crash allowed) and
    // those about snapshots (none allowed).
    for (std::size_t k = 0; k < sometimes().size(); ++k) {
        const std::string name = sometimes()[k].name;
        const bool unreachable = name.find("Restart") != std::string::npos || name.find("Snapshot") != std::string::npos;
        EXPECT_EQ((bfs.stats.sometimes_reached >> k & 1) != 0, !unreachable) << name;
    }
}

TEST(ImplModel, SymmetryCountsExactlyTheOrbits) {
    const Params p = small();
    // Brute force: the smallest encoding over every permutation names the orbit.
    std::set<std::string> orbits;
    std::string enc, best;
    Perm perm = identity_perm();
    std::vector<Perm> perms;
    do perms.push_back(perm);
    while (std::next_permutation(perm.begin(), perm.begin() + p.servers));
    for (const ClusterState& s : small_states()) {
        best.clear();
        for (const Perm& q : perms) {
            encode(s, p, q, enc);
            if (best.empty() || enc < best) best = enc;
        }
        orbits.insert(best);
    }
    const ImplModel symmetric(p, &raft::step, true, false);
    const auto r = Explorer<ImplModel>(symmetric, quiet()).bfs();
    EXPECT_FALSE(r.violation);
    EXPECT_EQ(r.stats.distinct, orbits.size());
    EXPECT_EQ(r.stats.distinct, 6603u);
}

TEST(ImplModel, RaftStepRefinesTheSpecWithCrashes) {
    Params p = small();
    p.max_crashes = 1;
    const ImplModel model(p, &raft::step, true, true);
    const auto r = Explorer<ImplModel>(model, quiet(2)).bfs();
    EXPECT_FALSE(r.violation) << r.violation->property;
    EXPECT_EQ(r.stats.distinct, 40775u);
    for (std::size_t k = 0; k < sometimes().size(); ++k) {
        const bool about_snapshots = std::string(sometimes()[k].name).find("Snapshot") != std::string::npos;
        EXPECT_EQ((r.stats.sometimes_reached >> k & 1) != 0, !about_snapshots) << sometimes()[k].name << ": every other companion reached";
    }
}

// RefinementCheck::refines() answers from a memo keyed by the stepping node's state and the
// input. On every transition of the small state space, under a step function that breaks
// refinement, the memoized verdict equals the one computed from scratch.
TEST(ImplModel, MemoizedRefinementVerdictsEqualFreshOnes) {
    const Params p = small();
    const StepFn step = buggy_step(ImplBug::kVoteWithoutUpToDateCheck);
    std::size_t transitions = 0, failures = 0;
    Undo undo;
    for (const ClusterState& s : small_states()) {
        RefinementCheck memoized(s, p, step), from_scratch(s, p, step);
        for_each_event(s, p, [&](const Event& e) {
            ClusterState after = s;
            const raft::Outputs out = apply_event(after, p, step, e, undo);
            const bool fresh = !from_scratch.check(e, out, after);
            EXPECT_EQ(memoized.refines(e, out, after), fresh) << describe(e);
            ++transitions;
            failures += !fresh;
        });
    }
    EXPECT_GT(transitions, 200000u);
    EXPECT_GT(failures, 100u) << "the bug must show, or the comparison proves nothing";
}

struct Caught {
    ImplBug bug;
    Params params;
    bool refinement;
    const char* property;
    std::size_t length;  // states in the shortest counterexample, Init included
};

Params bounds(std::uint32_t term, std::uint32_t log, std::uint32_t msgs, std::uint32_t crashes, std::uint32_t proposals,
              std::uint32_t snapshots = 0) {
    Params p;
    p.max_snapshots = snapshots;
    p.servers = 3;
    p.max_term = term;
    p.max_log = log;
    p.max_msgs = msgs;
    p.max_crashes = crashes;
    p.max_proposals = proposals;
    return p;
}

class PlantedBug : public ::testing::TestWithParam<Caught> {};

TEST_P(PlantedBug, IsCaughtWithAShortestCounterexample) {
    const Caught& c = GetParam();
    const ImplModel model(c.params, buggy_step(c.bug), true, c.refinement);
    const auto r = Explorer<ImplModel>(model, quiet(2)).bfs();
    ASSERT_TRUE(r.violation) << bug_name(c.bug);
    EXPECT_EQ(r.violation->property, c.property);
    EXPECT_EQ(r.violation->trace.size(), c.length);
    // The counterexample is a behaviour of the buggy cluster from its initial state.
    const auto& trace = r.violation->trace;
    std::string a, b;
    model.fingerprint(model.initial_states()[0], a);
    model.fingerprint(trace[0].second, b);
    EXPECT_EQ(a, b);
    if (c.refinement && std::string(c.property) == ImplModel::kRefinement) {
        const auto why = explain_refinement(trace[trace.size() - 2].second, *trace.back().first, c.params, buggy_step(c.bug));
        ASSERT_TRUE(why);
        EXPECT_NE(why->text().find(describe(*trace.back().first)), std::string::npos) << why->text();
    }
}

INSTANTIATE_TEST_SUITE_P(
    Explorer, PlantedBug,
    ::testing::Values(Caught{ImplBug::kForgetVoteOnRestart, bounds(2, 1, 2, 1, 1), false, "DurableState", 2},
                      Caught{ImplBug::kVoteWithoutUpToDateCheck, bounds(2, 1, 2, 1, 1), false, "LeaderCompleteness", 14},
                      Caught{ImplBug::kVoteWithoutUpToDateCheck, bounds(2, 1, 2, 1, 1), true, "Refinement", 12},
                      Caught{ImplBug::kCommitIndexGoesBack, bounds(2, 1, 2, 1, 1), true, "CommitMonotonic", 16},
                      Caught{ImplBug::kCountStaleVote, bounds(2, 1, 3, 0, 1), true, "Refinement", 6},
                      Caught{ImplBug::kTruncateOnStaleAppend, bounds(2, 1, 3, 0, 1), true, "Refinement", 9},
                      Caught{ImplBug::kCommitEarlierTermByCount, bounds(2, 1, 3, 0, 1), true, "Refinement", 16},
                      Caught{ImplBug::kBackupTrustsHint, bounds(3, 2, 2, 0, 2), true, "Refinement", 21},
                      // A leader compacts its uncommitted second entry along with the first.
                      Caught{ImplBug::kCompactUncommitted, bounds(2, 2, 2, 0, 2, 1), false, "SnapshotCommitted", 13},
                      Caught{ImplBug::kCompactUncommitted, bounds(2, 2, 2, 0, 2, 1), true, "Refinement", 13},
                      // A follower that committed 2 takes a late snapshot ending at 1 (AppliedMonotonic
                      // breaks on the same step: tests/impl_snapshot_test.cpp).
                      Caught{ImplBug::kInstallSnapshotRollsBackCommit, bounds(2, 2, 2, 0, 2, 1), false, "CommitMonotonic", 21},
                      Caught{ImplBug::kInstallSnapshotRollsBackCommit, bounds(2, 2, 2, 0, 2, 1), true, "CommitMonotonic", 21}),
    [](const ::testing::TestParamInfo<Caught>& info) {
        return std::string(bug_name(info.param.bug)) + (info.param.refinement ? "_Refinement" : "_Invariants");
    });

// CommitPastLastNewEntry cannot change anything here: raft::step's AppendEntries carries every
// entry from nextIndex to the leader's last, so leaderCommit <= last new entry in every
// message it sends, and min(leaderCommit, lastIndex) = min(leaderCommit, last new entry).
// An equivalent mutant: the test shows it behaves exactly as raft::step on every step taken.
TEST(ImplModel, CommitPastLastNewEntryIsAnEquivalentMutantHere) {
    const Params p = bounds(2, 2, 2, 0, 2);
    const ImplModel model(p, &raft::step, true, false);
    const StepFn mutant = buggy_step(ImplBug::kCommitPastLastNewEntry);
    std::size_t appends = 0;
    for (const ClusterState& s : reachable(model)) {
        for_each_event(s, p, [&](const Event& e) {
            if (e.kind != EventKind::kDeliver) return;
            const raft::Input input = input_of(s, e);
            if (!std::holds_alternative<raft::AppendEntries>(std::get<raft::Message>(input).body)) return;
            const raft::StepResult a = raft::step(s.nodes[e.node], input);
            const raft::StepResult b = mutant(s.nodes[e.node], input);
            EXPECT_EQ(a.state, b.state);
            EXPECT_EQ(a.outputs, b.outputs);
            ++appends;
        });
    }
    EXPECT_GT(appends, 10000u);
}

TEST(ImplModel, ValidateRejectsBadBounds) {
    Params p = small();
    EXPECT_TRUE(validate(p).empty());
    p.servers = 6;
    EXPECT_FALSE(validate(p).empty());
    p = small();
    p.max_log = kMaxLog + 1;
    EXPECT_FALSE(validate(p).empty());
    p = small();
    p.max_copies = p.max_msgs + 1;
    EXPECT_FALSE(validate(p).empty());
}

}  // namespace
}  // namespace checker::impl
