#include "tools/raftcheck/impl_trace.hpp"
#include "tools/raftcheck/replay_step.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "checker/impl_mutants.hpp"
#include "tools/raftcheck/commands.hpp"

namespace raftcheck {
namespace {

namespace impl = checker::impl;

struct BadFile {
    std::size_t line;
    std::string what;
};

std::uint32_t number(const nlohmann::json& j, const char* name) {
    if (!j.contains(name) || !j[name].is_number_unsigned()) throw BadFile{1, std::string("header lacks a number '") + name + "'"};
    return j[name].get<std::uint32_t>();
}

}  // namespace

void write_impl_behaviour(std::ostream& out, const impl::Params& p, const std::string& plant_bug, bool refinement,
                          const std::string& violation, const checker::ImplModel& model,
                          const std::vector<std::pair<std::optional<impl::Event>, impl::ClusterState>>& steps) {
    const nlohmann::json header = {{"raftcheck_trace", 1},           {"model", "impl"},
                                   {"servers", p.servers},          {"values", p.values},
                                   {"max_term", p.max_term},        {"max_log", p.max_log},
                                   {"max_msgs", p.max_msgs},        {"max_copies", p.max_copies},
                                   {"max_crashes", p.max_crashes},  {"max_proposals", p.max_proposals},
                                   {"max_snapshots", p.max_snapshots},
                                   {"refinement", refinement},      {"plant_bug", plant_bug},
                                   {"violation", violation}};
    out << header.dump() << "\n";
    for (std::size_t k = 0; k < steps.size(); ++k) {
        const auto& [label, state] = steps[k];
        const nlohmann::json step = {{"step", k + 1},
                                     {"action", label ? model.describe_label(*label) : "Init"},
                                     {"state", model.describe_state(state)}};
        out << step.dump() << "\n";
    }
}

void write_impl_counterexample(std::ostream& out, const impl::Params& p, const std::string& plant_bug, const checker::ImplModel& model,
                               const checker::Violation<checker::ImplModel>& v) {
    write_impl_behaviour(out, p, plant_bug, model.refinement(), v.property, model, v.trace);
}

bool is_impl_header(const std::string& first_line) {
    try {
        const nlohmann::json j = nlohmann::json::parse(first_line);
        return j.is_object() && j.contains("raftcheck_trace") && j.value("model", "") == "impl";
    } catch (const nlohmann::json::exception&) {
        return false;
    }
}

int replay_impl(const std::string& first_line, std::istream& in, const std::string& path) {
    try {
        const nlohmann::json h = nlohmann::json::parse(first_line);
        impl::Params p;
        p.servers = number(h, "servers");
        p.values = number(h, "values");
        p.max_term = number(h, "max_term");
        p.max_log = number(h, "max_log");
        p.max_msgs = number(h, "max_msgs");
        p.max_copies = number(h, "max_copies");
        p.max_crashes = number(h, "max_crashes");
        p.max_proposals = number(h, "max_proposals");
        p.max_snapshots = h.value("max_snapshots", 0u);  // files written before snapshots have none
        if (const std::string bad = impl::validate(p); !bad.empty()) throw BadFile{1, bad};
        const std::string bug_name = h.value("plant_bug", "");
        const std::string violation = h.value("violation", "");
        impl::StepFn step = &raft::step;
        if (!bug_name.empty()) {
            const auto bug = impl::impl_bug_named(bug_name);
            if (!bug) throw BadFile{1, "unknown planted bug '" + bug_name + "'"};
            step = impl::buggy_step(*bug);
        }
        const checker::ImplModel model(p, step, false, h.value("refinement", true));

        std::optional<impl::ClusterState> cur, prev;
        std::optional<impl::Event> last_event;
        std::size_t steps = 0;
        std::string line;
        for (std::size_t lineno = 2; std::getline(in, line); ++lineno) {
            if (line.empty()) continue;
            nlohmann::json j;
            try {
                j = nlohmann::json::parse(line);
            } catch (const nlohmann::json::exception& e) {
                throw BadFile{lineno, std::string("not JSON: ") + e.what()};
            }
            if (!j.is_object() || !j.contains("action") || !j.contains("state") || !j["action"].is_string() || !j["state"].is_string()) {
                throw BadFile{lineno, "a step needs string fields 'action' and 'state'"};
            }
            const std::string action = j["action"];
            const std::string state = j["state"];
            ++steps;
            if (!cur) {
                const impl::ClusterState init = model.initial_states().front();
                if (action != "Init" || model.describe_state(init) != state) {
                    std::printf("DIVERGES at %s:%zu: the first step must be Init with the initial state\n", path.c_str(), lineno);
                    return kExitViolation;
                }
                cur = init;
                continue;
            }
            auto replayed = replay_step(model, *cur, action, state);
            if (!replayed.next) {
                print_divergence(path, lineno, steps, action, "cluster", replayed.enabled);
                return kExitViolation;
            }
            last_event = replayed.label;
            prev = cur;
            cur = replayed.next;
        }
        if (!cur) throw BadFile{2, "no steps"};
        const char* broken = prev ? model.violated_step(*prev, *cur) : nullptr;
        if (broken == nullptr) broken = model.violated_invariant(*cur);
        std::printf("replayed %zu steps of impl%s: every step is an event of the cluster\n", steps,
                    bug_name.empty() ? "" : (" with planted bug " + bug_name).c_str());
        if (broken != nullptr) {
            std::printf("the last state violates %s%s\n", broken,
                        violation.empty() || violation == broken ? "" : (" (the file says " + violation + ")").c_str());
            if (broken == std::string(checker::ImplModel::kRefinement) && prev && last_event) {
                if (const auto why = impl::explain_refinement(*prev, *last_event, p, step)) std::printf("\n%s", why->text().c_str());
            }
        } else {
            std::printf("the last state violates nothing%s\n", violation.empty() ? "" : (" (the file says " + violation + ")").c_str());
        }
        return kExitOk;
    } catch (const BadFile& e) {
        std::fprintf(stderr, "raftcheck: %s:%zu: %s\n", path.c_str(), e.line, e.what.c_str());
        return kExitUsage;
    } catch (const nlohmann::json::exception& e) {
        std::fprintf(stderr, "raftcheck: %s:1: %s\n", path.c_str(), e.what());
        return kExitUsage;
    }
}

}  // namespace raftcheck
