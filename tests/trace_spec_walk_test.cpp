// Behaviours of the bounded spec, written as traces (traces/spec_trace.hpp, what `explore
// --trace` writes), validate against the unbounded spec the validator uses: the two
// renderings of the raft model, and the event writer between them, agree step for step.
// Walks of a planted bug are rejected at the step that shows it.

#include <gtest/gtest.h>

#include <random>
#include <utility>
#include <vector>

#include "checker/spec_mutants.hpp"
#include "spec/actions.hpp"
#include "traces/ndjson.hpp"
#include "traces/spec_trace.hpp"
#include "traces/validator.hpp"

namespace {

struct Step {
    spec::Action action;
    spec::State after;
};

// A seeded random walk of `model` from its initial state, at most `length` steps. With
// `past_elections`, faults, restarts and timeouts are rare, so that walks commit entries.
template <class Model>
std::vector<Step> walk(const Model& model, std::uint64_t seed, std::size_t length, bool past_elections = false) {
    std::mt19937_64 rng(seed);
    std::vector<Step> steps;
    spec::State s = model.initial_states().front();
    for (std::size_t k = 0; k < length; ++k) {
        std::vector<Step> options;
        model.for_each_successor(s, [&](const spec::Action& a, spec::State& t) {
            if (!model.within_bounds(t)) return;
            using K = spec::ActionKind;
            const bool rare = a.kind == K::kRestart || a.kind == K::kTimeout || a.kind == K::kDuplicateMessage || a.kind == K::kDropMessage;
            for (int copies = past_elections && !rare ? 12 : 1; copies > 0; --copies) options.push_back({a, t});
        });
        if (options.empty()) break;
        Step pick = options[rng() % options.size()];
        s = pick.after;
        steps.push_back(std::move(pick));
    }
    return steps;
}

// Feeds the walk's events, each written as its NDJSON line and read back; returns the
// 1-based index of the first step the validator rejects, or 0.
std::size_t first_rejected(const spec::Params& p, const spec::State& init, const std::vector<Step>& steps,
                           std::uint32_t max_hidden_steps = 2) {
    traces::ValidatorOptions options;
    options.max_hidden_steps = max_hidden_steps;
    traces::Validator validator(options);
    EXPECT_TRUE(validator.feed(traces::parse_event(traces::format_event(traces::init_event(p)), "walk", 1)));
    spec::State before = init;
    for (std::size_t k = 0; k < steps.size(); ++k) {
        const traces::Event e = traces::step_event(before, steps[k].action, steps[k].after, p);
        if (!validator.feed(traces::parse_event(traces::format_event(e), "walk", k + 2))) return k + 1;
        before = steps[k].after;
    }
    EXPECT_EQ(validator.stats().hidden_steps, 0u);
    return 0;
}

TEST(SpecWalkTrace, WalksOfTheRaftModelValidate) {
    spec::Params p;
    p.variant = spec::Variant::kRaft;
    p.servers = 3;
    p.values = 2;
    p.max_term = 3;
    p.max_log = 3;
    p.max_copies = 2;
    p.max_msgs = 4;
    const checker::SpecModel model(p, false);
    std::size_t steps_checked = 0;
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        const std::vector<Step> steps = walk(model, seed, 60);
        ASSERT_EQ(first_rejected(p, model.initial_states().front(), steps), 0u) << "seed " << seed;
        steps_checked += steps.size();
    }
    EXPECT_GT(steps_checked, 10000u);  // the walks are not stuck at the start
}

// With snapshots: CompactLog, InstallSnapshot and its handlers written as events (the
// snapshot's data in full, snapshotIndex among the variables) validate the same way.
TEST(SpecWalkTrace, WalksWithSnapshotsValidate) {
    spec::Params p;
    p.variant = spec::Variant::kRaft;
    p.servers = 3;
    p.values = 2;
    p.max_term = 3;
    p.max_log = 3;
    p.max_copies = 2;
    p.max_msgs = 4;
    p.max_snapshots = 3;
    const checker::SpecModel model(p, false);
    std::size_t compacted = 0, installed = 0;
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        const std::vector<Step> steps = walk(model, seed, 80, true);
        ASSERT_EQ(first_rejected(p, model.initial_states().front(), steps), 0u) << "seed " << seed;
        for (const Step& s : steps) {
            compacted += s.action.kind == spec::ActionKind::kCompactLog;
            installed += s.action.kind == spec::ActionKind::kHandleInstallSnapshotRequest;
        }
    }
    EXPECT_GT(compacted, 20u);
    EXPECT_GT(installed, 5u);
}

TEST(SpecWalkTrace, AWalkOfAPlantedBugIsRejectedWhereTheBugActs) {
    // A vote forgotten on restart: walks that restart a node which had voted take that
    // step, and the validator, which knows only the spec, rejects each exactly there.
    spec::Params p;
    p.variant = spec::Variant::kRaft;
    p.servers = 3;
    p.max_term = 3;
    p.max_log = 2;
    const mutants::MutantModel buggy(p, mutants::Bug::kForgetVoteOnRestart, false);
    const checker::SpecModel clean(p, false);
    std::size_t rejected = 0;
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        const std::vector<Step> steps = walk(buggy, seed, 60);
        // Every step is shown, so none may be hidden: the rejection lands on the bad step.
        const std::size_t bad = first_rejected(p, buggy.initial_states().front(), steps, 0);
        if (bad == 0) continue;
        ++rejected;
        // The rejected step is one the correct spec cannot take from the same state.
        const spec::State& before = bad == 1 ? buggy.initial_states().front() : steps[bad - 2].after;
        bool clean_can = false;
        clean.for_each_successor(before, [&](const spec::Action&, spec::State& t) { clean_can |= t == steps[bad - 1].after; });
        EXPECT_FALSE(clean_can) << "seed " << seed << " step " << bad;
        EXPECT_EQ(steps[bad - 1].action.kind, spec::ActionKind::kRestart) << "seed " << seed;
    }
    EXPECT_GT(rejected, 30u);
}

}  // namespace
