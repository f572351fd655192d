#pragma once
// Counterexample files are traces (traces/FORMAT.md): an Init line that also carries the
// model, its bounds and the planted bug, then one event per step, so `raftcheck validate`
// reads them like any recorded run. Each line also carries the spec's own view, ignored by
// the trace reader: the action instance (`spec_action`) and the whole state (`spec_state`),
// as `describe` prints them; `raftcheck replay` re-executes the file against the model with
// those.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "checker/explorer.hpp"
#include "spec/params.hpp"
#include "traces/ndjson.hpp"
#include "traces/spec_trace.hpp"

namespace raftcheck {

struct TraceHeader {
    std::string model;
    spec::Params params;
    std::string plant_bug;  // empty: the specification itself
    std::string violation;  // the property the last state breaks, if any
};

inline nlohmann::json header_json(const TraceHeader& h) {
    nlohmann::json j = {{"raftcheck_trace", 1},       {"model", h.model},
            {"servers", h.params.servers}, {"values", h.params.values},
            {"max_term", h.params.max_term}, {"max_log", h.params.max_log},
            {"max_copies", h.params.max_copies}, {"max_msgs", h.params.max_msgs},
            {"plant_bug", h.plant_bug},   {"violation", h.violation}};
    if (h.params.max_snapshots > 0) j["max_snapshots"] = h.params.max_snapshots;  // absent: 0, as before snapshots
    return j;
}

template <class Model>
void write_counterexample(std::ostream& out, const TraceHeader& h, const Model& model, const checker::Violation<Model>& v) {
    for (std::size_t k = 0; k < v.trace.size(); ++k) {
        const auto& [label, state] = v.trace[k];
        const traces::Event e = label ? traces::step_event(v.trace[k - 1].second, *label, state, h.params) : traces::init_event(h.params);
        nlohmann::json line = nlohmann::json::parse(traces::format_event(e));
        if (!label) line.update(header_json(h));
        line["spec_action"] = label ? model.describe_label(*label) : "Init";
        line["spec_state"] = model.describe_state(state);
        out << line.dump() << "\n";
    }
}

}  // namespace raftcheck
