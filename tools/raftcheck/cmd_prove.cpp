// `raftcheck prove`: Z3 checks that raft-abstract's safety properties, strengthened by named
// lemmas, are an inductive invariant for N servers, terms up to T and logs up to L: they then
// hold in every reachable state, at any depth. A failed check prints the counterexample to
// induction and writes it as a state file for `raftcheck explore --from`.

#include <z3++.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "prove/prover.hpp"
#include "tools/raftcheck/abstract_files.hpp"
#include "tools/raftcheck/commands.hpp"

namespace raftcheck {
namespace {

namespace sa = spec::abstract;

struct ProveFlags {
    sa::Params params;
    std::string encoding = "bv";  // the fastest measured (README)
    std::string mode = "incremental";
    std::vector<std::string> drop;
    std::string plant_bug;
    std::string cti_path = "cti.json";
    bool json = false;
    bool list = false;
    bool all_instances = false;
};

void print_indented(const std::string& text, const char* indent) {
    for (std::size_t at = 0, nl; at < text.size(); at = nl + 1) {
        nl = text.find('\n', at);
        if (nl == std::string::npos) nl = text.size();
        std::printf("%s%s\n", indent, text.substr(at, nl - at).c_str());
    }
}

std::string version() {
    unsigned major = 0, minor = 0, build = 0, revision = 0;
    Z3_get_version(&major, &minor, &build, &revision);
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(build);
}

const char* kind_of(const prove::Conjunct& c) { return c.lemma ? "lemma" : c.name == "TypeOK" ? "domain" : "safety"; }

// The options the flags ask for, or an error message.
std::optional<prove::ProveOptions> options_of(const ProveFlags& f, std::string& error) {
    if (error = sa::validate(f.params); !error.empty()) return std::nullopt;
    prove::ProveOptions o;
    o.params = f.params;
    o.scalars = f.encoding == "bv" ? prove::Scalars::kBitVector : f.encoding == "enum" ? prove::Scalars::kEnum : prove::Scalars::kInt;
    o.mode = f.mode == "fresh" ? prove::Mode::kFresh : f.mode == "combined" ? prove::Mode::kCombined : prove::Mode::kIncremental;
    o.dropped = f.drop;
    o.symmetry = !f.all_instances;
    if (!f.plant_bug.empty()) {
        o.bug = abstract_mutants::bug_named(f.plant_bug);
        if (!o.bug) {
            error = "unknown bug '" + f.plant_bug + "' for raft-abstract (available: " + abstract_mutants::bug_names() + ")";
            return std::nullopt;
        }
    }
    return o;
}

void print_json(const ProveFlags& f, const prove::ProveReport& r) {
    nlohmann::json checks = nlohmann::json::array(), actions = nlohmann::json::array(), ctis = nlohmann::json::array();
    for (const auto& c : r.checks) checks.push_back({{"action", c.action}, {"conjunct", c.conjunct}, {"holds", c.holds}, {"seconds", c.seconds}});
    for (const auto& [name, secs] : r.action_seconds) actions.push_back({{"action", name}, {"seconds", secs}});
    for (const auto& c : r.ctis) {
        ctis.push_back({{"conjunct", c.conjunct}, {"action", sa::describe(c.action)}, {"before", abstract_state_json({f.params, c.before, ""})},
                        {"after", abstract_state_json({f.params, c.after, ""})}, {"disagreement", c.disagreement}});
    }
    const nlohmann::json out = {{"servers", f.params.servers}, {"max_term", f.params.max_term}, {"max_log", f.params.max_log},
                                {"encoding", f.encoding},       {"mode", f.mode},               {"dropped", f.drop},
                                {"plant_bug", f.plant_bug},     {"inductive", r.inductive()},  {"total_seconds", r.total_seconds},
                                {"actions", actions},           {"checks", checks},             {"ctis", ctis}};
    std::printf("%s\n", out.dump(2).c_str());
}

// The invariant, then one line per action: holds, or the conjuncts it breaks, and the time.
void print_checks(const ProveFlags& f, const std::vector<prove::Conjunct>& conjuncts, const prove::ProveReport& r) {
    std::printf("raftcheck prove: raft-abstract, %u servers, max-term %u, max-log %u (Z3 %s, %s scalars, %s solving)\n\n",
                f.params.servers, f.params.max_term, f.params.max_log, version().c_str(), f.encoding.c_str(), f.mode.c_str());
    std::printf("Inv is the conjunction of:\n");
    for (const auto& c : conjuncts) {
        const bool dropped = std::find(f.drop.begin(), f.drop.end(), c.name) != f.drop.end();
        std::printf("  %-28s %-8s %s%s\n", c.name.c_str(), kind_of(c), c.meaning.c_str(), dropped ? "  [DROPPED]" : "");
    }
    std::printf("\n");
    for (const auto& [action, secs] : r.action_seconds) {
        std::string broken;
        for (const auto& c : r.checks) {
            if (c.action == action && !c.holds) broken += (broken.empty() ? "" : ", ") + (c.conjunct.empty() ? std::string("Inv") : c.conjunct);
        }
        const std::string what = action == "Init" ? "Init => Inv" : "Inv /\\ " + action + " => Inv'";
        std::printf("  %-36s %s  %7.3f s\n", what.c_str(), broken.empty() ? "holds" : ("FAILS: " + broken).c_str(), secs);
    }
    std::printf("\ntotal solver time %.3f s for %zu checks\n", r.total_seconds, r.checks.size());
}

void print_cti(const ProveFlags& f, const std::vector<prove::Conjunct>& conjuncts, const prove::ProveReport& r) {
    const prove::Cti& c = r.ctis.front();
    const bool at_init = c.action == sa::Action{} && c.before == c.after;
    std::printf("\nNOT INDUCTIVE: %zu check(s) failed. The first counterexample to induction:\n\n", r.ctis.size());
    std::printf("  a state satisfying Inv%s:\n", f.drop.empty() ? "" : " (without the dropped lemmas)");
    print_indented(sa::describe(c.before, f.params), "      ");
    if (!at_init) {
        std::printf("  the step %s leads to:\n", sa::describe(c.action).c_str());
        print_indented(sa::describe(c.after, f.params), "      ");
    }
    std::printf("  which breaks %s", c.conjunct.c_str());
    for (const auto& con : conjuncts) {
        if (con.name == c.conjunct) std::printf(": %s", con.meaning.c_str());
    }
    const std::string bug_flag = f.plant_bug.empty() ? "" : " --plant-bug " + f.plant_bug;
    std::printf("\n\nwritten to %s. A real bug, or a lemma too weak to exclude an unreachable state? Ask the explorer:\n"
                "  raftcheck explore --model raft-abstract --find %s%s   (is the state reachable from Init?)\n"
                "  raftcheck explore --model raft-abstract --from %s%s   (what follows from it)\n",
                f.cti_path.c_str(), f.cti_path.c_str(), bug_flag.c_str(), f.cti_path.c_str(), bug_flag.c_str());
}

int run(const ProveFlags& f) {
    std::string error;
    const std::optional<prove::ProveOptions> o = options_of(f, error);
    if (!o) {
        std::fprintf(stderr, "raftcheck: %s\n", error.c_str());
        return kExitUsage;
    }
    const std::vector<prove::Conjunct> conjuncts = prove::conjuncts(f.params);
    if (f.list) {
        for (const auto& c : conjuncts) std::printf("%-28s %-7s %s\n", c.name.c_str(), kind_of(c), c.meaning.c_str());
        return kExitOk;
    }
    prove::ProveReport r;
    try {
        r = prove::prove(*o);
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "raftcheck: %s (see raftcheck prove --list)\n", e.what());
        return kExitUsage;
    }
    // A CTI the C++ model does not confirm is a fault of raftcheck, not a verdict.
    const bool disagreement = !r.ctis.empty() && !r.ctis.front().disagreement.empty();
    if (!r.ctis.empty()) {
        const prove::Cti& c = r.ctis.front();
        const bool at_init = c.before == c.after && c.action == sa::Action{};
        const std::string note =
            "counterexample to induction: " + (at_init ? std::string("Init") : sa::describe(c.action)) + " breaks " + c.conjunct + " from this state";
        write_abstract_state_file(f.cti_path, {f.params, c.before, note});
    }
    if (f.json) {
        print_json(f, r);
    } else {
        if (o->bug) std::printf("planted bug: %s\n", f.plant_bug.c_str());
        print_checks(f, conjuncts, r);
        if (r.inductive()) {
            std::printf("\nPROVED: Init => Inv and Inv is preserved by every action: ElectionSafety, LogMatching, LeaderCompleteness and "
                        "StateMachineSafety hold in every reachable state of raft-abstract with %u servers, terms <= %u and logs <= %u, "
                        "at any depth.\n",
                        f.params.servers, f.params.max_term, f.params.max_log);
        } else {
            print_cti(f, conjuncts, r);
        }
        if (disagreement) std::printf("\nINTERNAL ERROR: the Z3 encoding and the C++ model disagree on this CTI: %s\n", r.ctis.front().disagreement.c_str());
    }
    return disagreement ? kExitUsage : r.inductive() ? kExitOk : kExitViolation;
}

}  // namespace

