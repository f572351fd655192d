// `raftcheck simulate`: run the deterministic cluster simulator, either free under random
// faults (the default) or one of the 6.824 scenarios (--scenario), from one seed.

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "sim/free_run.hpp"
#include "sim/scenarios.hpp"
#include "tools/raftcheck/commands.hpp"

namespace raftcheck {
namespace {

struct SimulateFlags {
    std::uint32_t servers = 5;
    std::uint64_t seed = 1;
    bool unreliable = false;
    bool crashes = false;
    double duration_s = 30;
    std::string scenario;
    bool list_scenarios = false;
    int verbose = 0;
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
    try {
        s->run(f.seed, sim::LabOptions{f.verbose, nullptr});
    } catch (const sim::SimFailure& e) {
        std::printf("FAIL %s (lab %s) seed %llu: %s\nreplay: %s\n", s->name, s->lab,
                    static_cast<unsigned long long>(f.seed), e.what(), replay_command(f).c_str());
        return kExitViolation;
    }
    std::printf("PASS %s (lab %s) seed %llu in %.3f s wall\n", s->name, s->lab, static_cast<unsigned long long>(f.seed),
                seconds_since(t0));
    return kExitOk;
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
    const auto t0 = std::chrono::steady_clock::now();
    const sim::FreeRunReport r = sim::free_run(o);
    print_report(f, r, seconds_since(t0));
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
    cmd->add_option("--duration", flags->duration_s, "Virtual seconds of faults before healing")->check(CLI::Range(0.1, 3600.0));
    cmd->add_option("--scenario", flags->scenario, "Run one 6.824 test instead (see --list-scenarios)");
    cmd->add_flag("--list-scenarios", flags->list_scenarios, "List the 6.824 scenarios and exit");
    cmd->add_flag("-v,--verbose", flags->verbose, "Print elections and faults; twice: every step");
    return [flags] {
        if (flags->list_scenarios) {
            for (const sim::Scenario& s : sim::all_scenarios()) std::printf("%-20s lab %s\n", s.name, s.lab);
            return kExitOk;
        }
        return flags->scenario.empty() ? run_free(*flags) : run_scenario(*flags);
    };
}

}  // namespace raftcheck
