#pragma once
// `raftcheck prove`: checks with Z3 that the safety properties of raft-abstract, together
// with the lemmas, form an inductive invariant Inv for the given bounds: Init => Inv, and for
// each action and each conjunct C of Inv, TypeOK /\ Inv /\ Action => C'. A check that fails
// yields a counterexample to induction (CTI): a state satisfying Inv, the action, and the
// successor that breaks C. The CTI is confirmed on the C++ model (spec/abstract.hpp) before it
// is reported, so a disagreement between the two renderings cannot pass silently.

#include <optional>
#include <string>
#include <vector>

#include "prove/encoding.hpp"

namespace prove {

// How each action's checks are posed: one solver per action with push/pop per conjunct, a
// fresh solver per (action, conjunct), or one query per action for all conjuncts at once
// (the conjunct broken is then read off the model).
enum class Mode { kIncremental, kFresh, kCombined };
const char* mode_name(Mode m);

struct ProveOptions {
    sa::Params params;
    Scalars scalars = Scalars::kBitVector;  // the fastest measured
    Mode mode = Mode::kIncremental;
    std::optional<abstract_mutants::Bug> bug;
    std::vector<std::string> dropped;  // lemmas left out of Inv
    // Check only the action instances of s1 (and s2): enough, by symmetry (see Encoding::next).
    bool symmetry = true;
    unsigned seed = 0;                 // Z3's random seeds
};

struct Check {
    std::string action;    // "Init" or an action's name
    std::string conjunct;  // empty in combined mode: all conjuncts
    bool holds = true;
    double seconds = 0;
};

struct Cti {
    std::string conjunct;  // broken in `after`
    sa::State before;
    sa::Action action;
    sa::State after;
    // Empty when the C++ model agrees: `action` is enabled in `before`, leads to `after`,
    // and the C++ predicate of `conjunct` fails there. Otherwise what differs.
    std::string disagreement;
};

struct ProveReport {
    std::vector<Check> checks;
    std::vector<Cti> ctis;  // one per failed check, in check order
    std::vector<std::pair<std::string, double>> action_seconds;  // Init first, then each action
    double total_seconds = 0;
    bool inductive() const { return ctis.empty(); }
};

// Throws std::invalid_argument for a dropped name that is not a lemma.
ProveReport prove(const ProveOptions& options);

// The lemmas' and safety properties' names and meanings, in check order (TypeOK first).
std::vector<Conjunct> conjuncts(const sa::Params& params);

}  // namespace prove