Runner add_prove_command(CLI::App& app) {
    auto f = std::make_shared<ProveFlags>();
    CLI::App* cmd = app.add_subcommand("prove", "Prove with Z3 that raft-abstract's safety invariant, with its lemmas, is inductive");
    cmd->add_option("--servers", f->params.servers, "Number of servers")->check(CLI::Range(1u, sa::kMaxServers))->capture_default_str();
    cmd->add_option("--max-term", f->params.max_term, "Bound: every term <= T")->check(CLI::Range(1u, sa::kMaxTerm))->capture_default_str();
    cmd->add_option("--max-log", f->params.max_log, "Bound: every log length <= L")->check(CLI::Range(1u, sa::kMaxLog))->capture_default_str();
    cmd->add_option("--encoding", f->encoding, "Scalars as Z3 integers, bit-vectors or an enumeration sort")->check(CLI::IsMember({"int", "bv", "enum"}))->capture_default_str();
    cmd->add_option("--mode", f->mode, "Per action: one solver with push/pop per conjunct, a fresh solver per conjunct, or one query")
        ->check(CLI::IsMember({"incremental", "fresh", "combined"}))
        ->capture_default_str();
    cmd->add_option("--drop-lemma", f->drop, "Leave this lemma out of the invariant (repeatable), to see that it is needed");
    cmd->add_option("--plant-bug", f->plant_bug, "Prove the model with a planted bug: " + abstract_mutants::bug_names());
    cmd->add_option("--cti", f->cti_path, "Where to write the first counterexample to induction (a state file)")->capture_default_str();
    cmd->add_flag("--json", f->json, "Print one JSON object");
    cmd->add_flag("--all-instances", f->all_instances,
                  "Check every action instance, not only those of s1 (and s2), which suffice by symmetry");
    cmd->add_flag("--list", f->list, "List the safety properties and lemmas with their meaning, and exit");
    return [f] { return run(*f); };
}

}  // namespace raftcheck
