#pragma once
// Counterexample files of the implementation cluster model: the same NDJSON shape as the
// spec models' (a header, then one line per step with the event and the whole cluster state
// as `describe` prints it), with the impl model's bounds in the header. `raftcheck replay`
// re-executes them: every step must be an enabled event leading to exactly the recorded
// state.

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "checker/explorer.hpp"
#include "checker/impl_model.hpp"

namespace raftcheck {

void write_impl_counterexample(std::ostream& out, const checker::impl::Params& p, const std::string& plant_bug,
                               const checker::ImplModel& model, const checker::Violation<checker::ImplModel>& v);

// The same, for a behaviour given as its states (a property test's schedule, say).
void write_impl_behaviour(std::ostream& out, const checker::impl::Params& p, const std::string& plant_bug, bool refinement,
                          const std::string& violation, const checker::ImplModel& model,
                          const std::vector<std::pair<std::optional<checker::impl::Event>, checker::impl::ClusterState>>& steps);

// Whether a counterexample file's first line is an impl model header.
bool is_impl_header(const std::string& first_line);
// Replays the rest of the file; exit code as `raftcheck replay` documents it.
int replay_impl(const std::string& first_line, std::istream& rest, const std::string& path);

}  // namespace raftcheck
