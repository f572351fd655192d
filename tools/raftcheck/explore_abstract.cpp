// `raftcheck explore --model raft-abstract`: BFS or DFS over the abstract model, checking its
// safety properties and every lemma of its inductive invariant, from Init or from a state
// file (a counterexample to induction written by `raftcheck prove`, to tell a real bug from
// a lemma that is too weak).

#include "tools/raftcheck/explore_abstract.hpp"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "checker/abstract_model.hpp"
#include "checker/explorer.hpp"
#include "tools/raftcheck/abstract_files.hpp"
#include "tools/raftcheck/commands.hpp"

namespace raftcheck {

namespace sa = spec::abstract;

int explore_abstract(const AbstractExploreArgs& a) {
    sa::Params p{a.servers, a.max_term, a.max_log};
    std::optional<sa::State> start;
    std::string note;
    if (!a.from_path.empty() && !a.trace_path.empty()) {
        // A trace file replays from Init; a behaviour from a state file has no such start.
        std::fprintf(stderr, "raftcheck: --trace writes behaviours from Init; it does not go with --from\n");
        return kExitUsage;
    }
    if (!a.from_path.empty()) {
        const AbstractStateFile f = read_abstract_state_file(a.from_path);  // throws: exit 2 in main
        p = f.params;
        start = f.state;
        note = f.note;
    }
    if (const std::string bad = sa::validate(p); !bad.empty()) {
        std::fprintf(stderr, "raftcheck: %s\n", bad.c_str());
        return kExitUsage;
    }
    std::optional<sa::State> target;
    if (!a.find_path.empty()) {
        if (start) {
            std::fprintf(stderr, "raftcheck: --find searches from Init; it does not go with --from\n");
            return kExitUsage;
        }
        const AbstractStateFile f = read_abstract_state_file(a.find_path);
        p = f.params;
        target = f.state;
        note = f.note;
    }
    const std::optional<abstract_mutants::Bug> bug = abstract_mutants::bug_named(a.plant_bug);
    if (!a.plant_bug.empty() && !bug) {
        std::fprintf(stderr, "raftcheck: unknown bug '%s' for raft-abstract (available: %s)\n", a.plant_bug.c_str(),
                     abstract_mutants::bug_names().c_str());
        return kExitUsage;
    }
    checker::AbstractModel model(p, bug);
    if (start) model.start_from(*start);
    if (target) model.set_target(*target);
    checker::ExploreOptions options;
    options.threads = a.threads;
    options.max_depth = a.max_depth;
    options.progress_seconds = a.progress_seconds;
    options.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    checker::Explorer<checker::AbstractModel> explorer(model, options);
    const auto result = a.dfs ? explorer.dfs() : explorer.bfs();
    const checker::Stats& s = result.stats;

    if (!a.trace_path.empty() && result.violation) {
        std::ofstream out(a.trace_path);
        if (!out) {
            std::fprintf(stderr, "raftcheck: cannot write trace file '%s'\n", a.trace_path.c_str());
            return kExitUsage;
        }
        write_abstract_trace(out, p, a.plant_bug, result.violation->property, result.violation->trace);
    }
    if (a.json) {
        nlohmann::json out = {{"model", kAbstractModelName}, {"servers", p.servers}, {"max_term", p.max_term}, {"max_log", p.max_log},
                              {"from", a.from_path},      {"distinct_states", s.distinct}, {"states_generated", s.generated},
                              {"depth", s.depth},          {"seconds", s.seconds},     {"violation", nullptr}};
        if (result.violation) {
            nlohmann::json trace = nlohmann::json::array();
            for (const auto& [label, state] : result.violation->trace) {
                trace.push_back({{"action", label ? sa::describe(*label) : "Init"}, {"state", sa::describe(state, p)}});
            }
            out["violation"] = {{"invariant", result.violation->property}, {"length", result.violation->trace.size()}, {"trace", trace}};
        }
        std::printf("%s\n", out.dump(2).c_str());
        return result.violation ? kExitViolation : kExitOk;
    }
    if (bug) std::printf("planted bug: %s\n", a.plant_bug.c_str());
    std::printf("raftcheck explore: model raft-abstract, %u servers, max-term %u, max-log %u%s\n", p.servers, p.max_term, p.max_log,
                start ? (", from " + a.from_path).c_str() : "");
    if (!note.empty()) std::printf("the state file says: %s\n", note.c_str());
    std::printf("properties:");
    for (const auto& prop : sa::safety_properties()) std::printf(" %s", prop.name);
    std::printf("\nlemmas:    ");
    for (const auto& prop : sa::lemmas()) std::printf(" %s", prop.name);
    std::printf("\n\ndistinct states   %s\nstates generated  %s\ndepth             %llu\ntime              %.3f s\n",
                checker::detail::with_commas(s.distinct).c_str(), checker::detail::with_commas(s.generated).c_str(),
                static_cast<unsigned long long>(s.depth), s.seconds);
    if (target && !result.violation) {
        std::printf("\nUNREACHABLE: no behaviour from Init within these bounds reaches the state of %s. A counterexample to "
                    "induction from such a state shows an invariant too weak to exclude it (strengthen a lemma); it is not a "
                    "behaviour of the model. With a planted bug, `raftcheck bmc` finds the bug's real behaviour.\n",
                    a.find_path.c_str());
        return kExitOk;
    }
    if (!result.violation) {
        std::printf("\nno property or lemma violated\n");
        return kExitOk;
    }
    const auto& v = *result.violation;
    if (target) {
        std::printf("\nREACHABLE: the state of %s is reached from Init by a behaviour of %zu states (the shortest). If it is a "
                    "counterexample to induction, the violation is real.\n",
                    a.find_path.c_str(), v.trace.size());
    }
    std::printf("\nVIOLATION of %s: a behaviour of %zu states (the shortest, by BFS)\n\n", v.property.c_str(), v.trace.size());
    for (std::size_t k = 0; k < v.trace.size(); ++k) {
        const auto& [label, state] = v.trace[k];
        std::printf("  %3zu  %s\n", k + 1, label ? sa::describe(*label).c_str() : (start ? "Start" : "Init"));
        std::string desc = sa::describe(state, p);
        for (std::size_t at = 0, nl; at < desc.size(); at = nl + 1) {
            nl = desc.find('\n', at);
            if (nl == std::string::npos) nl = desc.size();
            std::printf("       %s\n", desc.substr(at, nl - at).c_str());
        }
    }
    if (!a.trace_path.empty()) std::printf("\ncounterexample written to %s; replay it with: raftcheck replay %s\n", a.trace_path.c_str(), a.trace_path.c_str());
    return kExitViolation;
}

}  // namespace raftcheck
