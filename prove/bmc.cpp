// Bounded model checking and k-induction of raft-abstract.

#include "prove/bmc.hpp"

#include <chrono>
#include <stdexcept>

namespace prove {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

const sa::Property* cpp_property(const std::string& name) {
    for (const auto& p : sa::safety_properties()) {
        if (name == p.name) return &p;
    }
    return nullptr;
}

}  // namespace

BmcResult bmc(const BmcOptions& o) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!o.property.empty() && cpp_property(o.property) == nullptr) throw std::invalid_argument("no safety property named '" + o.property + "'");
    if (o.induction && o.property.empty()) throw std::invalid_argument("k-induction checks one property: name it with --property");
    z3::set_param("smt.random_seed", static_cast<int>(o.seed));
    z3::set_param("sat.random_seed", static_cast<int>(o.seed));
    z3::context ctx;
    const Encoding enc(ctx, o.params, o.scalars, o.bug);
    // The safety properties checked, as (index among the encoding's conjuncts, name).
    std::vector<std::pair<std::size_t, std::string>> props;
    for (std::size_t k = 0; k < enc.conjuncts().size(); ++k) {
        const Conjunct& c = enc.conjuncts()[k];
        if (!c.lemma && c.name != "TypeOK" && (o.property.empty() || o.property == c.name)) props.emplace_back(k, c.name);
    }
    auto good = [&](const SymState& s) {
        z3::expr_vector all(ctx);
        for (const auto& [k, name] : props) all.push_back(enc.conjunct(k, s));
        return z3::mk_and(all);
    };

    BmcResult r;
    z3::solver base(ctx);
    std::vector<SymState> path{enc.make_state("0")};
    std::vector<Step> steps;
    base.add(enc.init(path[0]));
    // k-induction: a path u0..uk of distinct states from anywhere in the domain.
    z3::solver ind(ctx);
    std::vector<SymState> upath{enc.make_state("u0")};
    ind.add(enc.type_ok(upath[0]));

    for (std::size_t k = 0; k <= o.max_steps; ++k) {
        const auto tk = std::chrono::steady_clock::now();
        if (k > 0) {
            path.push_back(enc.make_state(std::to_string(k)));
            steps.push_back(enc.next(path[k - 1], path[k], std::to_string(k - 1)));
            base.add(steps.back().relation && steps.back().some_action);
        }
        base.push();
        base.add(!good(path[k]));
        if (base.check() == z3::sat) {
            const z3::model m = base.get_model();
            std::vector<std::pair<std::optional<sa::Action>, sa::State>> trace;
            for (std::size_t d = 0; d <= k; ++d) {
                std::optional<sa::Action> a;
                if (d > 0) a = enc.read_action(m, steps[d - 1]);
                trace.emplace_back(a, enc.read(m, path[d]));
            }
            for (const auto& [idx, name] : props) {
                if (!m.eval(enc.conjunct(idx, path[k]), true).is_true()) {
                    r.property = name;
                    break;
                }
            }
            // The C++ model must replay it: Init, then each step an enabled action leading to
            // exactly the next state, and the property failing at the end.
            if (!(trace[0].second == sa::init(o.params))) r.disagreement = "the first state is not Init";
            for (std::size_t d = 1; d <= k && r.disagreement.empty(); ++d) {
                sa::State next;
                const auto& a = trace[d].first;
                bool enabled = a && sa::apply(trace[d - 1].second, o.params, *a, next);
                if (a && !enabled && o.bug) enabled = abstract_mutants::apply_bug(*o.bug, trace[d - 1].second, o.params, *a, next);
                if (!enabled || !(next == trace[d].second)) r.disagreement = "step " + std::to_string(d) + " does not replay in the C++ model";
            }
            if (r.disagreement.empty() && cpp_property(r.property)->holds(trace.back().second, o.params)) {
                r.disagreement = "the C++ model's " + r.property + " holds on the last state";
            }
            r.trace = std::move(trace);
            r.seconds_per_depth.push_back(seconds_since(tk));
            break;
        }
        base.pop();
        r.steps_checked = k + 1;
        if (o.induction) {
            // Is there a simple path u0..u(k+1) with the property at u0..uk and not at u(k+1)?
            ind.add(good(upath[k]));
            upath.push_back(enc.make_state("u" + std::to_string(k + 1)));
            const Step st = enc.next(upath[k], upath[k + 1], "u" + std::to_string(k));
            ind.add(st.relation && st.some_action);
            for (std::size_t d = 0; d <= k; ++d) ind.add(!enc.same(upath[d], upath[k + 1]));
            ind.push();
            ind.add(!good(upath[k + 1]));
            const bool inductive = ind.check() == z3::unsat;
            ind.pop();
            if (inductive) {
                r.induction_k = k + 1;
                r.seconds_per_depth.push_back(seconds_since(tk));
                break;
            }
        }
        r.seconds_per_depth.push_back(seconds_since(tk));
    }
    r.total_seconds = seconds_since(t0);
    return r;
}

}  // namespace prove
