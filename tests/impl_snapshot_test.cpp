// Snapshots in the implementation cluster model (`explore --model impl --max-snapshots S`):
// CompactLog events, InstallSnapshot on the wire, the encoding of full logs, the refinement of
// snapshot steps to the spec's snapshot actions. Counts are pinned; without snapshots they are
// those of tests/impl_model_test.cpp, unchanged. The planted snapshot bugs are caught there.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "checker/explorer.hpp"
#include "checker/impl_model.hpp"
#include "checker/impl_mutants.hpp"
#include "tests/impl_test_support.hpp"

namespace checker::impl {
namespace {

// Under the sanitizers every step costs some thirty times more: the agreement of BFS, DFS and
// two threads is checked in the plain build only.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

// The small bounds of impl_model_test.cpp, with one compaction.
Params with_snapshot(std::uint32_t crashes = 0) {
    Params p;
    p.servers = 3;
    p.max_term = 2;
    p.max_log = 1;
    p.max_msgs = 2;
    p.max_copies = 1;
    p.max_crashes = crashes;
    p.max_proposals = 1;
    p.max_snapshots = 1;
    return p;
}

const std::vector<ClusterState>& snapshot_states() {
    static const std::vector<ClusterState> states = reachable(ImplModel(with_snapshot(), &raft::step, false, false));
    return states;
}

bool any_snapshot(const ClusterState& s) {
    for (const raft::NodeState& n : s.nodes) {
        if (n.snapshot.last_included_index.value > 0) return true;
    }
    return false;
}

TEST(ImplSnapshots, EncodingRoundTripsOnEveryReachableStateWithSnapshots) {
    const Params p = with_snapshot();
    const std::vector<ClusterState>& states = snapshot_states();
    ASSERT_EQ(states.size(), 107832u);
    std::size_t with_snapshots = 0, stored_snapshots = 0;
    std::string a, b;
    for (const ClusterState& s : states) {
        encode(s, p, identity_perm(), a);
        const ClusterState d = decode(a, p);
        EXPECT_EQ(d.nodes, s.nodes);
        EXPECT_EQ(d.storage, s.storage);
        EXPECT_TRUE(d.network == s.network);
        EXPECT_EQ(d.snapshots, s.snapshots);
        encode(d, p, identity_perm(), b);
        ASSERT_EQ(a, b);
        with_snapshots += any_snapshot(s);
        for (std::uint32_t i = 0; i < p.servers; ++i) stored_snapshots += s.stored(i).snapshot.last_included_index.value > 0;
    }
    EXPECT_GT(with_snapshots, 1000u);
    EXPECT_GT(stored_snapshots, 1000u);
}

TEST(ImplSnapshots, InstallSnapshotMessagesRoundTripOnTheWire) {
    std::size_t requests = 0, replies = 0;
    for (const ClusterState& s : snapshot_states()) {
        for (const WireMsg& w : s.network) {
            const raft::Message m = from_wire(w);
            EXPECT_TRUE(to_wire(m) == w);
            if (const auto* is = std::get_if<raft::InstallSnapshot>(&m.body)) {
                EXPECT_EQ(is->data.size(), 2 * is->last_included_index.value) << "the data is the compacted entries";
                ++requests;
            }
            replies += std::holds_alternative<raft::InstallSnapshotReply>(m.body);
        }
    }
    EXPECT_GT(requests, 100u);
    EXPECT_GT(replies, 100u);
}

// A snapshot's data is the node's full log up to its index, which is how the invariants and
// the refinement's abstraction see a compacted log whole.
TEST(ImplSnapshots, SnapshotDataIsTheCompactedEntries) {
    for (const ClusterState& s : snapshot_states()) {
        for (const raft::NodeState& n : s.nodes) {
            const raft::LogIndex snap = n.snapshot.last_included_index;
            if (snap.value == 0) continue;
            EXPECT_EQ(snapshot_data(n, snap), n.snapshot.data);
            EXPECT_EQ(entry_key(n, snap.value).term, n.snapshot.last_included_term.value);
        }
    }
}

TEST(ImplSnapshots, PinnedCountsAgreeAcrossBfsDfsAndThreads) {
    const ImplModel model(with_snapshot(), &raft::step, false, false);
    const auto bfs = Explorer<ImplModel>(model, quiet()).bfs();
    EXPECT_FALSE(bfs.violation);
    EXPECT_EQ(bfs.stats.distinct, 107832u);
    EXPECT_EQ(bfs.stats.generated, 647164u);
    EXPECT_EQ(snapshot_states().size(), bfs.stats.distinct);
    if (kSanitized) return;
    const auto two = Explorer<ImplModel>(model, quiet(2)).bfs();
    EXPECT_EQ(two.stats.distinct, bfs.stats.distinct);
    EXPECT_EQ(two.stats.generated, bfs.stats.generated);
    const auto dfs = Explorer<ImplModel>(model, quiet()).dfs();
    EXPECT_FALSE(dfs.violation);
    EXPECT_EQ(dfs.stats.distinct, bfs.stats.distinct);
}

// raft::step with snapshots refines the spec with snapshots, crashes included (a restart from a
// snapshot, InstallSnapshot to a follower that lost the entries, both answers): every
// companion is reached.
TEST(ImplSnapshots, RaftStepRefinesTheSpecWithSnapshotsAndCrashes) {
    const ImplModel model(with_snapshot(1), &raft::step, true, true);
    const auto r = Explorer<ImplModel>(model, quiet(2)).bfs();
    EXPECT_FALSE(r.violation) << r.violation->property;
    EXPECT_EQ(r.stats.distinct, 106468u);
    EXPECT_EQ(r.stats.sometimes_reached, (std::uint64_t{1} << sometimes().size()) - 1) << "every companion reached";
}

// Without --max-snapshots no CompactLog event exists, and the encoding has no room for one:
// the state counts of every earlier run stay what they were.
TEST(ImplSnapshots, NoCompactionWithoutMaxSnapshots) {
    Params p = with_snapshot();
    p.max_snapshots = 0;
    const ImplModel model(p, &raft::step, false, false);
    for (const ClusterState& s : reachable(model)) {
        EXPECT_FALSE(any_snapshot(s));
        for_each_event(s, p, [](const Event& e) { EXPECT_NE(e.kind, EventKind::kCompactLog); });
    }
}

// Each planted snapshot bug acts only on snapshot steps: without compactions it is raft::step.
TEST(ImplSnapshots, SnapshotBugsNeedSnapshots) {
    for (const ImplBug bug : kAllImplBugs) {
        if (!needs_snapshots(bug)) continue;
        Params p = with_snapshot();
        p.max_snapshots = 0;
        const auto r = Explorer<ImplModel>(ImplModel(p, buggy_step(bug), true, true), quiet(2)).bfs();
        EXPECT_FALSE(r.violation) << bug_name(bug);
    }
}

const StepProperty& step_property(const std::string& name) {
    for (const StepProperty& p : step_properties()) {
        if (name == p.name) return p;
    }
    throw std::invalid_argument(name);
}

const Invariant& invariant(const std::string& name) {
    for (const Invariant& i : invariants()) {
        if (name == i.name) return i;
    }
    throw std::invalid_argument(name);
}

// Each new property catches its planted bug: the last step of the shortest counterexample
// breaks it, and it holds on every state and step of raft::step's runs above.
TEST(ImplSnapshots, EachSnapshotPropertyCatchesItsPlantedBug) {
    Params p = with_snapshot();
    p.max_log = 2;
    p.max_proposals = 2;
    struct Case {
        ImplBug bug;
        const char* property;
        bool is_step_property;
    };
    for (const Case& c : {Case{ImplBug::kCompactUncommitted, "SnapshotCommitted", false},
                          Case{ImplBug::kInstallSnapshotRollsBackCommit, "AppliedMonotonic", true}}) {
        const ImplModel model(p, buggy_step(c.bug), true, false);
        const auto r = Explorer<ImplModel>(model, quiet(2)).bfs();
        ASSERT_TRUE(r.violation) << bug_name(c.bug);
        const auto& trace = r.violation->trace;
        ASSERT_GE(trace.size(), 2u);
        const ClusterState& before = trace[trace.size() - 2].second;
        const ClusterState& after = trace.back().second;
        const bool holds = c.is_step_property ? step_property(c.property).holds(before, after, p) : invariant(c.property).holds(after, p);
        EXPECT_FALSE(holds) << bug_name(c.bug) << " breaks " << c.property << " at " << describe(*trace.back().first);
        EXPECT_TRUE(c.is_step_property || invariant(c.property).holds(before, p));
    }
}

TEST(ImplSnapshots, ValidateBoundsTheCompactions) {
    Params p = with_snapshot();
    EXPECT_TRUE(validate(p).empty());
    p.max_snapshots = 16;
    EXPECT_FALSE(validate(p).empty());
}

}  // namespace
}  // namespace checker::impl
