// State and trace files of the raft-abstract model.

#include "tools/raftcheck/abstract_files.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "checker/abstract_model.hpp"
#include "tools/raftcheck/commands.hpp"

namespace raftcheck {

namespace sa = spec::abstract;

nlohmann::json abstract_state_json(const AbstractStateFile& f) {
    const sa::Params& p = f.params;
    const sa::State& s = f.state;
    nlohmann::json terms = nlohmann::json::array(), roles = nlohmann::json::array(), logs = nlohmann::json::array();
    nlohmann::json committed = nlohmann::json::array();
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        terms.push_back(s.term[i]);
        roles.push_back(s.leader[i] ? "Primary" : "Secondary");
        nlohmann::json log = nlohmann::json::array();
        for (std::uint32_t k = 0; k < s.len[i]; ++k) log.push_back(s.log[i][k]);
        logs.push_back(log);
    }
    for (std::uint32_t k = 1; k <= p.max_log; ++k) {
        for (std::uint32_t t = 1; t <= p.max_term; ++t) {
            if (s.is_committed(k, t)) committed.push_back({k, t});
        }
    }
    return {{"raftcheck_state", 1}, {"model", kAbstractModelName}, {"servers", p.servers}, {"max_term", p.max_term},
            {"max_log", p.max_log}, {"note", f.note}, {"currentTerm", terms}, {"state", roles},
            {"log", logs}, {"committed", committed}};
}

namespace {

std::uint32_t number(const nlohmann::json& j, const char* name) {
    if (!j.contains(name) || !j[name].is_number_unsigned()) throw std::runtime_error(std::string("lacks a number '") + name + "'");
    return j[name].get<std::uint32_t>();
}

const nlohmann::json& array_of(const nlohmann::json& j, const char* name, std::size_t size) {
    if (!j.contains(name) || !j[name].is_array() || j[name].size() != size) {
        throw std::runtime_error(std::string("'") + name + "' must be an array of " + std::to_string(size));
    }
    return j[name];
}

std::uint8_t small(const nlohmann::json& v, std::uint32_t max, const char* what) {
    if (!v.is_number_unsigned() || v.get<std::uint32_t>() > max) throw std::runtime_error(std::string(what) + " out of range");
    return static_cast<std::uint8_t>(v.get<std::uint32_t>());
}

}  // namespace

AbstractStateFile read_abstract_state_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read state file '" + path + "'");
    AbstractStateFile f;
    try {
        const nlohmann::json j = nlohmann::json::parse(in);
        if (!j.is_object() || j.value("model", "") != kAbstractModelName) throw std::runtime_error("not a raft-abstract state file");
        f.params = sa::Params{number(j, "servers"), number(j, "max_term"), number(j, "max_log")};
        if (const std::string bad = sa::validate(f.params); !bad.empty()) throw std::runtime_error(bad);
        f.note = j.value("note", "");
        const std::size_t n = f.params.servers;
        const auto& terms = array_of(j, "currentTerm", n);
        const auto& roles = array_of(j, "state", n);
        const auto& logs = array_of(j, "log", n);
        for (std::size_t i = 0; i < n; ++i) {
            f.state.term[i] = small(terms[i], f.params.max_term, "a term");
            if (roles[i] != "Primary" && roles[i] != "Secondary") throw std::runtime_error("a state is Primary or Secondary");
            f.state.leader[i] = roles[i] == "Primary";
            if (!logs[i].is_array() || logs[i].size() > f.params.max_log) throw std::runtime_error("a log is an array of at most max_log terms");
            f.state.len[i] = static_cast<std::uint8_t>(logs[i].size());
            for (std::size_t k = 0; k < logs[i].size(); ++k) f.state.log[i][k] = small(logs[i][k], f.params.max_term, "an entry's term");
        }
        if (!j.contains("committed") || !j["committed"].is_array()) throw std::runtime_error("'committed' must be an array of [index, term]");
        for (const auto& c : j["committed"]) {
            if (!c.is_array() || c.size() != 2) throw std::runtime_error("'committed' must be an array of [index, term]");
            const std::uint8_t k = small(c[0], f.params.max_log, "a committed index");
            const std::uint8_t t = small(c[1], f.params.max_term, "a committed term");
            if (k == 0 || t == 0) throw std::runtime_error("a committed index and term are at least 1");
            f.state.committed[k - 1] = static_cast<std::uint8_t>(f.state.committed[k - 1] | (1u << t));
        }
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(path + ": not JSON: " + e.what());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    if (!sa::well_formed(f.state, f.params)) throw std::runtime_error(path + ": the state lies outside the model's domains");
    return f;
}

