// `raftcheck validate TRACE...`: is this recorded run a behaviour of the spec? Exit 0 with
// statistics, 1 naming the first event no behaviour explains, 2 for a trace that cannot be
// read (with its file and line).

#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tools/raftcheck/commands.hpp"
#include "traces/etcd_check.hpp"
#include "traces/prefetch_reader.hpp"
#include "traces/validator.hpp"

namespace raftcheck {
namespace {

struct ValidateFlags {
    std::vector<std::string> files;
    std::string format = "raftcheck";
    traces::ValidatorOptions options;
    bool json = false;
    double progress_seconds = 5;
};

// The process's peak resident memory, from the kernel's own count (ru_maxrss is in KiB).
std::uint64_t peak_rss_bytes() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
}

double thread_cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void print_failure(const traces::Failure& f) {
    std::printf("%s at %s:%llu (event %llu): %s\n", f.inconclusive ? "INCONCLUSIVE" : "VIOLATION", f.file.c_str(),
                static_cast<unsigned long long>(f.line), static_cast<unsigned long long>(f.event_index), f.action.c_str());
    std::printf("  %s\n", f.reason.c_str());
    if (f.attempts.empty()) return;
    std::printf("  spec actions tried:\n");
    for (const traces::Attempt& a : f.attempts) {
        std::printf("    %s: %s\n", a.action.c_str(), a.why.empty() ? "enabled, but the result disagrees with the trace" : a.why.c_str());
        if (a.mismatches.empty()) continue;
        std::printf("      %-14s %-40s %s\n", "variable", "spec says", "trace says");
        for (const traces::Mismatch& m : a.mismatches) {
            std::printf("      %-14s %-40s %s\n", m.variable.c_str(), m.expected.c_str(), m.observed.c_str());
        }
    }
}

nlohmann::json failure_json(const traces::Failure& f) {
    nlohmann::json attempts = nlohmann::json::array();
    for (const traces::Attempt& a : f.attempts) {
        nlohmann::json mism = nlohmann::json::array();
        for (const auto& m : a.mismatches) mism.push_back({{"variable", m.variable}, {"spec", m.expected}, {"trace", m.observed}});
        attempts.push_back({{"action", a.action}, {"why", a.why}, {"mismatches", mism}});
    }
    return {{"file", f.file},     {"line", f.line},         {"event", f.event_index},       {"action", f.action},
            {"reason", f.reason}, {"attempts", attempts}, {"inconclusive", f.inconclusive}};
}

int run_validate(const ValidateFlags& f) {
    const auto t0 = std::chrono::steady_clock::now();
    auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    traces::Validator validator(f.options);
    bool ok = true;
    double reader_cpu = 0;
    try {
        traces::PrefetchReader reader(std::make_unique<traces::TraceReader>(f.files));
        double last_progress = 0;
        while (const traces::Event* e = reader.next_event()) {
            if (!validator.feed(*e)) {
                ok = false;
                break;
            }
            if (f.progress_seconds > 0 && (validator.stats().events & 0xFFFF) == 0 && seconds() - last_progress >= f.progress_seconds) {
                last_progress = seconds();
                std::fprintf(stderr, "progress: %.1f s, %llu events, %.0f events/s\n", last_progress,
                             static_cast<unsigned long long>(validator.stats().events), validator.stats().events / last_progress);
            }
        }
        reader_cpu = reader.reader_cpu_seconds();
    } catch (const traces::TraceError& e) {
        std::fprintf(stderr, "raftcheck: %s\n", e.what());
        return kExitUsage;
    }
    const double secs = seconds();
    const traces::ValidatorStats& s = validator.stats();
    if (f.json) {
        nlohmann::json out = {{"ok", ok},
                              {"events", s.events},
                              {"seconds", secs},
                              {"events_per_second", secs > 0 ? s.events / secs : 0.0},
                              {"hidden_steps", s.hidden_steps},
                              {"duplicates_assumed", s.duplicates_assumed},
                              {"max_candidates", s.max_candidates},
                              {"messages_in_flight_at_end", s.in_flight},
                              {"peak_memory_bytes", peak_rss_bytes()},
                              // Each thread's CPU time: reading and checking overlap, so the
                              // slower of the two bounds the rate when both have a core.
                              {"reader_cpu_seconds", reader_cpu},
                              {"validator_cpu_seconds", thread_cpu_seconds()},
                              {"failure", validator.failure() ? failure_json(*validator.failure()) : nlohmann::json(nullptr)}};
        std::printf("%s\n", out.dump().c_str());
    } else if (ok) {
        std::printf("OK: every event of the trace is a step of the spec (raft model, %u servers)\n", validator.servers());
        std::printf("  %llu events in %.3f s (%.0f events/s); %llu hidden steps inserted (%llu duplicated messages); "
                    "at most %llu explanations at once; peak memory %.1f MiB\n",
                    static_cast<unsigned long long>(s.events), secs, secs > 0 ? s.events / secs : 0.0,
                    static_cast<unsigned long long>(s.hidden_steps), static_cast<unsigned long long>(s.duplicates_assumed),
                    static_cast<unsigned long long>(s.max_candidates), peak_rss_bytes() / 1048576.0);
    } else {
        print_failure(*validator.failure());
        std::printf("  (%llu events validated before it, in %.3f s)\n", static_cast<unsigned long long>(s.events - 1), secs);
    }
    if (ok) return kExitOk;
    return validator.failure()->inconclusive ? kExitUsage : kExitViolation;
}

nlohmann::json hidden_lines(const traces::ValidatorStats& s) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [line, steps] : s.hidden_at) out.push_back({{"line", line}, {"steps", steps}});
    return out;
}

