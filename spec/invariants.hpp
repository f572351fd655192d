#pragma once
// The safety properties of Raft as named predicates over spec states (and, for
// LeaderAppendOnly, over steps), each with a "sometimes" companion: a property of some
// reachable state that shows the explorer got to the states the invariant is about.

#include <string>
#include <vector>

#include "spec/state.hpp"

namespace spec {

struct Invariant {
    const char* name;
    const char* meaning;
    bool (*holds)(const State& s, const Params& p);
};

struct StepProperty {
    const char* name;
    const char* meaning;
    bool (*holds)(const State& before, const State& after, const Params& p);
};

struct Sometimes {
    const char* name;
    const char* meaning;
    bool (*reached)(const State& s, const Params& p);
};

const std::vector<Invariant>& invariants();
const std::vector<StepProperty>& step_properties();
const std::vector<Sometimes>& sometimes();

}  // namespace spec
