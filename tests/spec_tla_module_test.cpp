// spec/Raft.tla is the TLA+ rendering of the `raft` model of spec/actions.cpp. TLC is not part
// of the build, so nothing runs the module here; these tests keep it from falling behind the
// C++ spec by name: every action the C++ code can take, every invariant and every step
// property must be an operator of the module, and Raft.cfg must check every invariant and
// step property. The names come from the C++ code (the ActionKind name table, the invariant
// registries), so adding an action or an invariant there without describing it in the
// module fails here.

#include <gtest/gtest.h>

#include <cctype>
#include <deque>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "spec/actions.hpp"
#include "spec/invariants.hpp"

namespace {

// The tests run from the source tree (tests/CMakeLists.txt); fall back on its absolute path.
std::string read_spec_file(const std::string& name) {
    for (const std::string& path : {"spec/" + name, std::string(RAFTCHECK_SOURCE_DIR) + "/spec/" + name}) {
        std::ifstream in(path);
        if (!in) continue;
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }
    return "";
}

// TLA+ comments removed: `\* ...` to the end of the line and `(* ... *)`, which nest. Line
// breaks are kept so that "the start of a line" still means what it did. Strings are left
// alone (a `\*` inside one would be taken for a comment; the module has none).
std::string strip_comments(const std::string& text) {
    std::string out;
    int depth = 0;
    for (std::size_t k = 0; k < text.size(); ++k) {
        const char c = text[k];
        const char d = k + 1 < text.size() ? text[k + 1] : '\0';
        if (c == '(' && d == '*') {
            ++depth;
            ++k;
        } else if (depth > 0 && c == '*' && d == ')') {
            --depth;
            ++k;
        } else if (depth == 0 && c == '\\' && d == '*') {
            while (k < text.size() && text[k] != '\n') ++k;
            out += '\n';
        } else if (c == '\n' || depth == 0) {
            out += c;
        }
    }
    return out;
}

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// The operators the module defines: `Name(` or `Name ==` at the start of a line.
std::set<std::string> defined_operators(const std::string& module_text) {
    std::set<std::string> names;
    std::istringstream lines(strip_comments(module_text));
    for (std::string line; std::getline(lines, line);) {
        std::size_t k = 0;
        while (k < line.size() && is_ident_char(line[k])) ++k;
        if (k == 0 || std::isdigit(static_cast<unsigned char>(line[0])) != 0) continue;
        std::size_t rest = k;
        while (rest < line.size() && line[rest] == ' ') ++rest;
        if (line.compare(rest, 1, "(") == 0 || line.compare(rest, 2, "==") == 0) names.insert(line.substr(0, k));
    }
    return names;
}

// The body of operator `name`: from its definition line to the next definition at the start
// of a line (comments removed).
std::string definition_of(const std::string& module_text, const std::string& name) {
    std::istringstream lines(strip_comments(module_text));
    std::string body;
    bool in_def = false;
    for (std::string line; std::getline(lines, line);) {
        const bool starts_def = !line.empty() && is_ident_char(line[0]);
        if (starts_def && in_def) break;
        if (starts_def && line.compare(0, name.size(), name) == 0 &&
            (line.size() == name.size() || !is_ident_char(line[name.size()]))) {
            in_def = true;
        }
        if (in_def) body += line + "\n";
    }
    return body;
}

// TLC's configuration file as keyword -> the names listed under it (INVARIANT and INVARIANTS
// are one keyword, and so are PROPERTY / PROPERTIES, CONSTRAINT / CONSTRAINTS).
std::map<std::string, std::vector<std::string>> config_sections(const std::string& cfg_text) {
    static const std::map<std::string, std::string> keywords = {
        {"CONSTANT", "CONSTANT"},         {"CONSTANTS", "CONSTANT"},     {"INIT", "INIT"},
        {"NEXT", "NEXT"},                 {"SPECIFICATION", "SPECIFICATION"},
        {"INVARIANT", "INVARIANT"},       {"INVARIANTS", "INVARIANT"},   {"PROPERTY", "PROPERTY"},
        {"PROPERTIES", "PROPERTY"},       {"CONSTRAINT", "CONSTRAINT"},  {"CONSTRAINTS", "CONSTRAINT"},
        {"ACTION_CONSTRAINT", "ACTION_CONSTRAINT"}, {"ACTION_CONSTRAINTS", "ACTION_CONSTRAINT"},
        {"SYMMETRY", "SYMMETRY"},         {"VIEW", "VIEW"},              {"CHECK_DEADLOCK", "CHECK_DEADLOCK"},
        {"POSTCONDITION", "POSTCONDITION"}, {"ALIAS", "ALIAS"},
    };
    std::map<std::string, std::vector<std::string>> sections;
    std::string current;
    const std::string text = strip_comments(cfg_text);
    std::string word;
    auto flush = [&] {
        if (word.empty()) return;
        if (const auto kw = keywords.find(word); kw != keywords.end()) {
            current = kw->second;
            sections[current];
        } else if (!current.empty()) {
            sections[current].push_back(word);
        }
        word.clear();
    };
    for (const char c : text) {
        if (is_ident_char(c)) {
            word += c;
        } else {
            flush();
        }
    }
    flush();
    return sections;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    for (const std::string& x : v) {
        if (x == s) return true;
    }
    return false;
}

// Every name in the ActionKind name table of spec/actions.cpp, of the bounded models' actions
// (the unbounded model's membership extension, for etcd's traces, is not in the module).
std::vector<std::string> action_table() {
    std::vector<std::string> names;
    for (unsigned k = 0; k <= 0xFF; ++k) {
        const auto kind = static_cast<spec::ActionKind>(k);
        const std::string name = spec::action_name(kind);
        if (name != "?" && spec::in_bounded_models(kind)) names.push_back(name);
    }
    return names;
}

// The action names the model of `p` emits on the states it reaches under p's bounds through
// steps `follow` accepts (a subset of the reachable states, so every name is one the model
// really emits).
template <class Follow>
std::set<std::string> actions_emitted(const spec::Params& p, Follow follow) {
    struct Collect : spec::Emitter {
        const spec::Params& p;
        std::set<std::string>& names;
        Follow& follow;
        std::vector<spec::State> out;
        Collect(const spec::Params& params, std::set<std::string>& n, Follow& f) : p(params), names(n), follow(f) {}
        void emit(const spec::Action& a, spec::State& next) override {
            names.insert(spec::action_name(a.kind));
            if (spec::within_bounds(next, p) && follow(a)) out.push_back(next);
        }
    };
    std::set<std::string> names;
    std::unordered_set<std::string> seen;
    std::deque<spec::State> queue{spec::init(p)};
    std::string bytes;
    spec::encode(queue.front(), p, bytes);
    seen.insert(bytes);
    // Every state within the bounds (68,362 of them, a fraction of a second), with a cap in
    // case the bounds above grow.
    while (!queue.empty() && seen.size() < 500000) {
        Collect c(p, names, follow);
        spec::next(queue.front(), p, c);
        queue.pop_front();
        for (const spec::State& t : c.out) {
            spec::encode(t, p, bytes);
            if (seen.insert(bytes).second) queue.push_back(t);
        }
    }
    return names;
}

// The action names the `raft` model emits on every state reachable under small bounds, and
// with snapshots on the states of 3 servers where only s1 stands for election and nothing
// crashes or is lost (the snapshot actions need a leader that compacted and a follower it
// has not reached yet, which 2 servers never have: both hold every committed entry).
std::set<std::string> actions_emitted_by_raft_model() {
    spec::Params p;
    p.variant = spec::Variant::kRaft;
    p.servers = 2;
    p.values = 1;
    p.max_term = 3;
    p.max_log = 2;
    p.max_copies = 1;
    p.max_msgs = 1;
    std::set<std::string> names = actions_emitted(p, [](const spec::Action&) { return true; });
    p.servers = 3;
    p.max_term = 2;
    p.max_log = 1;
    p.max_snapshots = 1;
    const std::set<std::string> with_snapshots = actions_emitted(p, [](const spec::Action& a) {
        using K = spec::ActionKind;
        return !(a.kind == K::kTimeout && a.i != 0) && a.kind != K::kRestart && a.kind != K::kDropMessage &&
               a.kind != K::kDuplicateMessage;
    });
    names.insert(with_snapshots.begin(), with_snapshots.end());
    return names;
}

class TlaModule : public ::testing::Test {
protected:
    void SetUp() override {
        module_ = read_spec_file("Raft.tla");
        cfg_ = read_spec_file("Raft.cfg");
        ASSERT_FALSE(module_.empty()) << "cannot read spec/Raft.tla";
        ASSERT_FALSE(cfg_.empty()) << "cannot read spec/Raft.cfg";
        defined_ = defined_operators(module_);
    }
    std::string module_, cfg_;
    std::set<std::string> defined_;
};

TEST_F(TlaModule, ParsesDefinitionsAsExpected) {
    // The scanner itself: a definition with and without parameters is found, a word in a
    // comment or in the middle of a line is not.
    const auto names = defined_operators("Foo == 1\nBar(x, y) == x\n\\* Baz == 2\n(* Qux == 3 *)\n  Quux == 4\nx' = 1\n");
    EXPECT_EQ(names, (std::set<std::string>{"Foo", "Bar"}));
    EXPECT_TRUE(defined_.count("Init") == 1 && defined_.count("Next") == 1) << "spec/Raft.tla has no Init / Next";
}

TEST_F(TlaModule, DefinesEveryActionOfTheCppSpec) {
    const std::vector<std::string> table = action_table();
    ASSERT_GE(table.size(), 10u) << "the ActionKind name table looks empty";
    for (const std::string& name : table) {
        EXPECT_TRUE(defined_.count(name) == 1) << "action " << name << " (spec/actions.cpp) is not defined in spec/Raft.tla";
    }
}

TEST_F(TlaModule, DefinesEveryActionTheRaftModelEmits) {
    const std::set<std::string> emitted = actions_emitted_by_raft_model();
    // Every action of the table is taken by the raft model, so none of the module's
    // actions describes something the C++ code never does.
    for (const std::string& name : action_table()) {
        EXPECT_TRUE(emitted.count(name) == 1) << name << " is never emitted by the raft model under small bounds";
    }
    for (const std::string& name : emitted) {
        EXPECT_TRUE(defined_.count(name) == 1) << "the raft model emits " << name << ", which spec/Raft.tla does not define";
    }
}

TEST_F(TlaModule, DefinesEveryInvariantAndStepProperty) {
    ASSERT_FALSE(spec::invariants().empty());
    for (const spec::Invariant& inv : spec::invariants()) {
        EXPECT_TRUE(defined_.count(inv.name) == 1) << "invariant " << inv.name << " is not defined in spec/Raft.tla";
    }
    for (const spec::StepProperty& prop : spec::step_properties()) {
        EXPECT_TRUE(defined_.count(prop.name) == 1) << "step property " << prop.name << " is not defined in spec/Raft.tla";
    }
    // The explorer's state constraint.
    EXPECT_TRUE(defined_.count("WithinBounds") == 1);
}

TEST_F(TlaModule, ConfigChecksEveryInvariantAndStepProperty) {
    const auto sections = config_sections(cfg_);
    const auto get = [&](const std::string& key) {
        const auto it = sections.find(key);
        return it == sections.end() ? std::vector<std::string>{} : it->second;
    };
    const std::vector<std::string> invariants = get("INVARIANT");
    for (const spec::Invariant& inv : spec::invariants()) {
        EXPECT_TRUE(contains(invariants, inv.name)) << "spec/Raft.cfg does not check invariant " << inv.name;
    }
    // A step property is checked as a temporal property [][P]_vars that the cfg names.
    const std::vector<std::string> properties = get("PROPERTY");
    for (const spec::StepProperty& prop : spec::step_properties()) {
        bool checked = false;
        for (const std::string& name : properties) {
            const std::string body = definition_of(module_, name);
            if (body.find("[][" + std::string(prop.name) + "]_") != std::string::npos) checked = true;
        }
        EXPECT_TRUE(checked) << "no PROPERTY of spec/Raft.cfg is [][" << prop.name << "]_vars";
    }
    // Everything the cfg names is an operator of the module.
    EXPECT_EQ(get("CONSTRAINT"), std::vector<std::string>{"WithinBounds"});
    for (const char* key : {"INIT", "NEXT", "SPECIFICATION", "INVARIANT", "PROPERTY", "CONSTRAINT"}) {
        for (const std::string& name : get(key)) {
            EXPECT_TRUE(defined_.count(name) == 1) << "spec/Raft.cfg names " << name << ", which spec/Raft.tla does not define";
        }
    }
    EXPECT_FALSE(get("SPECIFICATION").empty() && get("NEXT").empty()) << "spec/Raft.cfg names no behaviour to check";
}

TEST_F(TlaModule, DeclaresTheSnapshotBoundAndVariables) {
    // MaxSnapshots is --max-snapshots; the cfg keeps it at 0, the default, so that the counts
    // it states are those of the model without snapshots.
    const std::string text = strip_comments(module_);
    EXPECT_NE(text.find("MaxSnapshots"), std::string::npos);
    EXPECT_NE(text.find("snapshotIndex"), std::string::npos);
    EXPECT_NE(text.find("snapshotsTaken < MaxSnapshots"), std::string::npos) << "CompactLog's guard";
    const auto sections = config_sections(cfg_);
    const auto constants = sections.find("CONSTANT");
    ASSERT_NE(constants, sections.end());
    const std::vector<std::string>& c = constants->second;
    bool zero = false;
    for (std::size_t k = 0; k + 1 < c.size(); ++k) zero = zero || (c[k] == "MaxSnapshots" && c[k + 1] == "0");
    EXPECT_TRUE(zero) << "spec/Raft.cfg must assign MaxSnapshots = 0";
    for (const char* name : {"CompactLog", "InstallSnapshot", "HandleInstallSnapshotRequest", "HandleInstallSnapshotResponse",
                             "SnapshotCommitted", "CommitMonotonic"}) {
        EXPECT_TRUE(defined_.count(name) == 1) << name;
    }
}

}  // namespace
