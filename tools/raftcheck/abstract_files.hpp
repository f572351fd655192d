#pragma once
// Files of the raft-abstract model. A state file (JSON) holds one state with the bounds it
// lives in: `raftcheck prove` writes a counterexample to induction as one, and `raftcheck
// explore --model raft-abstract --from FILE` explores from it. A trace file is the NDJSON of
// counterexample.hpp (a header line, then one line per step with the action and the state
// as `describe` prints them), written by `explore --trace` and `bmc --trace`, and
// re-executed by `raftcheck replay`.

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "spec/abstract.hpp"

namespace raftcheck {

inline constexpr const char* kAbstractModelName = "raft-abstract";

struct AbstractStateFile {
    spec::abstract::Params params;
    spec::abstract::State state;
    std::string note;  // what the state is, e.g. "counterexample to induction of X by Y"
};

nlohmann::json abstract_state_json(const AbstractStateFile& f);
// Throws std::runtime_error naming what is wrong (a missing field, a value out of bounds, a
// state outside the model's domains).
AbstractStateFile read_abstract_state_file(const std::string& path);
void write_abstract_state_file(const std::string& path, const AbstractStateFile& f);

using AbstractTrace = std::vector<std::pair<std::optional<spec::abstract::Action>, spec::abstract::State>>;

void write_abstract_trace(std::ostream& out, const spec::abstract::Params& p, const std::string& plant_bug,
                          const std::string& violation, const AbstractTrace& trace);

// `raftcheck replay` for a file whose header names raft-abstract. Exit code as replay's.
int replay_abstract(const std::string& path);

}  // namespace raftcheck
