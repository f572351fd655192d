// `raftcheck explore`: exhaustive (BFS, DFS) or random (simulation) exploration of a model,
// with TLC's bounds, invariants, statistics and shortest counterexamples.

#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "checker/abstract_refinement_model.hpp"
#include "checker/explorer.hpp"
#include "checker/spec_mutants.hpp"
#include "checker/spec_model.hpp"
#include "tools/raftcheck/counterexample.hpp"
#include "tools/raftcheck/explore_impl.hpp"
#include "tools/raftcheck/violation_report.hpp"
#include "tools/raftcheck/commands.hpp"
#include "tools/raftcheck/explore_abstract.hpp"

namespace raftcheck {
namespace {

struct ExploreFlags {
    std::string model = "raft-tla";
    spec::Params params;
    bool symmetry = false;
    unsigned threads = 0;  // 0: all cores
    bool json = false;
    bool dfs = false;
    std::uint64_t simulate = 0;
    std::uint64_t max_depth = 0;
    std::uint64_t walk_depth = 100;
    std::uint64_t seed = 1;
    double progress = 5;
    std::string trace_path;
    std::string plant_bug;
    double max_memory_gib = 0;  // 0: 80% of the machine's memory
    std::string from_path;      // raft-abstract: a state file to start from
    std::string find_path;      // raft-abstract: a state file to search for
    // --model impl only.
    std::uint32_t max_crashes = 1;
    std::uint32_t max_proposals = 1;
    bool refinement = true;
    bool max_msgs_given = false;
    bool refines_abstract = false;  // raft-tla, raft: check every step against raft-abstract
};

using RefiningModel = checker::AbstractRefinementModel<mutants::MutantModel>;

void write_trace(std::ostream& out, const TraceHeader& h, const mutants::MutantModel& model,
                 const checker::Violation<mutants::MutantModel>& v) {
    write_counterexample(out, h, model, v);
}
// The trace file holds the spec's behaviour; the mapping's history is the checker's own.
void write_trace(std::ostream& out, const TraceHeader& h, const RefiningModel& model, const checker::Violation<RefiningModel>& v) {
    checker::Violation<mutants::MutantModel> plain{v.property, {}};
    for (const auto& [label, state] : v.trace) plain.trace.emplace_back(label, state.spec);
    write_counterexample(out, h, model.base(), plain);
}

void explain_refinement(const mutants::MutantModel&, const checker::Violation<mutants::MutantModel>&) {}
// Names the failing step and prints both abstract states and both spec states.
void explain_refinement(const RefiningModel& model, const checker::Violation<RefiningModel>& v) {
    if (v.property != checker::kRefinesAbstract || v.trace.size() < 2 || !v.trace.back().first) return;
    const auto& before = v.trace[v.trace.size() - 2].second;
    const auto& [label, after] = v.trace.back();
    std::printf("\nThe last step does not refine raft-abstract:\n%s", checker::explain_step(before, *label, after, model.params()).c_str());
}

// 80% of physical memory: room for the rest of the process and the machine.
double default_memory_gib() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page <= 0) return 8;
    return 0.8 * static_cast<double>(pages) * static_cast<double>(page) / (1024.0 * 1024 * 1024);
}

int run_impl(const ExploreFlags& f) {
    ImplExploreRequest r;
    r.params.servers = f.params.servers;
    r.params.values = f.params.values;
    r.params.max_term = f.params.max_term;
    r.params.max_log = f.params.max_log;
    r.params.max_copies = f.params.max_copies;
    if (f.max_msgs_given) r.params.max_msgs = f.params.max_msgs;  // else the impl model's own default
    r.params.max_crashes = f.max_crashes;
    r.params.max_proposals = f.max_proposals;
    r.params.max_snapshots = f.params.max_snapshots;
    r.symmetry = f.symmetry;
    r.refinement = f.refinement;
    r.threads = f.threads != 0 ? f.threads : std::max(1u, std::thread::hardware_concurrency());
    r.json = f.json;
    r.dfs = f.dfs;
    r.simulate = f.simulate;
    r.walk_depth = f.walk_depth;
    r.seed = f.seed;
    r.max_depth = f.max_depth;
    r.progress = f.progress;
    r.trace_path = f.trace_path;
    r.plant_bug = f.plant_bug;
    r.max_memory_gib = f.max_memory_gib > 0 ? f.max_memory_gib : default_memory_gib();
    return run_impl_explore(r);
}

