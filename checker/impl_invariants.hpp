#pragma once
// The safety properties of the implementation cluster, as named predicates over cluster
// states (and over steps, for what is about change), each with a "sometimes" companion: a
// state the explorer must reach for the invariant to have been put to the test at all.

#include <vector>

#include "checker/impl_state.hpp"

namespace checker::impl {

struct Invariant {
    const char* name;
    const char* meaning;
    bool (*holds)(const ClusterState& s, const Params& p);
};

struct StepProperty {
    const char* name;
    const char* meaning;
    bool (*holds)(const ClusterState& before, const ClusterState& after, const Params& p);
};

struct Sometimes {
    const char* name;
    const char* meaning;
    bool (*reached)(const ClusterState& s, const Params& p);
};

const std::vector<Invariant>& invariants();
const std::vector<StepProperty>& step_properties();
const std::vector<Sometimes>& sometimes();

}  // namespace checker::impl
