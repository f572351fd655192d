// `raftcheck explore --model impl`: runs the explorer over the implementation cluster and
// prints a summary meant for someone who has never seen the tool: what was explored, what
// was checked, how much, and the verdict.

#include "tools/raftcheck/explore_impl.hpp"

#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "checker/explorer.hpp"
#include "checker/impl_model.hpp"
#include "checker/impl_mutants.hpp"
#include "tools/raftcheck/commands.hpp"
#include "tools/raftcheck/impl_trace.hpp"
#include "tools/raftcheck/violation_report.hpp"

namespace raftcheck {
namespace {

namespace impl = checker::impl;
using checker::detail::with_commas;

nlohmann::json params_json(const impl::Params& p) {
    return {{"servers", p.servers},       {"values", p.values},           {"max_term", p.max_term},
            {"max_log", p.max_log},       {"max_msgs", p.max_msgs},       {"max_copies", p.max_copies},
            {"max_crashes", p.max_crashes}, {"max_proposals", p.max_proposals}, {"max_snapshots", p.max_snapshots}};
}

void print_bounds(const ImplExploreRequest& r, const char* mode) {
    const impl::Params& p = r.params;
    std::printf("raftcheck explore --model impl: %u servers, each running the real raft::step (raft/), under every\n"
                "interleaving of message delivery, loss and duplication, election and heartbeat timeouts, client\n"
                "proposals, crash-restarts%s, within these bounds:\n",
                p.servers, p.max_snapshots > 0 ? " and log compactions (snapshots)" : "");
    std::printf("  terms <= %u, logs <= %u entries, <= %u messages in flight (<= %u copies of one), <= %u crash(es) in all,\n"
                "  <= %u client proposal(s) of %u value(s)%s\n",
                p.max_term, p.max_log, p.max_msgs, p.max_copies, p.max_crashes, p.max_proposals, p.values,
                p.max_snapshots > 0 ? (", <= " + std::to_string(p.max_snapshots) + " compaction(s) in all").c_str() : "");
    std::printf("%s on %u thread(s)%s%s%s\n\n", mode, r.simulate > 0 || r.dfs ? 1u : r.threads, r.symmetry ? ", symmetry (states that differ only by node names count once)" : "",
                r.max_depth ? (", depth bound " + std::to_string(r.max_depth)).c_str() : "",
                r.refinement ? "" : ", refinement off");
}

void print_checks(bool refinement) {
    std::printf("checked on every state:\n");
    for (const impl::Invariant& inv : impl::invariants()) std::printf("  %-20s %s\n", inv.name, inv.meaning);
    std::printf("checked on every step:\n");
    for (const impl::StepProperty& p : impl::step_properties()) std::printf("  %-20s %s\n", p.name, p.meaning);
    if (refinement) {
        std::printf("  %-20s %s\n", checker::ImplModel::kRefinement,
                    "the step is a sequence of enabled actions of the spec (raft model), or changes nothing it sees");
    }
    std::printf("\n");
}

void print_stats(const checker::Stats& s) {
    std::printf("distinct states    %s  (whole clusters: every node's state and storage, the messages in flight)\n",
                with_commas(s.distinct).c_str());
    std::printf("states generated   %s  (%s per second)\n", with_commas(s.generated).c_str(),
                with_commas(static_cast<std::uint64_t>(s.generated / std::max(s.seconds, 1e-9))).c_str());
    std::printf("depth              %llu  (the longest of the shortest paths from the start, in steps, plus one)\n",
                static_cast<unsigned long long>(s.depth));
    std::printf("time               %.2f s\n", s.seconds);
    std::printf("memory             visited set %.1f MiB (%.1f bytes/state), peak frontier %.1f MiB\n", s.table_bytes / 1048576.0,
                s.distinct ? static_cast<double>(s.table_bytes) / static_cast<double>(s.distinct) : 0.0, s.peak_frontier_bytes / 1048576.0);
    std::printf("collision odds     %.1e  (that two states shared a 64-bit fingerprint, as TLC estimates it)\n\n",
                s.collision_probability());
    std::printf("reached (each shows that some invariant above was put to the test):\n");
    const auto& sometimes = impl::sometimes();
    for (std::size_t k = 0; k < sometimes.size(); ++k) {
        std::printf("  %-22s %s  %s\n", sometimes[k].name, (s.sometimes_reached >> k & 1) ? "yes" : "NO ", sometimes[k].meaning);
    }
}

}  // namespace

int run_impl_explore(const ImplExploreRequest& r) {
    if (const std::string bad = impl::validate(r.params); !bad.empty()) {
        std::fprintf(stderr, "raftcheck: %s\n", bad.c_str());
        return kExitUsage;
    }
    impl::StepFn step = &raft::step;
    if (!r.plant_bug.empty()) {
        const std::optional<impl::ImplBug> bug = impl::impl_bug_named(r.plant_bug);
        if (!bug) {
            std::string names;
            for (impl::ImplBug b : impl::kAllImplBugs) names += std::string(names.empty() ? "" : ", ") + impl::bug_name(b);
            std::fprintf(stderr, "raftcheck: unknown bug '%s' for --model impl (available: %s)\n", r.plant_bug.c_str(), names.c_str());
            return kExitUsage;
        }
        step = impl::buggy_step(*bug);
    }
    std::unique_ptr<std::ofstream> trace_out;
    if (!r.trace_path.empty()) {
        trace_out = std::make_unique<std::ofstream>(r.trace_path);
        if (!*trace_out) {
            std::fprintf(stderr, "raftcheck: cannot write trace file '%s'\n", r.trace_path.c_str());
            return kExitUsage;
        }
    }
    const checker::ImplModel model(r.params, step, r.symmetry, r.refinement);
    checker::ExploreOptions options;
    options.threads = r.threads;
    options.max_depth = r.max_depth;
    options.progress_seconds = r.progress;
    options.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    options.max_memory_bytes = static_cast<std::uint64_t>(r.max_memory_gib * 1024 * 1024 * 1024);
    checker::Explorer<checker::ImplModel> explorer(model, options);
    const char* mode = r.simulate > 0 ? "simulation" : r.dfs ? "DFS" : "BFS";
    const auto result = r.simulate > 0 ? explorer.simulate(r.simulate, r.walk_depth, r.seed) : r.dfs ? explorer.dfs() : explorer.bfs();
    const checker::Stats& s = result.stats;
    std::optional<impl::RefinementFailure> why;
    if (result.violation && result.violation->property == checker::ImplModel::kRefinement && result.violation->trace.size() >= 2) {
        const auto& trace = result.violation->trace;
        why = impl::explain_refinement(trace[trace.size() - 2].second, *trace.back().first, r.params, step);
    }
    if (trace_out && result.violation) write_impl_counterexample(*trace_out, r.params, r.plant_bug, model, *result.violation);

    if (r.json) {
        nlohmann::json out = params_json(r.params);
        out.update({{"model", "impl"},
                    {"mode", mode},
                    {"symmetry", r.symmetry},
                    {"refinement", r.refinement},
                    {"plant_bug", r.plant_bug},
                    {"distinct_states", s.distinct},
                    {"states_generated", s.generated},
                    {"depth", s.depth},
                    {"seconds", s.seconds},
                    {"threads", r.simulate > 0 || r.dfs ? 1u : r.threads},
                    {"visited_set_bytes", s.table_bytes},
                    {"peak_frontier_bytes", s.peak_frontier_bytes},
                    {"collision_probability", s.collision_probability()},
                    {"level_sizes", s.level_sizes},
                    {"violation", nullptr},
                    {"incomplete", s.out_of_memory ? nlohmann::json("memory limit") : nlohmann::json(nullptr)}});
        nlohmann::json reached = nlohmann::json::object();
        const auto& sometimes = impl::sometimes();
        for (std::size_t k = 0; k < sometimes.size(); ++k) reached[sometimes[k].name] = (s.sometimes_reached >> k & 1) != 0;
        out["sometimes"] = reached;
        if (result.violation) {
            out["violation"] = violation_json(model, *result.violation);
            if (why) out["violation"]["refinement"] = why->text();
        }
        std::printf("%s\n", out.dump(2).c_str());
        return result.violation ? kExitViolation : s.out_of_memory ? kExitUsage : kExitOk;
    }

    if (!r.plant_bug.empty()) {
        std::printf("planted bug: %s: %s (a wrapper around raft::step; raft/ itself is unchanged)\n\n", r.plant_bug.c_str(),
                    impl::bug_meaning(*impl::impl_bug_named(r.plant_bug)));
    }
    print_bounds(r, mode);
    print_checks(r.refinement);
    print_stats(s);
    if (result.violation) {
        print_violation(model, *result.violation);
        if (why) std::printf("\n%s", why->text().c_str());
        if (trace_out) {
            std::printf("\ncounterexample written to %s; replay it with: raftcheck replay %s\n", r.trace_path.c_str(), r.trace_path.c_str());
        }
        return kExitViolation;
    }
    if (s.out_of_memory) {
        std::printf("\nINCOMPLETE: stopped at the memory limit of %.3g GiB (--max-memory); no invariant was violated in the "
                    "states explored, but not every state was explored. Lower the bounds, or add --symmetry.\n",
                    r.max_memory_gib);
        return kExitUsage;
    }
    std::printf("\nverdict: no violation. Every reachable state within the bounds satisfies every invariant%s.\n",
                r.refinement ? ", and every step is a step of the spec" : "");
    return kExitOk;
}

}  // namespace raftcheck
