#pragma once
// How `raftcheck explore` shows a counterexample, for any model: a table with one row per
// step (the action, then the variables it changed, whole), or one JSON object.

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "checker/explorer.hpp"

namespace raftcheck {

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// A state description split into its variables: a variable's block is its "name = ..." line
// and the indented lines under it.
inline std::vector<std::pair<std::string, std::string>> variables_of(const std::string& description) {
    std::vector<std::pair<std::string, std::string>> vars;
    for (const std::string& line : lines_of(description)) {
        if (line.rfind("  ", 0) == 0 && !vars.empty()) {
            vars.back().second += "\n" + line;
        } else {
            vars.emplace_back(line.substr(0, line.find(" =")), line);
        }
    }
    return vars;
}

// The variables whose value changed from one state to the next, whole.
inline std::string changed(const std::string& before, const std::string& after) {
    const auto a = variables_of(before);
    const auto b = variables_of(after);
    std::string out;
    for (const auto& [name, block] : b) {
        bool same = false;
        for (const auto& [name_a, block_a] : a) same |= name_a == name && block_a == block;
        if (same) continue;
        for (const std::string& line : lines_of(block)) out += "      " + line + "\n";
    }
    return out.empty() ? "      (no variable changed)\n" : out;
}

template <class Model>
nlohmann::json violation_json(const Model& model, const checker::Violation<Model>& v) {
    nlohmann::json trace = nlohmann::json::array();
    for (const auto& [label, state] : v.trace) {
        trace.push_back({{"action", label ? model.describe_label(*label) : "Init"}, {"state", model.describe_state(state)}});
    }
    return {{"invariant", v.property}, {"length", v.trace.size()}, {"trace", trace}};
}

template <class Model>
void print_violation(const Model& model, const checker::Violation<Model>& v) {
    std::printf("\nVIOLATION of %s: a behaviour of %zu states (the shortest, by BFS)\n\n", v.property.c_str(), v.trace.size());
    std::string prev;
    for (std::size_t k = 0; k < v.trace.size(); ++k) {
        const auto& [label, state] = v.trace[k];
        const std::string desc = model.describe_state(state);
        std::printf("  %3zu  %s\n", k + 1, label ? model.describe_label(*label).c_str() : "Init");
        if (k == 0) {
            for (const auto& l : lines_of(desc)) std::printf("      %s\n", l.c_str());
        } else {
            std::printf("%s", changed(prev, desc).c_str());
        }
        prev = desc;
    }
}

}  // namespace raftcheck
