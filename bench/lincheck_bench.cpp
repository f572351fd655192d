// Not a test: generates histories of the simulated KV store (bench/history_generator.*) and
// checks each with lincheck, printing histories per second, mean and max milliseconds per
// history, and how many were decided. Generation is not timed; checking is, per history,
// including the window of any history found not linearizable.
//
//   lincheck_bench [--histories N] [--ops N] [--clients N] [--keys N] [--seed S]
//                  [--lost-request PERMILLE] [--lost-reply PERMILLE] [--retry PERMILLE]
//                  [--timeout SECONDS] [--write FILE [--bug duplicate-append|stale-read]
//                  [--bug-permille N]]
// --write FILE writes the first history in the format of lincheck/FORMAT.md and exits; with
// --bug, from the store with that planted bug (bench/history_generator.hpp).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "bench/history_generator.hpp"
#include "lincheck/check.hpp"
#include "lincheck/history_json.hpp"

namespace {

std::uint64_t number(int& i, int argc, char** argv) {
    if (i + 1 >= argc) {
        std::fprintf(stderr, "lincheck_bench: %s needs a value\n", argv[i]);
        std::exit(2);
    }
    char* end = nullptr;
    const std::uint64_t v = std::strtoull(argv[++i], &end, 10);
    if (end == argv[i] || *end != '\0') {
        std::fprintf(stderr, "lincheck_bench: bad number '%s'\n", argv[i]);
        std::exit(2);
    }
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    histgen::GeneratorConfig config;
    std::uint64_t histories = 1000;
    double timeout = 10;
    std::string write_to;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--histories") histories = number(i, argc, argv);
        else if (a == "--ops") config.operations = number(i, argc, argv);
        else if (a == "--clients") config.clients = number(i, argc, argv);
        else if (a == "--keys") config.keys = number(i, argc, argv);
        else if (a == "--seed") config.seed = number(i, argc, argv);
        else if (a == "--lost-request") config.lost_request_permille = static_cast<unsigned>(number(i, argc, argv));
        else if (a == "--lost-reply") config.lost_reply_permille = static_cast<unsigned>(number(i, argc, argv));
        else if (a == "--retry") config.retry_permille = static_cast<unsigned>(number(i, argc, argv));
        else if (a == "--timeout") timeout = static_cast<double>(number(i, argc, argv));
        else if (a == "--write" && i + 1 < argc) write_to = argv[++i];
        else if (a == "--bug-permille") config.bug_permille = static_cast<unsigned>(number(i, argc, argv));
        else if (a == "--bug" && i + 1 < argc) {
            const std::string bug = argv[++i];
            if (bug == "duplicate-append") config.bug = histgen::PlantedBug::DuplicateAppend;
            else if (bug == "stale-read") config.bug = histgen::PlantedBug::StaleRead;
            else {
                std::fprintf(stderr, "lincheck_bench: unknown bug '%s' (duplicate-append, stale-read)\n", bug.c_str());
                return 2;
            }
        }
        else {
            std::fprintf(stderr, "lincheck_bench: unknown argument '%s'\n", a.c_str());
            return 2;
        }
    }
    if (config.clients == 0 || config.keys == 0) {
        std::fprintf(stderr, "lincheck_bench: --clients and --keys must be positive\n");
        return 2;
    }
    if (!write_to.empty()) {
        const histgen::GeneratedHistory g = histgen::generate_history(config);
        std::ofstream(write_to) << lincheck::write_history(g.history);
        if (config.bug != histgen::PlantedBug::None) std::printf("planted bug shows %zu times\n", g.bug_manifested);
        return 0;
    }
    if (config.bug != histgen::PlantedBug::None) {
        std::fprintf(stderr, "lincheck_bench: --bug goes with --write\n");
        return 2;
    }
    const std::uint64_t first_seed = config.seed;
    double total_s = 0, max_s = 0;
    std::uint64_t decided = 0, linearizable = 0, open_ops = 0, configurations = 0;
    std::uint64_t max_seed = first_seed;
    for (std::uint64_t h = 0; h < histories; ++h) {
        config.seed = first_seed + h;
        const histgen::GeneratedHistory g = histgen::generate_history(config);
        open_ops += g.open_ops;
        lincheck::CheckOptions options;
        options.timeout_seconds = timeout;
        const auto t0 = std::chrono::steady_clock::now();
        const lincheck::CheckResult r = lincheck::check_history(g.history, options);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        total_s += s;
        if (s > max_s) {
            max_s = s;
            max_seed = config.seed;
        }
        decided += r.verdict != lincheck::Verdict::Unknown;
        linearizable += r.verdict == lincheck::Verdict::Linearizable;
        for (const lincheck::KeyResult& k : r.keys) configurations += k.stats.configurations;
    }
    std::printf("histories=%llu ops=%zu clients=%zu keys=%zu seeds=%llu..%llu lost_request=%u lost_reply=%u retry=%u (permille)\n",
                static_cast<unsigned long long>(histories), config.operations, config.clients, config.keys,
                static_cast<unsigned long long>(first_seed), static_cast<unsigned long long>(first_seed + histories - 1),
                config.lost_request_permille, config.lost_reply_permille, config.retry_permille);
    std::printf("decided=%llu/%llu linearizable=%llu open_ops_per_history=%.1f configurations_per_history=%.0f\n",
                static_cast<unsigned long long>(decided), static_cast<unsigned long long>(histories),
                static_cast<unsigned long long>(linearizable), static_cast<double>(open_ops) / static_cast<double>(histories),
                static_cast<double>(configurations) / static_cast<double>(histories));
    std::printf("check time: %.2f s total, %.1f histories/s, mean %.2f ms, max %.2f ms (seed %llu)\n", total_s,
                static_cast<double>(histories) / total_s, 1000 * total_s / static_cast<double>(histories), 1000 * max_s,
                static_cast<unsigned long long>(max_seed));
    return decided == histories && linearizable == histories ? 0 : 1;
}
