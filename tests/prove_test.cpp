// raftcheck prove and bmc on raft-abstract: the correct model is proved inductive; each
// planted bug yields a counterexample to induction that the C++ model confirms; dropping a
// needed lemma does too; BMC finds each planted bug at the length of the explorer's shortest
// counterexample; k-induction proves what it can and says when it cannot.

#include <gtest/gtest.h>

#include "checker/abstract_model.hpp"
#include "checker/explorer.hpp"
#include "prove/bmc.hpp"
#include "prove/prover.hpp"

namespace {

namespace sa = spec::abstract;
using abstract_mutants::Bug;

prove::ProveOptions options(sa::Params p) {
    prove::ProveOptions o;
    o.params = p;
    return o;
}

TEST(Prove, CorrectModelIsInductiveForThreeServers) {
    const prove::ProveReport r = prove::prove(options({3, 3, 3}));
    EXPECT_TRUE(r.inductive());
    const std::size_t conjuncts = 1 + sa::safety_properties().size() + sa::lemmas().size();
    EXPECT_EQ(r.checks.size(), (1 + sa::kActionKinds) * conjuncts);  // Init and each action, per conjunct
    for (const prove::Check& c : r.checks) EXPECT_TRUE(c.holds) << c.action << " " << c.conjunct;
}

TEST(Prove, EveryEncodingAndModeAgrees) {
    struct Variant {
        prove::Scalars scalars;
        prove::Mode mode;
        bool symmetry;
    };
    const Variant variants[] = {{prove::Scalars::kInt, prove::Mode::kFresh, true},
                                {prove::Scalars::kInt, prove::Mode::kCombined, true},
                                {prove::Scalars::kBitVector, prove::Mode::kIncremental, true},
                                {prove::Scalars::kEnum, prove::Mode::kIncremental, true},
                                {prove::Scalars::kBitVector, prove::Mode::kIncremental, false}};
    for (const auto& [sc, m, symmetry] : variants) {
        prove::ProveOptions o = options({3, 2, 1});
        o.scalars = sc;
        o.mode = m;
        o.symmetry = symmetry;
        EXPECT_TRUE(prove::prove(o).inductive()) << prove::scalars_name(sc) << " " << prove::mode_name(m);
        o.bug = Bug::kVoteWithoutLogCheck;
        const prove::ProveReport bad = prove::prove(o);
        ASSERT_FALSE(bad.inductive()) << prove::scalars_name(sc) << " " << prove::mode_name(m);
        EXPECT_EQ(bad.ctis.front().disagreement, "");
    }
}

TEST(Prove, EachPlantedBugYieldsAConfirmedCti) {
    const std::pair<Bug, sa::ActionKind> cases[] = {
        {Bug::kVoteWithoutQuorum, sa::ActionKind::kBecomeLeader},
        {Bug::kVoteWithoutLogCheck, sa::ActionKind::kBecomeLeader},
        {Bug::kCommitWithoutCurrentTermQuorum, sa::ActionKind::kCommitEntry},
    };
    for (const auto& [bug, kind] : cases) {
        prove::ProveOptions o = options({3, 2, 2});
        o.bug = bug;
        const prove::ProveReport r = prove::prove(o);
        ASSERT_FALSE(r.inductive()) << abstract_mutants::bug_name(bug);
        for (const prove::Cti& c : r.ctis) {
            // Confirmed on the C++ model: Inv holds before, the action leads to `after`, the
            // named conjunct fails there.
            EXPECT_EQ(c.disagreement, "") << abstract_mutants::bug_name(bug);
            EXPECT_EQ(c.action.kind, kind) << abstract_mutants::bug_name(bug);
        }
        // Only the buggy action breaks Inv.
        for (const prove::Check& c : r.checks) {
            if (c.action != sa::action_name(kind)) {
                EXPECT_TRUE(c.holds) << c.action << " " << c.conjunct;
            }
        }
    }
}

TEST(Prove, SameQuestionSameCti) {
    prove::ProveOptions o = options({3, 2, 2});
    o.bug = Bug::kCommitWithoutCurrentTermQuorum;
    const prove::ProveReport a = prove::prove(o), b = prove::prove(o);
    ASSERT_FALSE(a.inductive());
    ASSERT_EQ(a.ctis.size(), b.ctis.size());
    EXPECT_EQ(a.ctis.front().before, b.ctis.front().before);
    EXPECT_EQ(a.ctis.front().action, b.ctis.front().action);
    EXPECT_EQ(a.ctis.front().conjunct, b.ctis.front().conjunct);
}

TEST(Prove, DroppingANeededLemmaYieldsACti) {
    for (const char* lemma : {"EntryImpliesElection", "PrimaryHasQuorumAtItsTerm", "NewerLogsHaveCommitted"}) {
        prove::ProveOptions o = options({3, 3, 2});  // with 2 terms, BecomeLeader needs no NewerLogsHaveCommitted
        o.dropped = {lemma};
        const prove::ProveReport r = prove::prove(o);
        ASSERT_FALSE(r.inductive()) << lemma;
        EXPECT_EQ(r.ctis.front().disagreement, "") << lemma;
        for (const prove::Check& c : r.checks) EXPECT_NE(c.conjunct, lemma);  // gone from hypothesis and goals
    }
    prove::ProveOptions o = options({3, 2, 2});
    o.dropped = {"ElectionSafety"};  // a safety property is not a lemma
    EXPECT_THROW(prove::prove(o), std::invalid_argument);
}

struct BugCase {
    Bug bug;
    sa::Params params;
};

TEST(Bmc, FindsEachPlantedBugAtTheExplorersShortestLength) {
    const BugCase cases[] = {
        {Bug::kVoteWithoutQuorum, {3, 2, 1}},
        {Bug::kVoteWithoutLogCheck, {3, 3, 2}},
        {Bug::kCommitWithoutCurrentTermQuorum, {3, 4, 2}},
    };
    for (const BugCase& c : cases) {
        checker::AbstractModel model(c.params, c.bug);
        model.check_lemmas(false);
        checker::ExploreOptions eo;
        eo.progress_seconds = 0;
        const auto explored = checker::Explorer<checker::AbstractModel>(model, eo).bfs();
        ASSERT_TRUE(explored.violation.has_value());

        prove::BmcOptions o;
        o.params = c.params;
        o.bug = c.bug;
        o.max_steps = 8;
        const prove::BmcResult r = prove::bmc(o);
        ASSERT_TRUE(r.trace.has_value()) << abstract_mutants::bug_name(c.bug);
        EXPECT_EQ(r.trace->size(), explored.violation->trace.size()) << abstract_mutants::bug_name(c.bug);
        EXPECT_EQ(r.steps_checked, r.trace->size() - 1);  // every shorter depth was clean
        EXPECT_EQ(r.disagreement, "") << abstract_mutants::bug_name(c.bug);
        // Both name a violated safety property of the last state.
        EXPECT_NE(model.violated_invariant(r.trace->back().second), nullptr);
    }
}

TEST(Bmc, CorrectModelHasNoShortViolation) {
    prove::BmcOptions o;
    o.params = {3, 2, 2};
    o.max_steps = 5;
    const prove::BmcResult r = prove::bmc(o);
    EXPECT_FALSE(r.trace.has_value());
    EXPECT_EQ(r.steps_checked, 6u);
}

TEST(Bmc, KInductionProvesWhatItCanAndSaysWhenItCannot) {
    prove::BmcOptions o;
    o.params = {2, 1, 1};
    o.property = "LeaderCompleteness";
    o.induction = true;
    o.max_steps = 10;
    const prove::BmcResult r = prove::bmc(o);
    EXPECT_FALSE(r.trace.has_value());
    ASSERT_TRUE(r.induction_k.has_value());
    EXPECT_EQ(*r.induction_k, 10u);  // not k-inductive for k < 10: only long simple paths rule the CTIs out

    o.params = {3, 2, 2};
    o.property = "ElectionSafety";
    o.max_steps = 3;
    const prove::BmcResult weak = prove::bmc(o);
    EXPECT_FALSE(weak.trace.has_value());
    EXPECT_FALSE(weak.induction_k.has_value());  // alone, ElectionSafety needs lemmas (prove) or depth

    o.property = "";
    EXPECT_THROW(prove::bmc(o), std::invalid_argument);  // k-induction checks one named property
}

}  // namespace
