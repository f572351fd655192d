#pragma once
// Counterexample files: NDJSON, a header line naming the model and its bounds, then one line
// per step (the action and the whole state, as `describe` prints them). `raftcheck replay`
// re-executes such a file against the model.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "checker/explorer.hpp"
#include "spec/params.hpp"

namespace raftcheck {

struct TraceHeader {
    std::string model;
    spec::Params params;
    std::string plant_bug;  // empty: the specification itself
    std::string violation;  // the property the last state breaks, if any
};

inline nlohmann::json header_json(const TraceHeader& h) {
    return {{"raftcheck_trace", 1},       {"model", h.model},
            {"servers", h.params.servers}, {"values", h.params.values},
            {"max_term", h.params.max_term}, {"max_log", h.params.max_log},
            {"max_copies", h.params.max_copies}, {"max_msgs", h.params.max_msgs},
            {"plant_bug", h.plant_bug},   {"violation", h.violation}};
}

template <class Model>
void write_counterexample(std::ostream& out, const TraceHeader& h, const Model& model, const checker::Violation<Model>& v) {
    out << header_json(h).dump() << "\n";
    for (std::size_t k = 0; k < v.trace.size(); ++k) {
        const auto& [label, state] = v.trace[k];
        const nlohmann::json step = {{"step", k + 1},
                                     {"action", label ? model.describe_label(*label) : "Init"},
                                     {"state", model.describe_state(state)}};
        out << step.dump() << "\n";
    }
}

}  // namespace raftcheck