// An etcd-io/raft trace: translated event by event into the spec's vocabulary and checked
// against the raft model with etcd's options, up to the first event beyond the spec.
int run_validate_etcd(const ValidateFlags& f) {
    if (f.files.size() != 1) {
        std::fprintf(stderr, "raftcheck: --format etcd reads one file (etcd logs every node to one trace)\n");
        return kExitUsage;
    }
    const auto t0 = std::chrono::steady_clock::now();
    traces::EtcdCheck r;
    try {
        r = traces::check_etcd_trace(f.files.front(), traces::etcd_options(f.options));
    } catch (const traces::TraceError& e) {
        std::fprintf(stderr, "raftcheck: %s\n", e.what());
        return kExitUsage;
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const traces::ValidatorStats& s = r.stats;
    if (f.json) {
        nlohmann::json out = {{"ok", r.ok},
                              {"format", "etcd"},
                              {"etcd_events", r.etcd_events},
                              {"etcd_events_checked", r.checked},
                              {"checked_through_line", r.checked_through_line},
                              {"beyond_the_spec", r.beyond ? nlohmann::json(*r.beyond) : nlohmann::json(nullptr)},
                              {"spec_events", s.events},
                              {"seconds", secs},
                              {"hidden_steps", s.hidden_steps},
                              {"hidden_steps_before_lines", hidden_lines(s)},
                              {"max_candidates", s.max_candidates},
                              {"peak_memory_bytes", peak_rss_bytes()},
                              {"failure", r.failure ? failure_json(*r.failure) : nlohmann::json(nullptr)}};
        std::printf("%s\n", out.dump().c_str());
    } else if (!r.ok) {
        print_failure(*r.failure);
        std::printf("  (%llu etcd events checked before it, in %.3f s)\n", static_cast<unsigned long long>(r.checked), secs);
    } else {
        std::printf("%s: %llu of %llu etcd events (through line %llu) are a behaviour of the spec (raft model with etcd's options, %u servers)\n",
                    r.beyond ? "PARTIAL" : "OK", static_cast<unsigned long long>(r.checked), static_cast<unsigned long long>(r.etcd_events),
                    static_cast<unsigned long long>(r.checked_through_line), r.servers);
        if (r.beyond) std::printf("  stopped at %s\n", r.beyond->c_str());
        std::printf("  %llu spec steps in %.3f s; %llu hidden steps inserted; at most %llu explanations at once; peak memory %.1f MiB\n",
                    static_cast<unsigned long long>(s.events), secs, static_cast<unsigned long long>(s.hidden_steps),
                    static_cast<unsigned long long>(s.max_candidates), peak_rss_bytes() / 1048576.0);
    }
    if (r.ok) return kExitOk;
    return r.failure->inconclusive ? kExitUsage : kExitViolation;
}

}  // namespace

Runner add_validate_command(CLI::App& app) {
    auto flags = std::make_shared<ValidateFlags>();
    CLI::App* cmd = app.add_subcommand("validate", "Check a recorded trace (traces/FORMAT.md) against the spec");
    cmd->add_option("traces", flags->files, "Trace files (NDJSON); several are merged by their clocks")->required()->check(CLI::ExistingFile);
    cmd->add_option("--max-hidden-steps", flags->options.max_hidden_steps,
                    "Unlogged spec steps to try before an event nothing else explains")
        ->check(CLI::Range(0u, 8u));
    cmd->add_option("--max-candidates", flags->options.max_candidates, "Give up (inconclusive) beyond this many explanations at once")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 24));
    cmd->add_option("--duplicate-window", flags->options.duplicate_window,
                    "Consumed messages remembered, to explain one received twice (0: never assume a duplicate)");
    cmd->add_option("--progress", flags->progress_seconds, "Seconds between progress lines (0: none)")->check(CLI::Range(0.0, 3600.0));
    cmd->add_flag("--json", flags->json, "Print one JSON object instead of text");
    cmd->add_option("--format", flags->format,
                    "raftcheck: this project's format (traces/FORMAT.md); etcd: a trace from etcd-io/raft's trace logger")
        ->check(CLI::IsMember({"raftcheck", "etcd"}));
    return [flags] { return flags->format == "etcd" ? run_validate_etcd(*flags) : run_validate(*flags); };
}

}  // namespace raftcheck