template <class Model>
int explore_and_report(const ExploreFlags& f, const spec::Params& params, const Model& model, const std::optional<mutants::Bug>& bug,
                       std::ofstream* trace_out) {
    checker::ExploreOptions options;
    options.threads = f.threads != 0 ? f.threads : std::max(1u, std::thread::hardware_concurrency());
    options.max_depth = f.max_depth;
    options.progress_seconds = f.progress;
    options.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    const double memory_gib = f.max_memory_gib > 0 ? f.max_memory_gib : default_memory_gib();
    options.max_memory_bytes = static_cast<std::uint64_t>(memory_gib * 1024 * 1024 * 1024);
    checker::Explorer<Model> explorer(model, options);
    const char* mode = f.simulate > 0 ? "simulation" : f.dfs ? "DFS" : "BFS";
    const auto result = f.simulate > 0 ? explorer.simulate(f.simulate, f.walk_depth, f.seed) : f.dfs ? explorer.dfs() : explorer.bfs();
    const checker::Stats& s = result.stats;
    const unsigned threads = f.simulate > 0 || f.dfs ? 1u : options.threads;
    const auto& sometimes = spec::sometimes();

    if (trace_out != nullptr && result.violation) {
        TraceHeader header{f.model, params, f.plant_bug, result.violation->property};
        write_trace(*trace_out, header, model, *result.violation);
    }
    if (f.json) {
        nlohmann::json out = {
            {"model", f.model},
            {"mode", mode},
            {"servers", f.params.servers},
            {"values", f.params.values},
            {"max_term", f.params.max_term},
            {"max_log", f.params.max_log},
            {"max_copies", f.params.max_copies},
            {"max_msgs", f.params.max_msgs},
            {"symmetry", f.symmetry},
            {"refines_abstract", f.refines_abstract},
            {"distinct_states", s.distinct},
            {"states_generated", s.generated},
            {"depth", s.depth},
            {"seconds", s.seconds},
            {"threads", threads},
            {"visited_set_bytes", s.table_bytes},
            {"peak_frontier_bytes", s.peak_frontier_bytes},
            {"collision_probability", s.collision_probability()},
            {"level_sizes", s.level_sizes},
            {"violation", nullptr},
            {"incomplete", s.out_of_memory ? nlohmann::json("memory limit") : nlohmann::json(nullptr)},
        };
        nlohmann::json reached = nlohmann::json::object();
        for (std::size_t k = 0; k < sometimes.size(); ++k) reached[sometimes[k].name] = (s.sometimes_reached >> k & 1) != 0;
        out["sometimes"] = reached;
        if (result.violation) out["violation"] = violation_json(model, *result.violation);
        std::printf("%s\n", out.dump(2).c_str());
        return result.violation ? kExitViolation : s.out_of_memory ? kExitUsage : kExitOk;
    }

    if (bug) std::printf("planted bug: %s (the specification plus one buggy action)\n", f.plant_bug.c_str());
    const std::string snapshots = f.params.max_snapshots ? ", max-snapshots " + std::to_string(f.params.max_snapshots) : "";
    std::printf("raftcheck explore: model %s, %u servers, %u value(s), max-term %u, max-log %u, max-copies %u, max-msgs %u%s%s\n",
                f.model.c_str(), f.params.servers, f.params.values, f.params.max_term, f.params.max_log, f.params.max_copies,
                f.params.max_msgs, snapshots.c_str(), f.symmetry ? ", symmetry" : "");
    std::printf("%s on %u thread(s)%s\n", mode, threads,
                f.max_depth ? (", depth bound " + std::to_string(f.max_depth)).c_str() : "");
    std::printf("invariants: ");
    for (const auto& inv : spec::invariants()) std::printf("%s ", inv.name);
    for (const auto& p : spec::step_properties()) std::printf("%s (step) ", p.name);
    if (f.refines_abstract) std::printf("%s (step)", checker::kRefinesAbstract);
    std::printf("\n");
    if (f.refines_abstract) {
        std::printf("refinement: every step maps to a raft-abstract step or a stutter (raft-abstract with %u servers, max-term %u, "
                    "max-log %u; map(Init) is its Init)\n",
                    params.servers, spec::abstract_params(params).max_term, spec::abstract_params(params).max_log);
    }
    std::printf("\n");
    std::printf("distinct states   %s\n", checker::detail::with_commas(s.distinct).c_str());
    std::printf("states generated  %s\n", checker::detail::with_commas(s.generated).c_str());
    std::printf("depth             %llu\n", static_cast<unsigned long long>(s.depth));
    std::printf("time              %.3f s (%s distinct states/s)\n", s.seconds,
                checker::detail::with_commas(static_cast<std::uint64_t>(s.distinct / std::max(s.seconds, 1e-9))).c_str());
    std::printf("memory            visited set %.1f MiB (%.1f bytes/state), peak frontier %.1f MiB\n", s.table_bytes / 1048576.0,
                s.distinct ? static_cast<double>(s.table_bytes) / static_cast<double>(s.distinct) : 0.0,
                s.peak_frontier_bytes / 1048576.0);
    std::printf("fingerprint collision probability (optimistic, as TLC calculates it): %.1e\n\n", s.collision_probability());
    for (std::size_t k = 0; k < sometimes.size(); ++k) {
        std::printf("sometimes %-18s %s  (%s)\n", sometimes[k].name, (s.sometimes_reached >> k & 1) ? "reached    " : "not reached",
                    sometimes[k].meaning);
    }
    if (result.violation) {
        print_violation(model, *result.violation);
        explain_refinement(model, *result.violation);
        if (trace_out != nullptr) {
            std::printf("\ncounterexample written to %s; replay it with: raftcheck replay %s\n", f.trace_path.c_str(),
                        f.trace_path.c_str());
        }
        return kExitViolation;
    }
    if (s.out_of_memory) {
        std::printf("\nINCOMPLETE: stopped at the memory limit of %.3g GiB (--max-memory); no invariant was violated in the "
                    "states explored, but not every state was explored. Lower the bounds, or add --symmetry.\n",
                    memory_gib);
        return kExitUsage;
    }
    std::printf("\nno invariant violated%s\n", f.refines_abstract ? ", every step refines raft-abstract" : "");
    return kExitOk;
}

