// `raftcheck kv-sim`: the replicated key/value service over the simulated cluster, either
// one of the 6.824 lab 3A and 3B tests (--scenario) or a free-running workload under chosen
// faults (with snapshots when --maxraftstate is given),
// writing the client-observed history (--history) for the linearizability checker.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "sim/kv_mutants.hpp"
#include "sim/kv_scenarios.hpp"
#include "tools/raftcheck/commands.hpp"
#include "tools/raftcheck/parallel_runs.hpp"

namespace raftcheck {
namespace {

struct KvSimFlags {
    std::string scenario;
    std::uint64_t seed = 1;
    std::uint64_t seeds = 1;
    unsigned jobs = 1;
    bool list_scenarios = false;
    std::uint32_t servers = 5;
    std::uint32_t clients = 5;
    double seconds = 10;
    std::size_t operations = 0;  // 0: no limit
    bool unreliable = false;
    bool crashes = false;
    bool partitions = false;
    std::int64_t maxraftstate = -1;
    std::string history;
    std::string plant_bug;
    int verbose = 0;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string replay_command(const KvSimFlags& f, std::uint64_t seed) {
    std::string cmd = "raftcheck kv-sim";
    if (!f.scenario.empty()) {
        cmd += " --scenario " + f.scenario;
    } else {
        cmd += " --servers " + std::to_string(f.servers) + " --clients " + std::to_string(f.clients);
        char buf[32];
        std::snprintf(buf, sizeof buf, " --seconds %g", f.seconds);
        cmd += buf;
        if (f.operations > 0) cmd += " --operations " + std::to_string(f.operations);
        if (f.unreliable) cmd += " --unreliable";
        if (f.crashes) cmd += " --crashes";
        if (f.partitions) cmd += " --partitions";
        if (f.maxraftstate >= 0) cmd += " --maxraftstate " + std::to_string(f.maxraftstate);
    }
    if (!f.plant_bug.empty()) cmd += " --plant-bug " + f.plant_bug;
    return cmd + " --seed " + std::to_string(seed) + " -v";
}

// The options every run gets: verbosity and the planted bug, if any.
sim::KvLabOptions lab_options(const KvSimFlags& f) {
    sim::KvLabOptions o;
    o.verbosity = f.verbose;
    if (!f.plant_bug.empty()) sim::plant_kv_bug(*sim::find_kv_bug(f.plant_bug), o);
    return o;
}

void write_history(const KvSimFlags& f, const sim::KvHistory& h) {
    if (f.history.empty()) return;
    std::ofstream out(f.history, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write history file " + f.history);
    h.write_json(out);
    out.flush();
    if (!out) throw std::runtime_error("error writing history file " + f.history);
    std::printf("history:  %zu operations (%zu returned) written to %s\n", h.operations().size(), h.completed(),
                f.history.c_str());
}

int run_one_scenario(const KvSimFlags& f, const sim::KvScenario& s) {
    sim::KvLabOptions o = lab_options(f);
    sim::KvHistory history;
    sim::Millis virtual_ms = 0;
    o.history_out = &history;
    o.virtual_time_out = &virtual_ms;
    const auto t0 = std::chrono::steady_clock::now();
    std::string failure;
    try {
        s.run(f.seed, o);
    } catch (const sim::SimFailure& e) {
        failure = e.what();
    }
    if (failure.empty()) {
        std::printf("PASS %s seed %llu: %.1f s virtual, %.3f s wall\n", s.name, static_cast<unsigned long long>(f.seed),
                    virtual_ms / 1000.0, seconds_since(t0));
    } else {
        std::printf("FAIL %s seed %llu: %s\nreplay: %s\n", s.name, static_cast<unsigned long long>(f.seed),
                    failure.c_str(), replay_command(f, f.seed).c_str());
    }
    write_history(f, history);
    return failure.empty() ? kExitOk : kExitViolation;
}

// --scenario: one name, "all", or a lab ("3A", "3B") for all of its scenarios.
bool chosen_by(const std::string& scenario, const sim::KvScenario& s) {
    return scenario == "all" || scenario == s.name || scenario == s.lab;
}

// Scenarios times seeds over `jobs` threads; each run owns its simulation, so runs share nothing.
int run_suite(const KvSimFlags& f) {
    std::vector<const sim::KvScenario*> chosen;
    for (const sim::KvScenario& s : sim::all_kv_scenarios()) {
        if (chosen_by(f.scenario, s)) chosen.push_back(&s);
    }
    struct Result {
        std::string failure;
        double seconds = 0;
        sim::Millis virtual_ms = 0;
        std::size_t operations = 0;
    };
    const std::size_t total = chosen.size() * f.seeds;
    std::vector<Result> results(total);
    const auto t0 = std::chrono::steady_clock::now();
    run_parallel(total, f.jobs, [&](std::size_t k) {
        const sim::KvScenario& s = *chosen[k / f.seeds];
        const auto t = std::chrono::steady_clock::now();
        sim::KvLabOptions o = lab_options(f);
        sim::KvHistory history;
        o.virtual_time_out = &results[k].virtual_ms;
        o.history_out = &history;
        try {
            s.run(f.seed + k % f.seeds, o);
        } catch (const sim::SimFailure& e) {
            results[k].failure = e.what();
        }
        results[k].operations = history.operations().size();
        results[k].seconds = seconds_since(t);
    });
    const double wall = seconds_since(t0);

    std::printf("%-56s %-4s %11s %12s %16s %12s\n", "scenario", "lab", "passed", "cpu seconds", "virtual seconds", "operations");
    std::size_t passed_all = 0;
    for (std::size_t c = 0; c < chosen.size(); ++c) {
        std::size_t passed = 0, ops = 0;
        double cpu = 0, virtual_s = 0;
        for (std::uint64_t k = 0; k < f.seeds; ++k) {
            const Result& r = results[c * f.seeds + k];
            passed += r.failure.empty();
            cpu += r.seconds;
            virtual_s += r.virtual_ms / 1000.0;
            ops += r.operations;
        }
        passed_all += passed;
        std::printf("%-56s %-4s %5zu/%-5llu %12.3f %16.1f %12zu\n", chosen[c]->name, chosen[c]->lab, passed,
                    static_cast<unsigned long long>(f.seeds), cpu, virtual_s, ops);
    }
    std::printf("\n%zu/%zu runs passed (seeds %llu..%llu) in %.3f s wall on %u thread(s)\n", passed_all, total,
                static_cast<unsigned long long>(f.seed), static_cast<unsigned long long>(f.seed + f.seeds - 1), wall,
                f.jobs);
    for (std::size_t k = 0; k < total; ++k) {
        if (results[k].failure.empty()) continue;
        KvSimFlags one = f;
        one.scenario = chosen[k / f.seeds]->name;
        const std::uint64_t seed = f.seed + k % f.seeds;
        std::printf("FAIL %s seed %llu: %s\n  replay: %s\n", one.scenario.c_str(), static_cast<unsigned long long>(seed),
                    results[k].failure.c_str(), replay_command(one, seed).c_str());
    }
    return passed_all == total ? kExitOk : kExitViolation;
}

int run_free(const KvSimFlags& f) {
    sim::KvFreeRunOptions o;
    o.servers = f.servers;
    o.clients = f.clients;
    o.duration_ms = static_cast<sim::Millis>(f.seconds * 1000);
    if (f.operations > 0) o.max_operations = f.operations;
    o.seed = f.seed;
    o.unreliable = f.unreliable;
    o.crashes = f.crashes;
    o.partitions = f.partitions;
    o.lab = lab_options(f);
    o.lab.maxraftstate = f.maxraftstate;
    sim::KvHistory history;
    o.lab.history_out = &history;
    const auto t0 = std::chrono::steady_clock::now();
    int code = kExitOk;
    try {
        const sim::KvFreeRunReport r = sim::kv_free_run(o);
        std::string faults = f.unreliable ? "unreliable network" : "";
        if (f.crashes) faults += std::string(faults.empty() ? "" : ", ") + "crashes";
        if (f.partitions) faults += std::string(faults.empty() ? "" : ", ") + "partitions";
        std::printf("raftcheck kv-sim: %u servers, %u clients, seed %llu, faults: %s\n", f.servers, f.clients,
                    static_cast<unsigned long long>(f.seed), faults.empty() ? "none" : faults.c_str());
        std::printf("ran %.1f s of virtual time in %.3f s of wall time\n", r.virtual_ms / 1000.0, seconds_since(t0));
        std::printf("clients:  %zu operations, %zu returned\n", r.operations, r.completed);
        std::printf("requests: %llu sent, %llu lost, %llu replies lost, %llu calls failed, %llu clerk timeouts, %llu wrong-leader replies\n",
                    static_cast<unsigned long long>(r.kv.requests_sent), static_cast<unsigned long long>(r.kv.requests_lost),
                    static_cast<unsigned long long>(r.kv.replies_lost), static_cast<unsigned long long>(r.kv.calls_failed),
                    static_cast<unsigned long long>(r.kv.clerk_timeouts),
                    static_cast<unsigned long long>(r.kv.wrong_leader_replies));
        std::printf("raft:     %llu leaders elected, %llu entries applied, %llu crashes\n",
                    static_cast<unsigned long long>(r.cluster.leaders_elected),
                    static_cast<unsigned long long>(r.cluster.entries_applied),
                    static_cast<unsigned long long>(r.cluster.crashes));
        if (f.maxraftstate >= 0) {
            std::printf("storage:  %llu snapshots taken, %llu installed; at the end at most %zu bytes of raft state (bound %lld), %zu of snapshot\n",
                        static_cast<unsigned long long>(r.cluster.snapshots_taken),
                        static_cast<unsigned long long>(r.cluster.snapshots_installed), r.max_raft_state_bytes,
                        static_cast<long long>(8 * f.maxraftstate), r.max_snapshot_bytes);
        }
        std::printf("safety:   OK  one leader per term, every server applied the same commands in order\n");
    } catch (const sim::SimFailure& e) {
        std::printf("VIOLATION: %s\nreplay: %s\n", e.what(), replay_command(f, f.seed).c_str());
        code = kExitViolation;
    }
    write_history(f, history);
    return code;
}

}  // namespace

Runner add_kv_sim_command(CLI::App& app) {
    auto flags = std::make_shared<KvSimFlags>();
    CLI::App* cmd = app.add_subcommand("kv-sim", "Run the replicated key/value service in the simulator: a 6.824 3A/3B test or a free workload");
    cmd->add_option("--scenario", flags->scenario, "Run a 6.824 lab 3A/3B test (see --list-scenarios), a lab's tests (3A, 3B), or 'all'");
    cmd->add_option("--seed,-s", flags->seed, "Seed: the same seed gives the same run");
    cmd->add_option("--seeds", flags->seeds, "With --scenario: run seeds --seed .. --seed+N-1 and print a table")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}));
    cmd->add_option("--jobs,-j", flags->jobs, "With --seeds: threads to run on")->check(CLI::Range(1u, 256u));
    cmd->add_flag("--list-scenarios", flags->list_scenarios, "List the 3A and 3B scenarios and exit");
    cmd->add_option("--servers,-n", flags->servers, "Free run: number of servers")->check(CLI::Range(1u, 32u));
    cmd->add_option("--clients,-c", flags->clients, "Free run: number of clerks")->check(CLI::Range(1u, 100u));
    cmd->add_option("--seconds", flags->seconds, "Free run: virtual seconds of workload under faults")->check(CLI::Range(0.1, 3600.0));
    cmd->add_option("--operations", flags->operations, "Free run: stop after this many operations (or --seconds, if sooner)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
    cmd->add_flag("--unreliable", flags->unreliable, "Free run: lose 10% of messages, delay the rest");
    cmd->add_flag("--crashes", flags->crashes, "Free run: shut servers down and restart them");
    cmd->add_flag("--partitions", flags->partitions, "Free run: split the servers into two groups, anew every second");
    cmd->add_option("--maxraftstate", flags->maxraftstate,
                    "Free run: servers snapshot once their persisted raft state exceeds this many bytes (-1: never)")
        ->check(CLI::Range(std::int64_t{-1}, std::int64_t{1} << 40));
    cmd->add_option("--history", flags->history, "Write the client-observed history (JSON) to this file");
    cmd->add_option("--plant-bug", flags->plant_bug, "Run with a planted service bug: NoDedup or LocalReadByLeader");
    cmd->add_flag("-v,--verbose", flags->verbose, "Print elections, faults; twice: every step and client call");
    return [flags] {
        const KvSimFlags& f = *flags;
        if (f.list_scenarios) {
            for (const sim::KvScenario& s : sim::all_kv_scenarios()) std::printf("%-56s lab %s\n", s.name, s.lab);
            return kExitOk;
        }
        if (!f.plant_bug.empty() && !sim::find_kv_bug(f.plant_bug)) {
            std::fprintf(stderr, "raftcheck: unknown bug '%s' (NoDedup, LocalReadByLeader)\n", f.plant_bug.c_str());
            return kExitUsage;
        }
        const bool lab = f.scenario == "3A" || f.scenario == "3B";
        if (!f.scenario.empty() && f.scenario != "all" && !lab && !sim::find_kv_scenario(f.scenario)) {
            std::fprintf(stderr, "raftcheck: unknown scenario '%s' (see --list-scenarios)\n", f.scenario.c_str());
            return kExitUsage;
        }
        if (!f.scenario.empty() && f.maxraftstate != -1) {
            std::fprintf(stderr, "raftcheck: --maxraftstate is for the free run: each scenario sets its own\n");
            return kExitUsage;
        }
        const bool suite = f.scenario == "all" || lab || f.seeds > 1;
        if (!f.history.empty() && suite) {
            std::fprintf(stderr, "raftcheck: --history records one run: give one --scenario and one seed\n");
            return kExitUsage;
        }
        if (suite) {
            if (f.scenario.empty()) {
                std::fprintf(stderr, "raftcheck: --seeds needs --scenario\n");
                return kExitUsage;
            }
            return run_suite(f);
        }
        if (!f.scenario.empty()) return run_one_scenario(f, *sim::find_kv_scenario(f.scenario));
        return run_free(f);
    };
}

}  // namespace raftcheck
