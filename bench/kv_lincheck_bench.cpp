// Not a test: issue 6's linearizability figure on histories of the real service. Each history
// comes from a run of the simulated key/value service (sim::kv_free_run: `servers` raft
// nodes, `clients` clerks, GenericTest's random-key mix, an unreliable network, crashes and
// partitions), is written in the history format and read back (as `raftcheck lincheck`
// would), and is checked by lincheck. Prints histories per second of checking, mean and max
// milliseconds per history, and how many were decided; exit 1 unless every history is
// decided and linearizable.
//
//   kv_lincheck_bench [--histories N] [--ops N] [--servers N] [--clients N] [--seed S]
//                     [--jobs J] [--timeout SECONDS]
//
// Runs are independent, so J threads take seeds from a shared counter; each history's check
// is timed on its own thread (the figure is check time, as in lincheck_bench; generation and
// parsing are reported apart). Results are gathered per seed, so the output does not depend
// on J.

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "lincheck/check.hpp"
#include "lincheck/history_json.hpp"
#include "sim/cluster.hpp"
#include "sim/kv_history.hpp"
#include "sim/kv_scenarios.hpp"

namespace {

std::uint64_t number(int& i, int argc, char** argv) {
    if (i + 1 >= argc) {
        std::fprintf(stderr, "kv_lincheck_bench: %s needs a value\n", argv[i]);
        std::exit(2);
    }
    char* end = nullptr;
    const std::uint64_t v = std::strtoull(argv[++i], &end, 10);
    if (end == argv[i] || *end != '\0') {
        std::fprintf(stderr, "kv_lincheck_bench: bad number '%s'\n", argv[i]);
        std::exit(2);
    }
    return v;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// CPU time of the calling thread: unlike wall time, it does not grow when other processes
// share the cores, so both are reported.
double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Run {
    bool ran = false;
    std::string failure;  // the simulator's own check failed
    std::size_t operations = 0;
    std::size_t returned = 0;
    double generate_s = 0;
    double parse_s = 0;
    double check_s = 0;
    double check_cpu_s = 0;
    lincheck::Verdict verdict = lincheck::Verdict::Unknown;
    std::uint64_t configurations = 0;
};

Run one_history(const sim::KvFreeRunOptions& base, std::uint64_t seed, double timeout) {
    Run run;
    sim::KvFreeRunOptions o = base;
    o.seed = seed;
    sim::KvHistory history;
    o.lab.history_out = &history;
    auto t0 = std::chrono::steady_clock::now();
    try {
        sim::kv_free_run(o);
    } catch (const sim::SimFailure& e) {
        run.failure = e.what();
        return run;
    }
    run.generate_s = seconds_since(t0);
    run.operations = history.operations().size();
    run.returned = history.completed();

    t0 = std::chrono::steady_clock::now();
    std::ostringstream json;
    history.write_json(json);
    const lincheck::History h = lincheck::parse_history(json.str(), "seed " + std::to_string(seed));
    run.parse_s = seconds_since(t0);

    lincheck::CheckOptions options;
    options.timeout_seconds = timeout;
    t0 = std::chrono::steady_clock::now();
    const double cpu0 = thread_cpu_seconds();
    const lincheck::CheckResult r = lincheck::check_history(h, options);
    run.check_cpu_s = thread_cpu_seconds() - cpu0;
    run.check_s = seconds_since(t0);
    run.verdict = r.verdict;
    for (const lincheck::KeyResult& k : r.keys) run.configurations += k.stats.configurations;
    run.ran = true;
    return run;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t histories = 1000, first_seed = 1;
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    double timeout = 10;
    sim::KvFreeRunOptions o;
    o.servers = 7;
    o.clients = 15;
    o.max_operations = 10'000;
    o.duration_ms = 3'600'000;
    o.unreliable = o.crashes = o.partitions = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--histories") histories = number(i, argc, argv);
        else if (a == "--ops") o.max_operations = number(i, argc, argv);
        else if (a == "--servers") o.servers = static_cast<std::uint32_t>(number(i, argc, argv));
        else if (a == "--clients") o.clients = static_cast<std::uint32_t>(number(i, argc, argv));
        else if (a == "--seed") first_seed = number(i, argc, argv);
        else if (a == "--jobs") jobs = static_cast<unsigned>(number(i, argc, argv));
        else if (a == "--timeout") timeout = static_cast<double>(number(i, argc, argv));
        else {
            std::fprintf(stderr, "kv_lincheck_bench: unknown argument '%s'\n", a.c_str());
            return 2;
        }
    }
    if (histories == 0 || jobs == 0 || o.clients == 0 || o.servers == 0 || o.max_operations == 0) {
        std::fprintf(stderr, "kv_lincheck_bench: --histories, --jobs, --servers, --clients and --ops must be positive\n");
        return 2;
    }

    std::vector<Run> runs(histories);
    std::atomic<std::uint64_t> next{0}, done{0};
    const auto wall0 = std::chrono::steady_clock::now();
    auto worker = [&] {
        for (std::uint64_t k; (k = next.fetch_add(1)) < histories;) {
            runs[k] = one_history(o, first_seed + k, timeout);
            const std::uint64_t d = done.fetch_add(1) + 1;
            if (d % 100 == 0) std::fprintf(stderr, "  %llu/%llu histories (%.0f s)\n", static_cast<unsigned long long>(d),
                                           static_cast<unsigned long long>(histories), seconds_since(wall0));
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < jobs; ++t) pool.emplace_back(worker);
    for (std::thread& t : pool) t.join();
    const double wall = seconds_since(wall0);

    std::uint64_t ran = 0, decided = 0, linearizable = 0;
    double generate = 0, parse = 0, check = 0, max_check = 0, check_cpu = 0, max_check_cpu = 0;
    std::uint64_t max_seed = first_seed, operations = 0, returned = 0, configurations = 0;
    for (std::uint64_t k = 0; k < histories; ++k) {
        const Run& r = runs[k];
        if (!r.ran) {
            std::printf("seed %llu: the simulation failed: %s\n", static_cast<unsigned long long>(first_seed + k), r.failure.c_str());
            continue;
        }
        ++ran;
        decided += r.verdict != lincheck::Verdict::Unknown;
        linearizable += r.verdict == lincheck::Verdict::Linearizable;
        if (r.verdict != lincheck::Verdict::Linearizable)
            std::printf("seed %llu: %s\n", static_cast<unsigned long long>(first_seed + k),
                        r.verdict == lincheck::Verdict::Unknown ? "UNKNOWN" : "NOT LINEARIZABLE");
        generate += r.generate_s;
        parse += r.parse_s;
        check += r.check_s;
        check_cpu += r.check_cpu_s;
        max_check_cpu = std::max(max_check_cpu, r.check_cpu_s);
        operations += r.operations;
        returned += r.returned;
        configurations += r.configurations;
        if (r.check_s > max_check) {
            max_check = r.check_s;
            max_seed = first_seed + k;
        }
    }
    const double n = static_cast<double>(std::max<std::uint64_t>(ran, 1));
    std::printf("histories=%llu servers=%u clients=%u ops=%zu seeds=%llu..%llu jobs=%u (unreliable network, crashes, partitions)\n",
                static_cast<unsigned long long>(histories), o.servers, o.clients, o.max_operations,
                static_cast<unsigned long long>(first_seed), static_cast<unsigned long long>(first_seed + histories - 1), jobs);
    std::printf("simulated=%llu decided=%llu linearizable=%llu operations_per_history=%.0f returned_per_history=%.0f configurations_per_history=%.0f\n",
                static_cast<unsigned long long>(ran), static_cast<unsigned long long>(decided),
                static_cast<unsigned long long>(linearizable), static_cast<double>(operations) / n,
                static_cast<double>(returned) / n, static_cast<double>(configurations) / n);
    std::printf("check time: %.2f s total, %.1f histories/s, mean %.2f ms, max %.2f ms (seed %llu)\n", check,
                n / check, 1000 * check / n, 1000 * max_check, static_cast<unsigned long long>(max_seed));
    std::printf("check CPU time: %.2f s total, %.1f histories/s, mean %.2f ms, max %.2f ms\n", check_cpu, n / check_cpu,
                1000 * check_cpu / n, 1000 * max_check_cpu);
    std::printf("generation %.1f s, writing+parsing %.1f s (summed over threads); wall %.1f s\n", generate, parse, wall);
    return ran == histories && decided == histories && linearizable == histories ? 0 : 1;
}