int run(const ExploreFlags& f) {
    if (f.refines_abstract && (f.model == "raft-abstract" || f.model == "impl")) {
        std::fprintf(stderr, "raftcheck: --refines-abstract is for --model raft-tla or raft\n");
        return kExitUsage;
    }
    if (f.model == "raft-abstract" || !f.from_path.empty() || !f.find_path.empty()) {
        if (f.model != "raft-abstract") {
            std::fprintf(stderr, "raftcheck: --from and --find are for --model raft-abstract\n");
            return kExitUsage;
        }
        return explore_abstract({f.params.servers, f.params.max_term, f.params.max_log, f.plant_bug, f.from_path, f.find_path, f.trace_path, f.json,
                                 f.dfs, f.threads != 0 ? f.threads : std::max(1u, std::thread::hardware_concurrency()), f.max_depth,
                                 f.progress});
    }
    if (f.model == "impl") return run_impl(f);
    std::optional<mutants::Bug> bug;
    if (!f.plant_bug.empty()) {
        for (mutants::Bug b : mutants::kAllBugs) {
            if (f.plant_bug == mutants::bug_name(b)) bug = b;
        }
        if (!bug) {
            std::string names;
            for (mutants::Bug b : mutants::kAllBugs) names += std::string(names.empty() ? "" : ", ") + mutants::bug_name(b);
            std::fprintf(stderr, "raftcheck: unknown bug '%s' (available: %s)\n", f.plant_bug.c_str(), names.c_str());
            return kExitUsage;
        }
    }
    const std::optional<spec::Variant> variant = spec::variant_named(f.model);
    if (!variant) {
        std::fprintf(stderr, "raftcheck: unknown model '%s' (available: raft-tla, raft, raft-abstract, impl)\n", f.model.c_str());
        return kExitUsage;
    }
    spec::Params params = f.params;
    params.variant = *variant;
    if (const std::string bad = spec::validate(params); !bad.empty()) {
        std::fprintf(stderr, "raftcheck: %s\n", bad.c_str());
        return kExitUsage;
    }
    std::unique_ptr<std::ofstream> trace_out;
    if (!f.trace_path.empty()) {
        trace_out = std::make_unique<std::ofstream>(f.trace_path);
        if (!*trace_out) {
            std::fprintf(stderr, "raftcheck: cannot write trace file '%s'\n", f.trace_path.c_str());
            return kExitUsage;
        }
    }
    const mutants::MutantModel model(params, bug, f.symmetry);
    if (!f.refines_abstract) return explore_and_report(f, params, model, bug, trace_out.get());
    if (const std::string bad = spec::mapping_unsupported(params); !bad.empty()) {
        std::fprintf(stderr, "raftcheck: %s\n", bad.c_str());
        return kExitUsage;
    }
    const RefiningModel refining(model);
    for (const auto& init : refining.initial_states()) {
        if (const std::string bad = checker::init_mismatch(init, params); !bad.empty()) {
            std::printf("VIOLATION of %s at Init: %s\n", checker::kRefinesAbstract, bad.c_str());
            return kExitViolation;
        }
    }
    return explore_and_report(f, params, refining, bug, trace_out.get());
}

}  // namespace

