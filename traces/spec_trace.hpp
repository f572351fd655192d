#pragma once
// Behaviours of the bounded spec model (spec/actions.hpp) as trace events (traces/FORMAT.md):
// what a counterexample of the explorer looks like in the format every other trace has, so
// that `raftcheck validate` reads it. Each step shows its action, the acting node, the
// message received and the one sent, and the acting node's variables after it, log included.

#include <optional>
#include <utility>
#include <vector>

#include "spec/actions.hpp"
#include "traces/event.hpp"

namespace traces {

// The Init line of a behaviour of `p.servers` servers.
Event init_event(const spec::Params& p);
// The step `a` from `before` to `after`.
Event step_event(const spec::State& before, const spec::Action& a, const spec::State& after, const spec::Params& p);
// A spec message, named as traces name messages (servers 1-based, values "v1", "v2", ...).
Message trace_message(const spec::Message& m);

}  // namespace traces