void write_abstract_state_file(const std::string& path, const AbstractStateFile& f) {
    std::ofstream out(path);
    if (!out) throw std::runtime_error("cannot write state file '" + path + "'");
    out << abstract_state_json(f).dump(2) << "\n";
}

void write_abstract_trace(std::ostream& out, const sa::Params& p, const std::string& plant_bug, const std::string& violation,
                          const AbstractTrace& trace) {
    const nlohmann::json header = {{"raftcheck_trace", 1}, {"model", kAbstractModelName}, {"servers", p.servers},
                                   {"max_term", p.max_term}, {"max_log", p.max_log}, {"plant_bug", plant_bug},
                                   {"violation", violation}};
    out << header.dump() << "\n";
    for (std::size_t k = 0; k < trace.size(); ++k) {
        const auto& [label, state] = trace[k];
        const nlohmann::json step = {{"step", k + 1}, {"action", label ? sa::describe(*label) : "Init"}, {"state", sa::describe(state, p)}};
        out << step.dump() << "\n";
    }
}

int replay_abstract(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    auto bad = [&](std::size_t lineno, const std::string& what) {
        std::fprintf(stderr, "raftcheck: %s:%zu: %s\n", path.c_str(), lineno, what.c_str());
        return kExitUsage;
    };
    if (!in || !std::getline(in, line)) return bad(1, "empty or unreadable file");
    nlohmann::json h;
    sa::Params p;
    std::optional<abstract_mutants::Bug> bug;
    try {
        h = nlohmann::json::parse(line);
        p = sa::Params{number(h, "servers"), number(h, "max_term"), number(h, "max_log")};
        if (const std::string why = sa::validate(p); !why.empty()) return bad(1, why);
        const std::string plant = h.value("plant_bug", "");
        bug = abstract_mutants::bug_named(plant);
        if (!plant.empty() && !bug) return bad(1, "unknown planted bug '" + plant + "'");
    } catch (const std::exception& e) {
        return bad(1, e.what());
    }
    const checker::AbstractModel model(p, bug);
    std::optional<sa::State> cur;
    std::size_t steps = 0;
    for (std::size_t lineno = 2; std::getline(in, line); ++lineno) {
        if (line.empty()) continue;
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line);
        } catch (const nlohmann::json::exception& e) {
            return bad(lineno, std::string("not JSON: ") + e.what());
        }
        if (!j.is_object() || !j.contains("action") || !j.contains("state") || !j["action"].is_string() || !j["state"].is_string()) {
            return bad(lineno, "a step needs string fields 'action' and 'state'");
        }
        const std::string action = j["action"], state = j["state"];
        ++steps;
        if (!cur) {
            const sa::State init = sa::init(p);
            if (action != "Init" || sa::describe(init, p) != state) {
                std::printf("DIVERGES at %s:%zu: the first step must be Init with the initial state\n", path.c_str(), lineno);
                return kExitViolation;
            }
            cur = init;
            continue;
        }
        std::optional<sa::State> next;
        model.for_each_successor(*cur, [&](const sa::Action& a, sa::State& t) {
            if (!next && sa::describe(a) == action && sa::describe(t, p) == state) next = t;
        });
        if (!next) {
            std::printf("DIVERGES at %s:%zu (step %zu): '%s' leading to the recorded state is not a step of the model\n", path.c_str(),
                        lineno, steps, action.c_str());
            return kExitViolation;
        }
        cur = next;
    }
    if (!cur) return bad(2, "no steps");
    const char* broken = model.violated_invariant(*cur);
    std::printf("replayed %zu steps of raft-abstract%s: every step is an action of the model\n", steps,
                bug ? (std::string(" with planted bug ") + abstract_mutants::bug_name(*bug)).c_str() : "");
    std::printf("the last state violates %s\n", broken ? broken : "no property");
    return kExitOk;
}

}  // namespace raftcheck
