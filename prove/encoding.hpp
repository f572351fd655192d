#pragma once
// raft-abstract (spec/abstract.hpp) as Z3 terms: a state is a set of ground constants, Next a
// transition relation over two such sets, and each safety property and lemma a quantifier-free
// formula, expanded over the N servers, L log slots and T terms of the bounds.
//
// Choices (see the README's measurements): every scalar (a term, a length, an entry's term)
// is an Int with range constraints, a bit-vector wide enough that term+1 cannot wrap, or a
// value of a finite enumeration sort; sets of servers are N Booleans; quorums are counted with z3::atleast, so a negated
// lemma needs no enumeration of quorums, and the quorum of an election or a commit is N fresh
// Booleans shared by all action instances of a step. Next has one selector literal per action
// instance (at most one true; none is a stutter), `selector => guard`, and for each variable
// one chain `x' = ite(sel_a, v_a, ite(sel_b, v_b, ..., x))` over the actions that write it.
// The C++ model and this encoding are kept in step by tests/abstract_encoding_test.cpp.

#include <z3++.h>

#include <optional>
#include <string>
#include <vector>

#include "checker/abstract_mutants.hpp"
#include "spec/abstract.hpp"

namespace prove {

namespace sa = spec::abstract;

// Int with range constraints, bit-vectors, or a finite enumeration sort (values v0..vD,
// compared through their position).
enum class Scalars { kInt, kBitVector, kEnum };
const char* scalars_name(Scalars s);

// One copy of the state variables.
struct SymState {
    std::vector<z3::expr> term;                  // [server]
    std::vector<z3::expr> leader;                // [server], Bool
    std::vector<z3::expr> len;                   // [server]
    std::vector<std::vector<z3::expr>> log;      // [server][slot]: the term of entry slot+1
    std::vector<std::vector<z3::expr>> committed;  // [slot][term], Bool; term 0 unused (false)
};

// One action instance of a step: its label (quorum and n left 0: the step's quorum Booleans
// and number say which) and its selector literal.
struct Selector {
    sa::Action action;
    z3::expr literal;
};

struct Step {
    z3::expr relation;               // selectors => guards, the frame, at most one selector
    std::vector<Selector> selectors;
    std::vector<z3::expr> quorum;    // [server], Bool
    z3::expr param;                  // the action's number (Action::n): a term, index or length
    z3::expr some_action;            // at least one selector (no stutter)
};

// A named formula over one state.
struct Conjunct {
    std::string name;
    std::string meaning;
    bool lemma;  // false: a safety property (or TypeOK)
};

class Encoding {
public:
    Encoding(z3::context& ctx, sa::Params params, Scalars scalars, std::optional<abstract_mutants::Bug> bug = std::nullopt);

    z3::context& ctx() const { return ctx_; }
    const sa::Params& params() const { return params_; }

    SymState make_state(const std::string& tag) const;
    // TypeOK: the state lies in the model's finite domains (sa::well_formed).
    z3::expr type_ok(const SymState& s) const;
    z3::expr init(const SymState& s) const;
    // Next from s to t, over the action instances whose kind is in `kinds` (all by default).
    // With `first_servers_only`, only the instances acting on s1 (and, for a pair, s2): the
    // model and every conjunct are symmetric in the servers, so a counterexample to induction
    // through any instance is, renamed, one through these.
    Step next(const SymState& s, const SymState& t, const std::string& tag,
              const std::vector<sa::ActionKind>& kinds = all_kinds(), bool first_servers_only = false) const;
    static std::vector<sa::ActionKind> all_kinds();

    // TypeOK, the safety properties, then the lemmas, in spec/abstract's order and names.
    const std::vector<Conjunct>& conjuncts() const { return conjuncts_; }
    z3::expr conjunct(std::size_t k, const SymState& s) const;

    // The scalar v (to fix a step's param in tests).
    z3::expr number(unsigned v) const { return num(v); }
    // s equals the concrete state c.
    z3::expr equals(const SymState& s, const sa::State& c) const;
    // Two symbolic states are equal (for k-induction's simple path, the negation).
    z3::expr same(const SymState& a, const SymState& b) const;
    // The concrete state a model gives s.
    sa::State read(const z3::model& m, const SymState& s) const;
    // The action a model's step takes, or nothing for a stutter.
    std::optional<sa::Action> read_action(const z3::model& m, const Step& step) const;

private:
    z3::expr num(unsigned v) const;
    z3::expr scalar(const std::string& name) const;
    z3::expr le(const z3::expr& a, const z3::expr& b) const;
    z3::expr lt(const z3::expr& a, const z3::expr& b) const;
    z3::expr plus(const z3::expr& a, int d) const;
    unsigned value(const z3::model& m, const z3::expr& e) const;
    // kEnum: the position of a value, as an Int.
    z3::expr position(const z3::expr& e) const;

    // Entry `index` (1-based) of server v has term t.
    z3::expr has(const SymState& s, std::uint32_t v, std::uint32_t index, const z3::expr& t) const;
    z3::expr last_term(const SymState& s, std::uint32_t i) const;
    // The term of server v's entry at the 1-based index `index` (an expression), 0 if none.
    z3::expr entry_at(const SymState& s, std::uint32_t v, const z3::expr& index) const;
    z3::expr up_to_date(const SymState& s, std::uint32_t i, std::uint32_t v) const;
    z3::expr count_at_least(const std::vector<z3::expr>& bools, std::uint32_t n) const;
    z3::expr quorum_at_term(const SymState& s, const z3::expr& t) const;
    // Whether the entry (index, t) is in `committed`, for a symbolic t.
    z3::expr committed_at(const SymState& s, std::uint32_t index, const z3::expr& t) const;

    z3::context& ctx_;
    sa::Params params_;
    Scalars scalars_;
    std::optional<abstract_mutants::Bug> bug_;
    unsigned bv_width_ = 0;
    std::vector<z3::expr> enum_values_;  // kEnum: v0, v1, ...
    std::vector<Conjunct> conjuncts_;
};

}  // namespace prove
