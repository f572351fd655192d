#pragma once
// One step of `raftcheck replay`, for any model: the successor of `cur` whose label and state
// print as the file recorded them, or the list of what was enabled instead.

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace raftcheck {

template <class Model>
struct ReplayedStep {
    std::optional<typename Model::Label> label;
    std::optional<typename Model::State> next;
    std::vector<std::string> enabled;  // every enabled label, when none matched
};

template <class Model>
ReplayedStep<Model> replay_step(const Model& model, const typename Model::State& cur, const std::string& action, const std::string& state) {
    ReplayedStep<Model> r;
    model.for_each_successor(cur, [&](const typename Model::Label& label, typename Model::State& t) {
        const std::string name = model.describe_label(label);
        r.enabled.push_back(name);
        if (!r.next && name == action && model.describe_state(t) == state) {
            r.next = t;
            r.label = label;
        }
    });
    if (r.next) r.enabled.clear();
    return r;
}

// The verdict for a step that does not replay; `of` names what the steps belong to.
inline void print_divergence(const std::string& path, std::size_t line, std::size_t step, const std::string& action, const char* of,
                             const std::vector<std::string>& enabled) {
    std::printf("DIVERGES at %s:%zu (step %zu): '%s' leading to the recorded state is not a step of the %s.\n"
                "enabled there:\n",
                path.c_str(), line, step, action.c_str(), of);
    for (const std::string& e : enabled) std::printf("  %s\n", e.c_str());
}

}  // namespace raftcheck
