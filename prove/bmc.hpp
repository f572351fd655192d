#pragma once
// `raftcheck bmc`: bounded model checking of raft-abstract with Z3. Next is unrolled k steps
// from Init, k = 0, 1, 2, ..., and Z3 is asked for a state at step k that breaks a safety
// property: the first k that answers is the length of the shortest counterexample. With
// induction on, a property given alone is also tried by k-induction: no path of k+1 distinct
// states (the simple-path constraint) keeps it k times and breaks it at the end.
//
// Deep unrolling is expensive (the cost grows several-fold per step); reachability at depth
// is the explicit explorer's job, and this is its cross-check at small depth.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "prove/encoding.hpp"

namespace prove {

struct BmcOptions {
    sa::Params params;
    Scalars scalars = Scalars::kBitVector;  // the fastest measured
    std::optional<abstract_mutants::Bug> bug;
    std::size_t max_steps = 8;
    std::string property;    // one safety property by name; empty: all four
    bool induction = false;  // also try k-induction at each k (needs `property`)
    unsigned seed = 0;
};

struct BmcResult {
    // A violation: the behaviour, from Init, of `steps` steps, and the property its last
    // state breaks.
    std::optional<std::vector<std::pair<std::optional<sa::Action>, sa::State>>> trace;
    std::string property;
    std::size_t steps_checked = 0;  // depths 0..steps_checked-1 are free of violations
    std::optional<std::size_t> induction_k;  // the property is k-inductive for this k
    std::vector<double> seconds_per_depth;
    double total_seconds = 0;
    // Empty when the C++ model replays the trace and agrees on the violation.
    std::string disagreement;
};

// Throws std::invalid_argument for an unknown property, or induction without one.
BmcResult bmc(const BmcOptions& options);

}  // namespace prove
