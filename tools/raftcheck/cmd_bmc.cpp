// `raftcheck bmc`: bounded model checking of raft-abstract with Z3 (prove/bmc.hpp): the
// shortest violation of a safety property within K steps of Init, written as a replayable
// trace; optionally k-induction for one property.

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "prove/bmc.hpp"
#include "tools/raftcheck/abstract_files.hpp"
#include "tools/raftcheck/commands.hpp"

namespace raftcheck {
namespace {

namespace sa = spec::abstract;

struct BmcFlags {
    sa::Params params;
    std::size_t max_steps = 8;
    std::string property;
    std::string plant_bug;
    std::string trace_path;
    std::string encoding = "bv";
    bool induction = false;
};

int run(const BmcFlags& f) {
    if (const std::string bad = sa::validate(f.params); !bad.empty()) {
        std::fprintf(stderr, "raftcheck: %s\n", bad.c_str());
        return kExitUsage;
    }
    prove::BmcOptions o;
    o.params = f.params;
    o.max_steps = f.max_steps;
    o.property = f.property;
    o.induction = f.induction;
    o.scalars = f.encoding == "bv" ? prove::Scalars::kBitVector : f.encoding == "enum" ? prove::Scalars::kEnum : prove::Scalars::kInt;
    if (!f.plant_bug.empty()) {
        o.bug = abstract_mutants::bug_named(f.plant_bug);
        if (!o.bug) {
            std::fprintf(stderr, "raftcheck: unknown bug '%s' for raft-abstract (available: %s)\n", f.plant_bug.c_str(),
                         abstract_mutants::bug_names().c_str());
            return kExitUsage;
        }
    }
    prove::BmcResult r;
    try {
        r = prove::bmc(o);
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "raftcheck: %s\n", e.what());
        return kExitUsage;
    }
    if (o.bug) std::printf("planted bug: %s\n", f.plant_bug.c_str());
    std::printf("raftcheck bmc: raft-abstract, %u servers, max-term %u, max-log %u, up to %zu steps, %s%s\n\n", f.params.servers,
                f.params.max_term, f.params.max_log, f.max_steps, f.property.empty() ? "all safety properties" : f.property.c_str(),
                f.induction ? ", k-induction" : "");
    for (std::size_t k = 0; k < r.seconds_per_depth.size(); ++k) std::printf("  depth %2zu  %8.3f s\n", k, r.seconds_per_depth[k]);
    std::printf("total %.3f s\n", r.total_seconds);
    if (!r.trace) {
        if (r.induction_k) {
            std::printf("\nPROVED by %zu-induction: %s holds in every reachable state (no violation within %zu steps of Init, and no "
                        "path of %zu distinct states keeps it and then breaks it)\n",
                        *r.induction_k, f.property.c_str(), r.steps_checked - 1, *r.induction_k + 1);
        } else {
            std::printf("\nno violation within %zu steps of Init%s\n", r.steps_checked == 0 ? 0 : r.steps_checked - 1,
                        f.induction ? " (and not k-inductive for any k tried)" : "");
        }
        return kExitOk;
    }
    const auto& trace = *r.trace;
    std::printf("\nVIOLATION of %s after %zu steps (the shortest: no shorter behaviour breaks a property)\n\n", r.property.c_str(), trace.size() - 1);
    for (std::size_t k = 0; k < trace.size(); ++k) {
        std::printf("  %3zu  %s\n", k + 1, trace[k].first ? sa::describe(*trace[k].first).c_str() : "Init");
        const std::string desc = sa::describe(trace[k].second, f.params);
        for (std::size_t at = 0, nl; at < desc.size(); at = nl + 1) {
            nl = desc.find('\n', at);
            if (nl == std::string::npos) nl = desc.size();
            std::printf("       %s\n", desc.substr(at, nl - at).c_str());
        }
    }
    if (!f.trace_path.empty()) {
        std::ofstream out(f.trace_path);
        if (!out) {
            std::fprintf(stderr, "raftcheck: cannot write trace file '%s'\n", f.trace_path.c_str());
            return kExitUsage;
        }
        write_abstract_trace(out, f.params, f.plant_bug, r.property, trace);
        std::printf("\ntrace written to %s; replay it with: raftcheck replay %s\n", f.trace_path.c_str(), f.trace_path.c_str());
    }
    if (!r.disagreement.empty()) {
        std::printf("\nINTERNAL ERROR: the Z3 encoding and the C++ model disagree on this trace: %s\n", r.disagreement.c_str());
        return kExitUsage;
    }
    return kExitViolation;
}

}  // namespace

Runner add_bmc_command(CLI::App& app) {
    auto f = std::make_shared<BmcFlags>();
    CLI::App* cmd = app.add_subcommand("bmc", "Bounded model checking of raft-abstract with Z3: the shortest violation, or k-induction");
    cmd->add_option("--servers", f->params.servers, "Number of servers")->check(CLI::Range(1u, sa::kMaxServers))->capture_default_str();
    cmd->add_option("--max-term", f->params.max_term, "Bound: every term <= T")->check(CLI::Range(1u, sa::kMaxTerm))->capture_default_str();
    cmd->add_option("--max-log", f->params.max_log, "Bound: every log length <= L")->check(CLI::Range(1u, sa::kMaxLog))->capture_default_str();
    cmd->add_option("--max-steps", f->max_steps, "Unroll Next at most K steps")->check(CLI::Range(0, 64))->capture_default_str();
    cmd->add_option("--property", f->property, "Check one safety property (default: all four)");
    cmd->add_flag("--induction", f->induction, "Also try k-induction (with the simple-path constraint) for --property");
    cmd->add_option("--plant-bug", f->plant_bug, "Check the model with a planted bug: " + abstract_mutants::bug_names());
    cmd->add_option("--trace", f->trace_path, "Write a violation as a trace file (raftcheck replay FILE)");
    cmd->add_option("--encoding", f->encoding, "Scalars as Z3 integers, bit-vectors or an enumeration sort")->check(CLI::IsMember({"int", "bv", "enum"}))->capture_default_str();
    return [f] { return run(*f); };
}

}  // namespace raftcheck
