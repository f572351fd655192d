// raft-abstract under the explicit explorer: the model is safe and every lemma of the
// inductive invariant holds on every reachable state (pinned counts); each planted bug is
// caught, with the length of its shortest counterexample pinned.

#include <gtest/gtest.h>

#include "checker/abstract_model.hpp"
#include "checker/explorer.hpp"

namespace {

namespace sa = spec::abstract;
using abstract_mutants::Bug;

checker::Result<checker::AbstractModel> explore(const checker::AbstractModel& model) {
    checker::ExploreOptions options;
    options.progress_seconds = 0;
    return checker::Explorer<checker::AbstractModel>(model, options).bfs();
}

TEST(AbstractModel, SafeAndEveryLemmaHoldsOnReachableStates) {
    const checker::AbstractModel model(sa::Params{3, 3, 3});
    const auto r = explore(model);
    EXPECT_FALSE(r.violation.has_value()) << r.violation->property;
    EXPECT_EQ(r.stats.distinct, 167176u);
    EXPECT_EQ(r.stats.depth, 22u);
    EXPECT_EQ(r.stats.sometimes_reached, 7u);  // a Primary, a commit, logs that disagree
}

TEST(AbstractModel, EveryStateIsWellFormed) {
    const sa::Params p{3, 2, 2};
    const checker::AbstractModel model(p);
    std::vector<sa::State> todo = model.initial_states();
    std::size_t checked = 0;
    while (!todo.empty() && checked < 20000) {
        const sa::State s = todo.back();
        todo.pop_back();
        ASSERT_TRUE(sa::well_formed(s, p)) << sa::describe(s, p);
        ++checked;
        if (checked < 2000) model.for_each_successor(s, [&](const sa::Action&, sa::State& t) { todo.push_back(t); });
    }
    EXPECT_GT(checked, 1000u);
}

TEST(AbstractModel, EncodingRoundTrips) {
    const sa::Params p{5, 7, 6};
    sa::State s;
    s.term = {1, 7, 3, 0, 2};
    s.leader = {false, true, false, false, true};
    s.len = {0, 6, 2, 0, 1};
    s.log[1] = {1, 1, 2, 3, 7, 7};
    s.log[2] = {1, 3, 0, 0, 0, 0};
    s.log[4] = {2, 0, 0, 0, 0, 0};
    s.committed = {2, 0, 0, 0, 0, 128};
    std::string bytes;
    sa::encode(s, p, bytes);
    EXPECT_EQ(sa::decode(bytes, p), s);
}

struct BugCase {
    Bug bug;
    sa::Params params;
    const char* property;
    std::size_t length;
};

TEST(AbstractModel, ExplorerCatchesEveryPlantedBug) {
    const BugCase cases[] = {
        {Bug::kVoteWithoutQuorum, {3, 2, 1}, "ElectionSafety", 3},
        {Bug::kVoteWithoutLogCheck, {3, 3, 2}, "LeaderCompleteness", 6},
        {Bug::kCommitWithoutCurrentTermQuorum, {3, 4, 2}, "LeaderCompleteness", 6},
    };
    for (const BugCase& c : cases) {
        checker::AbstractModel model(c.params, c.bug);
        model.check_lemmas(false);
        const auto r = explore(model);
        ASSERT_TRUE(r.violation.has_value()) << abstract_mutants::bug_name(c.bug);
        EXPECT_EQ(r.violation->property, c.property) << abstract_mutants::bug_name(c.bug);
        EXPECT_EQ(r.violation->trace.size(), c.length) << abstract_mutants::bug_name(c.bug);
    }
}

}  // namespace