Runner add_explore_command(CLI::App& app) {
    auto f = std::make_shared<ExploreFlags>();
    CLI::App* cmd = app.add_subcommand("explore", "Explore a model's state space exhaustively (BFS, DFS) or at random");
    cmd->add_option("--model", f->model,
                    "Model to explore: raft-tla (Ongaro's raft.tla), raft (the protocol raft/ implements), raft-abstract (the "
                    "abstract Raft that `raftcheck prove` proves) or impl (a cluster of raft/ itself)")
        ->capture_default_str();
    cmd->add_option("--servers", f->params.servers, "Number of servers")->check(CLI::Range(1u, spec::kMaxServers))->capture_default_str();
    cmd->add_option("--values", f->params.values, "Number of client values")->check(CLI::Range(1u, spec::kMaxValues))->capture_default_str();
    cmd->add_option("--max-term", f->params.max_term, "Bound: every currentTerm <= T")->check(CLI::Range(1u, 30u))->capture_default_str();
    cmd->add_option("--max-log", f->params.max_log, "Bound: every log length <= L")->check(CLI::Range(0u, 6u))->capture_default_str();
    cmd->add_option("--max-copies", f->params.max_copies, "Bound: any one message's count in the bag <= C")
        ->check(CLI::Range(1u, 7u))
        ->capture_default_str();
    cmd->add_option("--max-msgs", f->params.max_msgs, "Bound: sum of all counts in the bag <= M")->check(CLI::Range(1u, 7u))->capture_default_str();
    cmd->add_option("--max-snapshots", f->params.max_snapshots,
                    "--model raft and impl: at most S CompactLog steps in a behaviour (0: no snapshots, the model as without them)")
        ->check(CLI::Range(0u, spec::kMaxSnapshots))
        ->capture_default_str();
    cmd->add_option("--max-depth", f->max_depth, "Bound: explore at most D levels (0: none)");
    cmd->add_flag("--symmetry", f->symmetry, "Reduce by permutations of server ids (counts orbits, as TLC's SYMMETRY)");
    cmd->add_option("--threads", f->threads, "BFS worker threads (default: all cores)")->check(CLI::Range(1u, 256u));
    cmd->add_flag("--dfs", f->dfs, "Depth-first instead of breadth-first (one thread)");
    cmd->add_option("--simulate", f->simulate, "Random simulation: N walks instead of exhaustive search");
    cmd->add_option("--depth", f->walk_depth, "With --simulate: steps per walk")->capture_default_str();
    cmd->add_option("--seed", f->seed, "With --simulate: seed of the walks")->capture_default_str();
    cmd->add_option("--progress", f->progress, "Seconds between progress lines on stderr (0: none)")->capture_default_str();
    cmd->add_option("--trace", f->trace_path, "Write a counterexample to this file (NDJSON, one step a line)");
    cmd->add_flag("--json", f->json, "Print one JSON object with the statistics and any violation");
    cmd->add_option("--max-memory", f->max_memory_gib, "Stop, incomplete, before using more than this many GiB (default: 80% of RAM)")
        ->check(CLI::Range(0.0001, 1e6));
    cmd->add_option("--plant-bug", f->plant_bug,
                    "Add one known-buggy action to the spec, to see the checker catch it: VoteWithoutUpToDateCheck, "
                    "CommitEarlierTermByCount, ForgetVoteOnRestart, TruncateOnStaleAppend, CountStaleVote, AppendWithStaleTerm, and "
                    "with --max-snapshots CompactUncommitted, InstallSnapshotRollsBackCommit (with --model impl: "
                    "a buggy step function; the same names and CommitPastLastNewEntry, CommitIndexGoesBack, BackupTrustsHint)");
    cmd->add_option("--max-crashes", f->max_crashes, "--model impl: at most this many crash-and-restarts in all")
        ->check(CLI::Range(0u, 15u))
        ->capture_default_str();
    cmd->add_option("--max-proposals", f->max_proposals, "--model impl: at most this many client proposals in all")
        ->check(CLI::Range(0u, 15u))
        ->capture_default_str();
    cmd->add_flag("--refinement,!--no-refinement", f->refinement,
                  "--model impl: check that every step is a step of the spec (default; --no-refinement: invariants only)");
    cmd->add_flag("--refines-abstract", f->refines_abstract,
                  "raft-tla, raft: also check that every step maps to a step of raft-abstract or a stutter (the refinement "
                  "mapping of spec/abstract_mapping.hpp; explores the spec state with the mapping's history)");
    cmd->add_option("--from", f->from_path, "raft-abstract: explore from this state file (e.g. a CTI written by `raftcheck prove`)");
    cmd->add_option("--find", f->find_path, "raft-abstract: search from Init for the state of this file (is a CTI reachable?)");
    return [f, cmd] {
        f->max_msgs_given = cmd->count("--max-msgs") > 0;
        return run(*f);
    };
}

}  // namespace raftcheck
