#pragma once
// Refinement of the implementation cluster to the project's spec (the `raft` model, in its
// unbounded rendering spec/unbounded.hpp): every cluster transition must be a sequence of
// enabled spec actions, or a stutter, that leads from the abstraction of the state before
// to the abstraction of the state after.
//
// The abstraction maps each node's term, role, vote, log, commitIndex, the votes a candidate
// holds and a leader's nextIndex / matchIndex to the spec's variables, and the messages in
// flight to the spec's bag. The spec's votesResponded, and the nextIndex / matchIndex it
// keeps on non-leaders, have no counterpart in raft/: they are abstracted away (set to what
// the spec would reset them to, and not compared).
//
// Which spec actions a step stands for is what the trace recorder says
// (traces/recorder.hpp: a timeout is Timeout, RequestVote to itself, its own vote, then one
// RequestVote per peer...), so the recorder, the validator's spec and the implementation are
// checked against each other on every transition the explorer generates.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/impl_events.hpp"
#include "spec/unbounded.hpp"

namespace checker::impl {

struct RefinementFailure {
    std::string impl_step;                  // the cluster event
    std::vector<std::string> spec_actions;  // the spec actions it maps to, each with its verdict
    std::string reason;
    // Variable, what the spec's step leads to, what the implementation did.
    struct Difference {
        std::string variable;
        std::string spec;
        std::string impl;
    };
    std::vector<Difference> differences;
    std::string text() const;
};

spec::unbounded::State abstraction(const ClusterState& s, const Params& p);

// Checks the transitions out of one cluster state (the abstraction of `before` is built
// once, when first needed, and changed in place, with undo, for each transition).
class RefinementCheck {
public:
    // `step` is the node step function the cluster runs (it keys refines()'s memo).
    RefinementCheck(const ClusterState& before, const Params& p, StepFn step = &raft::step);
    ~RefinementCheck();
    RefinementCheck(const RefinementCheck&) = delete;
    RefinementCheck& operator=(const RefinementCheck&) = delete;

    // Nothing when before -e-> after (with the step's outputs) refines the spec.
    std::optional<RefinementFailure> check(const Event& e, const raft::Outputs& out, const ClusterState& after);

    // check(), answered from a per-thread memo when the same node state already took the same
    // input. Sound because the verdict is a function of those two: the step function is
    // deterministic, and the spec actions one node's step maps to read and write only that
    // server and the step's own messages (the received one is in flight by construction).
    bool refines(const Event& e, const raft::Outputs& out, const ClusterState& after);

private:
    struct Impl;
    Impl& impl();

    const ClusterState& before_;
    Params params_;
    StepFn step_;
    std::unique_ptr<Impl> impl_;
};

// Re-executes one transition and explains why it does not refine (nothing if it does).
std::optional<RefinementFailure> explain_refinement(const ClusterState& before, const Event& e, const Params& p, StepFn step);

}  // namespace checker::impl
