// `raftcheck replay TRACE`: re-executes a counterexample file against its model. Every step
// must be an enabled action of the model leading to exactly the recorded state; the verdict
// names the first step that is not, or confirms the violation the trace ends in.

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/spec_mutants.hpp"
#include "tools/raftcheck/commands.hpp"
#include "tools/raftcheck/counterexample.hpp"
#include "tools/raftcheck/replay_step.hpp"
#include "tools/raftcheck/abstract_files.hpp"
#include "tools/raftcheck/impl_trace.hpp"

namespace raftcheck {
namespace {

struct ReplayError {
    std::string file;
    std::size_t line;
    std::string what;
};

int usage_error(const ReplayError& e) {
    std::fprintf(stderr, "raftcheck: %s:%zu: %s\n", e.file.c_str(), e.line, e.what.c_str());
    return kExitUsage;
}

std::uint32_t field(const nlohmann::json& j, const char* name, const std::string& file) {
    if (!j.contains(name) || !j[name].is_number_unsigned()) throw ReplayError{file, 1, std::string("header lacks a number '") + name + "'"};
    return j[name].get<std::uint32_t>();
}

TraceHeader parse_header(const std::string& line, const std::string& file) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
        throw ReplayError{file, 1, std::string("not JSON: ") + e.what()};
    }
    if (!j.is_object() || !j.contains("raftcheck_trace")) throw ReplayError{file, 1, "not a raftcheck counterexample header"};
    TraceHeader h;
    h.model = j.value("model", "");
    h.params.servers = field(j, "servers", file);
    h.params.values = field(j, "values", file);
    h.params.max_term = field(j, "max_term", file);
    h.params.max_log = field(j, "max_log", file);
    h.params.max_copies = field(j, "max_copies", file);
    h.params.max_msgs = field(j, "max_msgs", file);
    if (j.contains("max_snapshots")) h.params.max_snapshots = field(j, "max_snapshots", file);
    h.plant_bug = j.value("plant_bug", "");
    h.violation = j.value("violation", "");
    const std::optional<spec::Variant> variant = spec::variant_named(h.model);
    if (!variant) throw ReplayError{file, 1, "unknown model '" + h.model + "'"};
    h.params.variant = *variant;
    if (const std::string bad = spec::validate(h.params); !bad.empty()) throw ReplayError{file, 1, bad};
    return h;
}

int run(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "raftcheck: cannot read '%s'\n", path.c_str());
        return kExitUsage;
    }
    try {
        std::string line;
        if (!std::getline(in, line)) throw ReplayError{path, 1, "empty file"};
        if (line.find(std::string("\"model\":\"") + kAbstractModelName + "\"") != std::string::npos) return replay_abstract(path);
        if (is_impl_header(line)) return replay_impl(line, in, path);
        const TraceHeader h = parse_header(line, path);
        std::optional<mutants::Bug> bug;
        for (mutants::Bug b : mutants::kAllBugs) {
            if (h.plant_bug == mutants::bug_name(b)) bug = b;
        }
        if (!h.plant_bug.empty() && !bug) throw ReplayError{path, 1, "unknown planted bug '" + h.plant_bug + "'"};
        const mutants::MutantModel model(h.params, bug, false);

        // Line 1, the Init event, also holds the initial state.
        std::optional<spec::State> cur = model.initial_states().front();
        std::optional<spec::State> prev;
        std::size_t steps = 1;
        {
            const nlohmann::json j = nlohmann::json::parse(line);
            if (j.value("spec_action", "") != "Init" || j.value("spec_state", "") != model.describe_state(*cur)) {
                std::printf("DIVERGES at %s:1: the first step must be Init with the initial state\n", path.c_str());
                return kExitViolation;
            }
        }
        for (std::size_t lineno = 2; std::getline(in, line); ++lineno) {
            if (line.empty()) continue;
            nlohmann::json j;
            try {
                j = nlohmann::json::parse(line);
            } catch (const nlohmann::json::exception& e) {
                throw ReplayError{path, lineno, std::string("not JSON: ") + e.what()};
            }
            if (!j.is_object() || !j.contains("spec_action") || !j.contains("spec_state") || !j["spec_action"].is_string() ||
                !j["spec_state"].is_string()) {
                throw ReplayError{path, lineno, "a step needs string fields 'spec_action' and 'spec_state'"};
            }
            const std::string action = j["spec_action"];
            const std::string state = j["spec_state"];
            ++steps;
            ReplayedStep<mutants::MutantModel> step = replay_step(model, *cur, action, state);
            if (!step.next) {
                print_divergence(path, lineno, steps, action, "model", step.enabled);
                return kExitViolation;
            }
            prev = cur;
            cur = step.next;
        }
        if (!cur) throw ReplayError{path, 2, "no steps"};
        const char* broken = model.violated_invariant(*cur);
        if (broken == nullptr && prev) broken = model.violated_step(*prev, *cur);
        std::printf("replayed %zu steps of %s%s: every step is an action of the model\n", steps, h.model.c_str(),
                    h.plant_bug.empty() ? "" : (" with planted bug " + h.plant_bug).c_str());
        if (broken != nullptr) {
            std::printf("the last state violates %s%s\n", broken,
                        h.violation.empty() || h.violation == broken ? "" : (" (the file says " + h.violation + ")").c_str());
        } else {
            std::printf("the last state violates no invariant%s\n",
                        h.violation.empty() ? "" : (" (the file says " + h.violation + ")").c_str());
        }
        return kExitOk;
    } catch (const ReplayError& e) {
        return usage_error(e);
    }
}

}  // namespace

Runner add_replay_command(CLI::App& app) {
    auto path = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand("replay", "Re-execute a counterexample file written by `explore --trace`");
    cmd->add_option("trace", *path, "The counterexample (NDJSON)")->required();
    return [path] { return run(*path); };
}

}  // namespace raftcheck
