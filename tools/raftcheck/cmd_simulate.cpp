// `raftcheck simulate`: run the deterministic cluster simulator, either free under random
// faults (the default) or one of the 6.824 scenarios (--scenario), from one seed.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <vector>
#include <memory>
#include <string>

#include "sim/free_run.hpp"
#include "sim/scenarios.hpp"
#include "tools/raftcheck/commands.hpp"
#include "tools/raftcheck/parallel_runs.hpp"
#include "traces/cluster_recorder.hpp"

namespace raftcheck {
namespace {

struct SimulateFlags {
    std::uint32_t servers = 5;
    std::uint64_t seed = 1;
    bool unreliable = false;
    bool crashes = false;
    double duration_s = 30;
    std::string scenario;
    std::uint64_t seeds = 1;
    unsigned jobs = 1;
    bool list_scenarios = false;
    int verbose = 0;
    std::string trace;  // write the run as a trace here
    bool full_log = false;
};

// The trace file and its recorder, when --trace asks for one.
struct TraceOutput {
    std::ofstream file;
    std::unique_ptr<traces::ClusterRecorder> recorder;
    explicit TraceOutput(const SimulateFlags& f) {
        if (f.trace.empty()) return;
        file.open(f.trace, std::ios::binary | std::ios::trunc);
        if (!file) throw std::runtime_error("cannot write trace file " + f.trace);
        recorder = std::make_unique<traces::ClusterRecorder>(file, traces::RecorderOptions{f.full_log});
    }
    sim::StepObserver* observer() { return recorder.get(); }
    void finish(const SimulateFlags& f) {
        if (!recorder) return;
        file.flush();
        if (!file) throw std::runtime_error("error writing trace file " + f.trace);
        std::printf("trace:     %llu events written to %s (check it: raftcheck validate %s)\n",
                    static_cast<unsigned long long>(recorder->events()), f.trace.c_str(), f.trace.c_str());
    }
};

std::string replay_command(const SimulateFlags& f) {
    if (!f.scenario.empty()) return "raftcheck simulate --scenario " + f.scenario + " --seed " + std::to_string(f.seed) + " -v";
    std::string cmd = "raftcheck simulate --servers " + std::to_string(f.servers) + " --seed " + std::to_string(f.seed);
    if (f.unreliable) cmd += " --unreliable";
    if (f.crashes) cmd += " --crashes";
    char duration[32];
    std::snprintf(duration, sizeof duration, " --duration %g", f.duration_s);
    return cmd + duration + " -v";
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int run_scenario(const SimulateFlags& f) {
    const sim::Scenario* s = sim::find_scenario(f.scenario);
    if (s == nullptr) {
        std::fprintf(stderr, "raftcheck: unknown scenario '%s' (see --list-scenarios)\n", f.scenario.c_str());
        return kExitUsage;
    }
    const auto t0 = std::chrono::steady_clock::now();
    TraceOutput trace(f);
    try {
        sim::LabOptions options;
        options.verbosity = f.verbose;
        options.observer = trace.observer();
        s->run(f.seed, options);
        trace.finish(f);
    } catch (const sim::SimFailure& e) {
        std::printf("FAIL %s (lab %s) seed %llu: %s\nreplay: %s\n", s->name, s->lab,
                    static_cast<unsigned long long>(f.seed), e.what(), replay_command(f).c_str());
        return kExitViolation;
    }
    std::printf("PASS %s (lab %s) seed %llu in %.3f s wall\n", s->name, s->lab, static_cast<unsigned long long>(f.seed),
                seconds_since(t0));
    return kExitOk;
}

// Many scenarios times many seeds, spread over `jobs` threads (each run owns its whole
// simulated cluster, so runs share nothing); results are printed in a fixed order.
int run_suite(const SimulateFlags& f) {
    std::vector<const sim::Scenario*> chosen;
    for (const sim::Scenario& s : sim::all_scenarios()) {
        if (f.scenario == "all" || f.scenario == s.name) chosen.push_back(&s);
    }
    if (chosen.empty()) {
        std::fprintf(stderr, "raftcheck: unknown scenario '%s' (see --list-scenarios)\n", f.scenario.c_str());
        return kExitUsage;
    }
    struct Result {
        bool ok = true;
        std::string failure;
        double seconds = 0;
        sim::Millis virtual_ms = 0;
    };
    const std::size_t total = chosen.size() * f.seeds;
    std::vector<Result> results(total);
    const auto t0 = std::chrono::steady_clock::now();
    run_parallel(total, f.jobs, [&](std::size_t k) {
        const sim::Scenario& s = *chosen[k / f.seeds];
        const std::uint64_t seed = f.seed + k % f.seeds;
        const auto t = std::chrono::steady_clock::now();
        try {
            sim::LabOptions options;
            options.virtual_time_out = &results[k].virtual_ms;
            s.run(seed, options);
        } catch (const sim::SimFailure& e) {
            results[k].ok = false;
            results[k].failure = e.what();
        }
        results[k].seconds = seconds_since(t);
    });
    const double wall = seconds_since(t0);

    std::printf("%-20s %-4s %11s %12s %16s\n", "scenario", "lab", "passed", "cpu seconds", "virtual seconds");
    std::size_t passed_all = 0;
    double cpu_all = 0, virtual_all = 0;
    for (std::size_t c = 0; c < chosen.size(); ++c) {
        std::size_t passed = 0;
        double cpu = 0, virtual_s = 0;
        for (std::uint64_t k = 0; k < f.seeds; ++k) {
            const Result& r = results[c * f.seeds + k];
            passed += r.ok;
            cpu += r.seconds;
            virtual_s += r.virtual_ms / 1000.0;
        }
        passed_all += passed;
        cpu_all += cpu;
        virtual_all += virtual_s;
        std::printf("%-20s %-4s %5zu/%-5llu %12.3f %16.1f\n", chosen[c]->name, chosen[c]->lab, passed,
                    static_cast<unsigned long long>(f.seeds), cpu, virtual_s);
    }
    std::printf("%-20s %-4s %5zu/%-5zu %12.3f %16.1f\n", "total", "", passed_all, total, cpu_all, virtual_all);
    std::printf("\n%zu/%zu runs passed (seeds %llu..%llu) in %.3f s wall on %u thread(s)\n", passed_all, total,
                static_cast<unsigned long long>(f.seed), static_cast<unsigned long long>(f.seed + f.seeds - 1), wall,
                f.jobs);
    for (std::size_t k = 0; k < total; ++k) {
        if (results[k].ok) continue;
        const sim::Scenario& s = *chosen[k / f.seeds];
        const std::uint64_t seed = f.seed + k % f.seeds;
        std::printf("FAIL %s seed %llu: %s\n  replay: raftcheck simulate --scenario %s --seed %llu -v\n", s.name,
                    static_cast<unsigned long long>(seed), results[k].failure.c_str(), s.name,
                    static_cast<unsigned long long>(seed));
    }
    return passed_all == total ? kExitOk : kExitViolation;
}

void print_report(const SimulateFlags& f, const sim::FreeRunReport& r, double wall_s) {
    std::string faults = "partitions";
    if (f.unreliable) faults += ", unreliable network (10% loss, delays, long reordering)";
    if (f.crashes) faults += ", crashes and restarts";
    std::printf("raftcheck simulate: %u servers, seed %llu, faults: %s\n", f.servers,
                static_cast<unsigned long long>(f.seed), faults.c_str());
    std::printf("ran %.1f s of virtual time in %.3f s of wall time (%llu steps)\n\n", r.virtual_ms / 1000.0, wall_s,
                static_cast<unsigned long long>(r.stats.steps));
    std::printf("leaders, in order:\n");
    constexpr std::size_t kShown = 12;
    for (std::size_t k = 0; k < r.elections.size(); ++k) {
        if (k == kShown / 2 && r.elections.size() > kShown) {
            std::printf("  ... %zu more ...\n", r.elections.size() - kShown);
            k = r.elections.size() - kShown / 2;
        }
        const auto& e = r.elections[k];
        std::printf("  %8.3f s  term %-4llu n%u\n", e.at / 1000.0, static_cast<unsigned long long>(e.term.value), e.leader);
    }
    const auto& s = r.stats;
    std::printf("\nelections: %llu started, %llu won\n", static_cast<unsigned long long>(s.elections_started),
                static_cast<unsigned long long>(s.leaders_elected));
    std::printf("clients:   %llu commands accepted by a leader; %llu log entries committed on all servers\n",
                static_cast<unsigned long long>(r.proposals), static_cast<unsigned long long>(r.committed_index));
    std::printf("network:   %llu messages sent, %llu lost, %llu undeliverable (partitioned or crashed)\n",
                static_cast<unsigned long long>(s.messages_sent), static_cast<unsigned long long>(s.messages_lost),
                static_cast<unsigned long long>(s.messages_undeliverable));
    std::printf("faults:    %llu disconnects, %llu crashes, %llu restarts\n\n", static_cast<unsigned long long>(s.disconnects),
                static_cast<unsigned long long>(s.crashes), static_cast<unsigned long long>(s.restarts));
    if (r.ok) {
        std::printf("safety:    OK  at most one leader per term; no two servers applied different commands at one\n"
                    "               index; every server applied in order; logs match pairwise\n");
        std::printf("liveness:  OK  after healing, a command committed on all %u servers (index %llu)\n", f.servers,
                    static_cast<unsigned long long>(r.committed_index));
    } else {
        std::printf("VIOLATION: %s\n", r.failure.c_str());
    }
    std::printf("replay:    %s\n", replay_command(f).c_str());
}

int run_free(const SimulateFlags& f) {
    sim::FreeRunOptions o;
    o.servers = f.servers;
    o.seed = f.seed;
    o.unreliable = f.unreliable;
    o.crashes = f.crashes;
    o.duration_ms = static_cast<sim::Millis>(f.duration_s * 1000);
    o.lab.verbosity = f.verbose;
    TraceOutput trace(f);
    o.lab.observer = trace.observer();
    const auto t0 = std::chrono::steady_clock::now();
    const sim::FreeRunReport r = sim::free_run(o);
    print_report(f, r, seconds_since(t0));
    trace.finish(f);
    return r.ok ? kExitOk : kExitViolation;
}

}  // namespace

Runner add_simulate_command(CLI::App& app) {
    auto flags = std::make_shared<SimulateFlags>();
    CLI::App* cmd = app.add_subcommand("simulate", "Run a simulated cluster of raft::step nodes under faults, or a 6.824 scenario");
    cmd->add_option("--servers,-n", flags->servers, "Number of servers")->check(CLI::Range(1u, 32u));
    cmd->add_option("--seed,-s", flags->seed, "Seed: the same seed gives the same run");
    cmd->add_flag("--unreliable", flags->unreliable, "Lose 10% of messages, delay and reorder the rest");
    cmd->add_flag("--crashes", flags->crashes, "Crash servers and restart them from stable storage");
    cmd->add_option("--duration", flags->duration_s, "Virtual seconds of faults before healing")->check(CLI::Range(0.1, 86400.0));
    cmd->add_option("--scenario", flags->scenario, "Run a 6.824 test instead (see --list-scenarios), or 'all'");
    cmd->add_option("--seeds", flags->seeds, "With --scenario: run seeds --seed .. --seed+N-1 and print a table")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}));
    cmd->add_option("--jobs,-j", flags->jobs, "With --seeds: threads to run scenarios on")->check(CLI::Range(1u, 256u));
    cmd->add_flag("--list-scenarios", flags->list_scenarios, "List the 6.824 scenarios and exit");
    cmd->add_flag("-v,--verbose", flags->verbose, "Print elections and faults; twice: every step");
    cmd->add_option("--trace", flags->trace, "Record the run as a trace (NDJSON, traces/FORMAT.md) in this file");
    cmd->add_flag("--full-log", flags->full_log, "With --trace: record every node's whole log on each step (large)");
    return [flags] {
        if (!flags->trace.empty() && (flags->scenario == "all" || flags->seeds > 1)) {
            std::fprintf(stderr, "raftcheck: --trace records one run: give one --scenario and one seed\n");
            return kExitUsage;
        }
        if (flags->list_scenarios) {
            for (const sim::Scenario& s : sim::all_scenarios()) std::printf("%-20s lab %s\n", s.name, s.lab);
            return kExitOk;
        }
        if (flags->scenario.empty()) return run_free(*flags);
        if (flags->scenario == "all" || flags->seeds > 1) return run_suite(*flags);
        return run_scenario(*flags);
    };
}

}  // namespace raftcheck
