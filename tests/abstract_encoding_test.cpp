// No drift between the two renderings of raft-abstract: random states and action instances
// are executed by the C++ model (spec/abstract.hpp, planted bugs included) and evaluated in
// the Z3 encoding (prove/encoding.hpp). They must agree on whether the action is enabled, on
// the successor, and on the truth of every safety property and lemma.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>

#include "checker/abstract_mutants.hpp"
#include "prove/encoding.hpp"

namespace {

namespace sa = spec::abstract;
using abstract_mutants::Bug;

// Uniform in [lo, hi): RapidCheck scales ranges down by its size parameter, which would
// favour the first servers and the first action instances.
template <class T>
T pick(T lo, T hi) {
    return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange<T>(lo, hi));
}

// One Z3 session per (bounds, bug): the step relation is built once; each case is a push.
struct Session {
    z3::context ctx;
    std::unique_ptr<prove::Encoding> enc;
    std::unique_ptr<prove::SymState> s, t;
    std::unique_ptr<prove::Step> step;
    std::unique_ptr<z3::solver> solver;
};

Session& session(const sa::Params& p, std::optional<Bug> bug, prove::Scalars scalars) {
    static std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, int, int>, std::unique_ptr<Session>> sessions;
    auto& slot = sessions[{p.servers, p.max_term, p.max_log, bug ? static_cast<int>(*bug) : -1, static_cast<int>(scalars)}];
    if (!slot) {
        slot = std::make_unique<Session>();
        Session& x = *slot;
        x.enc = std::make_unique<prove::Encoding>(x.ctx, p, scalars, bug);
        x.s = std::make_unique<prove::SymState>(x.enc->make_state("0"));
        x.t = std::make_unique<prove::SymState>(x.enc->make_state("1"));
        x.step = std::make_unique<prove::Step>(x.enc->next(*x.s, *x.t, "0"));
        x.solver = std::make_unique<z3::solver>(x.ctx);
        x.solver->add(x.step->relation);
    }
    return *slot;
}

// States near the reachable ones, so that guards are often true: logs are prefixes of two
// base logs with growing terms, some servers lead, some entries are marked committed.
sa::State random_state(const sa::Params& p) {
    sa::State s;
    std::array<std::array<std::uint8_t, sa::kMaxLog>, 2> base{};
    for (auto& b : base) {
        for (std::uint32_t k = 0; k < p.max_log; ++k) b[k] = static_cast<std::uint8_t>(pick<std::uint32_t>(1, p.max_term + 1));
        std::sort(b.begin(), b.begin() + p.max_log);
    }
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        s.term[i] = static_cast<std::uint8_t>(pick<std::uint32_t>(0, p.max_term + 1));
        s.leader[i] = pick<int>(0, 3) == 0;
        s.len[i] = static_cast<std::uint8_t>(pick<std::uint32_t>(0, p.max_log + 1));
        const auto& b = base[pick<int>(0, 2)];
        for (std::uint32_t k = 0; k < s.len[i]; ++k) s.log[i][k] = b[k];
    }
    for (std::uint32_t k = 0; k < p.max_log; ++k) {
        if (pick<int>(0, 4) == 0) s.committed[k] = static_cast<std::uint8_t>(1u << pick<std::uint32_t>(1, p.max_term + 1));
    }
    return s;
}

sa::Params random_params() {
    const sa::Params choices[] = {{2, 2, 2}, {3, 3, 3}, {4, 3, 2}, {5, 4, 4}};
    return choices[pick<int>(0, 4)];
}

// Every scalar encoding must mean the same.
prove::Scalars random_scalars() {
    const prove::Scalars all[] = {prove::Scalars::kInt, prove::Scalars::kBitVector, prove::Scalars::kEnum};
    return all[pick<int>(0, 3)];
}

std::optional<Bug> random_bug() {
    const int k = pick<int>(-3, 3);  // half the cases without a bug
    if (k < 0) return std::nullopt;
    return abstract_mutants::kAllBugs[k];
}

