#pragma once
// Refinement of the message-passing spec (raft-tla, raft) to raft-abstract: a spec step
// (s, action, s') refines when map(s') == map(s) (a stutter) or some abstract action instance
// takes map(s) to map(s') (spec/abstract_mapping.hpp says what map is). raft-abstract is
// proven safe by `raftcheck prove`, so every behaviour the explorer shows to refine it is
// safe for the same reasons, at any depth of the abstract argument.

#include <optional>
#include <string>
#include <vector>

#include "spec/abstract.hpp"
#include "spec/abstract_mapping.hpp"
#include "spec/actions.hpp"

namespace checker {

// The property name a failure is reported under.
inline constexpr const char* kRefinesAbstract = "RefinesAbstract";

// Which abstract action instance, if any, takes one abstract state to another.
class AbstractStepFinder {
public:
    explicit AbstractStepFinder(const spec::abstract::Params& p);
    // The first instance that does, or nothing. A stutter (a == b) needs no action:
    // refines() accepts it.
    std::optional<spec::abstract::Action> find(const spec::abstract::State& a, const spec::abstract::State& b) const;
    bool refines(const spec::abstract::State& a, const spec::abstract::State& b) const { return a == b || find(a, b).has_value(); }
    const spec::abstract::Params& params() const { return params_; }

private:
    spec::abstract::Params params_;
    std::vector<spec::abstract::Action> actions_;
};

// The spec state together with the mapping's history (what the checker explores when it
// checks refinement).
struct RefinedState {
    spec::State spec;
    spec::CommittedHistory committed{};
    bool operator==(const RefinedState&) const = default;
};

// Why map(init) is not raft-abstract's Init, or "".
std::string init_mismatch(const RefinedState& init, const spec::Params& p);

// What one step maps to, for a report: the spec step, both abstract states, and the abstract
// action it is (or that none is).
std::string explain_step(const RefinedState& before, const spec::Action& action, const RefinedState& after, const spec::Params& p);

}  // namespace checker
