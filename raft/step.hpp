#pragma once
// The Raft server as a pure function: the only way a node changes.
//
//   auto [next, outputs] = raft::step(std::move(state), input);
//
// Same state and input, same result: no clocks, threads, randomness or I/O inside. The state
// is taken by value so that callers who keep the old state pay one copy, and callers who do
// not (simulators, runtimes) move it in and pay nothing; either way the caller's view is a
// pure function. Outputs follow the ordering contract in raft/io.hpp.

#include "raft/io.hpp"
#include "raft/node_state.hpp"

namespace raft {

struct StepResult {
    NodeState state;
    Outputs outputs;
};

StepResult step(NodeState state, const Input& input);

}  // namespace raft
