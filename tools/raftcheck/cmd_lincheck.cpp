// `raftcheck lincheck HISTORY`: is this client history of the key/value service linearizable?
// Exit 0 linearizable, 1 not (with the smallest non-linearizable window, and optionally its
// picture), 2 for a history that cannot be read or a budget that ran out before a verdict.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "lincheck/check.hpp"
#include "lincheck/history_json.hpp"
#include "lincheck/render.hpp"
#include "tools/raftcheck/commands.hpp"

namespace raftcheck {
namespace {

struct LincheckFlags {
    std::string file;
    bool json = false;
    std::string svg_file;
    std::string html_file;
    double timeout_seconds = 60;
    std::uint64_t max_steps = 0;
};

struct Totals {
    std::uint64_t configurations = 0;
    std::size_t ops_searched = 0;
};

Totals totals_of(const lincheck::CheckResult& r) {
    Totals t;
    for (const lincheck::KeyResult& k : r.keys) {
        t.configurations += k.stats.configurations;
        t.ops_searched += k.stats.ops_searched;
    }
    return t;
}

void print_window(const lincheck::Window& w) {
    std::printf("  window (call order; * marks the failing operation, whose return ends the shortest non-linearizable prefix):\n");
    std::printf("       %-7s %-7s %-44s %-14s %s\n", "op#", "client", "operation", "call", "return");
    for (std::size_t i = 0; i < w.ops.size(); ++i) {
        const lincheck::Operation& op = w.ops[i];
        std::string what = std::string(lincheck::kind_name(op.kind)) + "(\"" + op.key + "\"" + (op.mutates() ? ", \"" + op.value + "\"" : "") + ")";
        if (op.kind == lincheck::OpKind::Get && !op.open()) what += " -> \"" + op.output + "\"";
        std::printf("    %s  %-7zu %-7llu %-44s %-14lld %s\n", i == w.failing ? "*" : " ", w.origin[i], static_cast<unsigned long long>(op.client),
                    what.c_str(), static_cast<long long>(op.call), op.open() ? "no reply" : std::to_string(op.ret).c_str());
    }
    std::printf("  (%zu operations of the window, %zu in the shortest failing prefix, %zu on the key%s)\n", w.ops.size(), w.prefix_ops, w.key_ops,
                w.minimal ? "" : "; the budget ran out while shrinking, so the window may not be minimal");
}

nlohmann::json window_json(const lincheck::Window& w) {
    nlohmann::json ops = nlohmann::json::array();
    for (std::size_t i = 0; i < w.ops.size(); ++i) {
        nlohmann::json op = nlohmann::json::parse(lincheck::operation_json(w.ops[i]));
        op["op"] = w.origin[i];
        op["failing"] = i == w.failing;
        ops.push_back(op);
    }
    return {{"key", w.key}, {"operations", ops}, {"prefix_operations", w.prefix_ops}, {"key_operations", w.key_ops}, {"minimal", w.minimal}};
}

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    return static_cast<bool>(out);
}

int run_lincheck(const LincheckFlags& f) {
    const auto t0 = std::chrono::steady_clock::now();
    lincheck::History history;
    try {
        history = lincheck::read_history_file(f.file);
    } catch (const lincheck::HistoryError& e) {
        std::fprintf(stderr, "raftcheck: bad history: %s\n", e.what());
        return kExitUsage;
    }
    lincheck::CheckOptions options;
    options.timeout_seconds = f.timeout_seconds;
    options.max_steps = f.max_steps;
    const lincheck::CheckResult r = lincheck::check_history(history, options);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const Totals totals = totals_of(r);
    std::set<lincheck::ClientId> clients;
    for (const lincheck::Operation& op : history.ops) clients.insert(op.client);

    if (r.window) {
        if (!f.svg_file.empty() && !write_file(f.svg_file, lincheck::render_window_svg(*r.window))) {
            std::fprintf(stderr, "raftcheck: cannot write %s\n", f.svg_file.c_str());
            return kExitUsage;
        }
        if (!f.html_file.empty() && !write_file(f.html_file, lincheck::render_window_html(*r.window))) {
            std::fprintf(stderr, "raftcheck: cannot write %s\n", f.html_file.c_str());
            return kExitUsage;
        }
    }
    const char* verdict = r.verdict == lincheck::Verdict::Linearizable ? "linearizable"
                          : r.verdict == lincheck::Verdict::NotLinearizable ? "not_linearizable"
                                                                            : "unknown";
    if (f.json) {
        nlohmann::json out = {{"verdict", verdict},
                              {"operations", history.ops.size()},
                              {"clients", clients.size()},
                              {"keys", r.keys_total},
                              {"keys_checked", r.keys.size()},
                              {"operations_searched", totals.ops_searched},
                              {"configurations", totals.configurations},
                              {"steps", r.steps},
                              {"seconds", secs},
                              {"failing_key", r.window ? nlohmann::json(r.window->key) : nlohmann::json(nullptr)},
                              {"window", r.window ? window_json(*r.window) : nlohmann::json(nullptr)}};
        std::printf("%s\n", out.dump().c_str());
    } else if (r.verdict == lincheck::Verdict::Linearizable) {
        std::printf("OK: linearizable: %zu operations of %zu clients on %zu key%s\n", history.ops.size(), clients.size(), r.keys_total,
                    r.keys_total == 1 ? "" : "s");
        std::printf("  %.3f s, %llu steps, %llu configurations explored (%zu operations searched, after dropping %zu that cannot matter)\n", secs,
                    static_cast<unsigned long long>(r.steps), static_cast<unsigned long long>(totals.configurations), totals.ops_searched,
                    history.ops.size() - totals.ops_searched);
    } else if (r.verdict == lincheck::Verdict::NotLinearizable) {
        std::printf("NOT LINEARIZABLE: key \"%s\"\n", r.window ? r.window->key.c_str() : r.keys.back().key.c_str());
        if (r.window) print_window(*r.window);
        std::printf("  %.3f s, %llu steps; %zu of %zu keys checked\n", secs, static_cast<unsigned long long>(r.steps), r.keys.size(), r.keys_total);
    } else {
        std::string undecided;
        for (const lincheck::KeyResult& k : r.keys) {
            if (k.verdict == lincheck::Verdict::Unknown) undecided += (undecided.empty() ? "\"" : ", \"") + k.key + "\"";
        }
        char budget[96];
        std::snprintf(budget, sizeof budget, "%g s, %llu steps (0: no limit), 1 GiB per key", f.timeout_seconds,
                      static_cast<unsigned long long>(f.max_steps));
        std::printf("UNKNOWN: the budget (%s) ran out before a verdict; undecided: key %s\n", budget, undecided.c_str());
        std::printf("  %.3f s, %llu steps%s\n", secs, static_cast<unsigned long long>(r.steps),
                    r.keys_total > 1 ? "; every key not listed is linearizable" : "");
    }
    if (r.verdict == lincheck::Verdict::Linearizable) return kExitOk;
    return r.verdict == lincheck::Verdict::NotLinearizable ? kExitViolation : kExitUsage;
}

}  // namespace

Runner add_lincheck_command(CLI::App& app) {
    auto flags = std::make_shared<LincheckFlags>();
    CLI::App* cmd = app.add_subcommand("lincheck", "Decide whether a key/value history (lincheck/FORMAT.md) is linearizable");
    cmd->add_option("history", flags->file, "History file (JSON)")->required();
    cmd->add_flag("--json", flags->json, "Print one JSON object instead of text");
    cmd->add_option("--svg", flags->svg_file, "On a violation, draw the window to this SVG file");
    cmd->add_option("--html", flags->html_file, "On a violation, write the window as an HTML page (picture and table)");
    cmd->add_option("--timeout", flags->timeout_seconds, "Give up (unknown, exit 2) after this many seconds (0: never)")
        ->check(CLI::Range(0.0, 86400.0));
    cmd->add_option("--max-steps", flags->max_steps, "Give up after this many search steps (0: no limit); deterministic, unlike --timeout");
    return [flags] { return run_lincheck(*flags); };
}

}  // namespace raftcheck