RC_GTEST_PROP(AbstractEncoding, AgreesWithTheCppModelOnEnablednessAndSuccessor, ()) {
    const sa::Params p = random_params();
    const std::optional<Bug> bug = random_bug();
    const sa::State s = random_state(p);
    RC_PRE(sa::well_formed(s, p));
    std::vector<sa::Action> actions = sa::all_actions(p);
    if (bug) {
        for (const sa::Action& a : abstract_mutants::bug_actions(*bug, p)) actions.push_back(a);
    }
    // Half the actions at random (mostly disabled), half among those the C++ model enables.
    std::vector<sa::Action> enabled_here;
    for (const sa::Action& a : actions) {
        sa::State ignored;
        if (sa::apply(s, p, a, ignored) || (bug && abstract_mutants::apply_bug(*bug, s, p, a, ignored))) enabled_here.push_back(a);
    }
    Session& x = session(p, bug, random_scalars());
    for (int round = 0; round < 8; ++round) {
        const bool from_enabled = round % 2 == 1 && !enabled_here.empty();
        const sa::Action a = from_enabled ? enabled_here[pick<std::size_t>(0, enabled_here.size())]
                                          : actions[pick<std::size_t>(0, actions.size())];
        sa::State expected;
        bool enabled = sa::apply(s, p, a, expected);
        if (bug) {
            sa::State via_bug;
            if (abstract_mutants::apply_bug(*bug, s, p, a, via_bug)) {
                // The bug only ever adds behaviour: where both apply they agree.
                if (enabled) RC_ASSERT(via_bug == expected);
                expected = via_bug;
                enabled = true;
            }
        }
        x.solver->push();
        x.solver->add(x.enc->equals(*x.s, s));
        for (const prove::Selector& sel : x.step->selectors) {
            const bool chosen = sel.action.kind == a.kind && sel.action.i == a.i && sel.action.j == a.j;
            x.solver->add(sel.literal == x.ctx.bool_val(chosen));
        }
        for (std::uint32_t v = 0; v < p.servers; ++v) x.solver->add(x.step->quorum[v] == x.ctx.bool_val((a.quorum >> v & 1) != 0));
        x.solver->add(x.step->param == x.enc->number(a.n));
        const z3::check_result answer = x.solver->check();
        const std::optional<sa::State> got = answer == z3::sat ? std::optional(x.enc->read(x.solver->get_model(), *x.t)) : std::nullopt;
        x.solver->pop();
        RC_ASSERT(answer == (enabled ? z3::sat : z3::unsat));
        if (enabled) RC_ASSERT(*got == expected);
    }
    RC_CLASSIFY(!enabled_here.empty(), "enabled actions compared");
}

RC_GTEST_PROP(AbstractEncoding, EveryConjunctAgreesWithItsCppPredicate, ()) {
    const sa::Params p = random_params();
    const sa::State s = random_state(p);
    RC_PRE(sa::well_formed(s, p));
    Session& x = session(p, std::nullopt, random_scalars());
    x.solver->push();
    x.solver->add(x.enc->equals(*x.s, s));
    RC_ASSERT(x.solver->check() == z3::sat);
    const z3::model m = x.solver->get_model();
    std::size_t failing = 0;
    for (std::size_t k = 0; k < x.enc->conjuncts().size(); ++k) {
        const std::string& name = x.enc->conjuncts()[k].name;
        bool cpp = sa::well_formed(s, p);
        for (const auto* list : {&sa::safety_properties(), &sa::lemmas()}) {
            for (const auto& prop : *list) {
                if (name == prop.name) cpp = prop.holds(s, p);
            }
        }
        const bool z3_holds = m.eval(x.enc->conjunct(k, *x.s), true).is_true();
        RC_ASSERT(z3_holds == cpp);
        failing += !cpp;
    }
    x.solver->pop();
    RC_CLASSIFY(failing == 0, "every conjunct holds");
}

}  // namespace
