// The inductiveness checks of `raftcheck prove`.

#include "prove/prover.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace prove {

const char* mode_name(Mode m) {
    switch (m) {
        case Mode::kIncremental: return "incremental";
        case Mode::kFresh: return "fresh";
        case Mode::kCombined: return "combined";
    }
    return "?";
}

std::vector<Conjunct> conjuncts(const sa::Params& params) {
    z3::context ctx;
    return Encoding(ctx, params, Scalars::kInt).conjuncts();
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The C++ predicate named `name` on `s` (TypeOK: well_formed).
bool cpp_holds(const std::string& name, const sa::State& s, const sa::Params& p) {
    if (name == "TypeOK") return sa::well_formed(s, p);
    for (const auto* list : {&sa::safety_properties(), &sa::lemmas()}) {
        for (const auto& prop : *list) {
            if (name == prop.name) return prop.holds(s, p);
        }
    }
    throw std::logic_error("no C++ predicate " + name);
}

class Prover {
public:
    explicit Prover(const ProveOptions& o) : o_(o), enc_(ctx_, o.params, o.scalars, o.bug) {
        z3::set_param("smt.random_seed", static_cast<int>(o.seed));
        z3::set_param("sat.random_seed", static_cast<int>(o.seed));
        for (const std::string& d : o.dropped) {
            const auto& all = enc_.conjuncts();
            const auto it = std::find_if(all.begin(), all.end(), [&](const Conjunct& c) { return c.name == d && c.lemma; });
            if (it == all.end()) throw std::invalid_argument("no lemma named '" + d + "'");
        }
        for (std::size_t k = 0; k < enc_.conjuncts().size(); ++k) {
            const std::string& name = enc_.conjuncts()[k].name;
            if (std::find(o.dropped.begin(), o.dropped.end(), name) == o.dropped.end()) kept_.push_back(k);
        }
    }

    ProveReport run() {
        const auto t0 = std::chrono::steady_clock::now();
        check_init();
        for (sa::ActionKind kind : Encoding::all_kinds()) check_action(kind);
        report_.total_seconds = seconds_since(t0);
        return std::move(report_);
    }

private:
    z3::solver make_solver() {
        z3::solver s(ctx_);
        z3::params p(ctx_);
        p.set("random_seed", o_.seed);
        s.set(p);
        return s;
    }

    z3::expr inv(const SymState& s) {
        z3::expr_vector all(ctx_);
        for (std::size_t k : kept_) all.push_back(enc_.conjunct(k, s));
        return z3::mk_and(all);
    }

    void check_init() {
        const auto t0 = std::chrono::steady_clock::now();
        const SymState s = enc_.make_state("0");
        z3::solver solver = make_solver();
        solver.add(enc_.init(s));
        for (std::size_t k : kept_) {
            const auto t1 = std::chrono::steady_clock::now();
            solver.push();
            solver.add(!enc_.conjunct(k, s));
            const bool holds = solver.check() == z3::unsat;
            solver.pop();
            report_.checks.push_back({"Init", enc_.conjuncts()[k].name, holds, seconds_since(t1)});
            if (!holds) {
                // Init is one state: the C++ model's own.
                const sa::State init = sa::init(o_.params);
                report_.ctis.push_back({enc_.conjuncts()[k].name, init, sa::Action{}, init, ""});
            }
        }
        report_.action_seconds.emplace_back("Init", seconds_since(t0));
    }

    void check_action(sa::ActionKind kind) {
        const auto t0 = std::chrono::steady_clock::now();
        const SymState s = enc_.make_state("0");
        const SymState t = enc_.make_state("1");
        const Step step = enc_.next(s, t, "0", {kind}, o_.symmetry && o_.params.servers >= 2);
        const z3::expr hypothesis = enc_.type_ok(s) && inv(s) && step.relation && step.some_action;
        const std::string action = sa::action_name(kind);
        if (o_.mode == Mode::kCombined) {
            z3::solver solver = make_solver();
            solver.add(hypothesis);
            z3::expr_vector goals(ctx_);
            for (std::size_t k : kept_) goals.push_back(enc_.conjunct(k, t));
            solver.add(!z3::mk_and(goals));
            const bool holds = solver.check() == z3::unsat;
            report_.checks.push_back({action, "", holds, seconds_since(t0)});
            if (!holds) {
                const z3::model m = solver.get_model();
                // Name the first conjunct the successor breaks.
                for (std::size_t k : kept_) {
                    if (!m.eval(enc_.conjunct(k, t), true).is_true()) {
                        record_cti(m, s, t, step, enc_.conjuncts()[k].name);
                        break;
                    }
                }
            }
        } else {
            std::optional<z3::solver> shared;
            if (o_.mode == Mode::kIncremental) {
                shared.emplace(make_solver());
                shared->add(hypothesis);
            }
            for (std::size_t k : kept_) {
                const auto t1 = std::chrono::steady_clock::now();
                z3::solver solver = shared ? *shared : make_solver();
                if (shared) {
                    solver.push();
                } else {
                    solver.add(hypothesis);
                }
                solver.add(!enc_.conjunct(k, t));
                const bool holds = solver.check() == z3::unsat;
                report_.checks.push_back({action, enc_.conjuncts()[k].name, holds, seconds_since(t1)});
                if (!holds) record_cti(solver.get_model(), s, t, step, enc_.conjuncts()[k].name);
                if (shared) solver.pop();
            }
        }
        report_.action_seconds.emplace_back(action, seconds_since(t0));
    }

    void record_cti(const z3::model& m, const SymState& s, const SymState& t, const Step& step, const std::string& conjunct) {
        Cti cti{conjunct, enc_.read(m, s), sa::Action{}, enc_.read(m, t), ""};
        const std::optional<sa::Action> a = enc_.read_action(m, step);
        if (!a) {
            cti.disagreement = "the Z3 model takes no action";
        } else {
            cti.action = *a;
            sa::State next;
            bool enabled = sa::apply(cti.before, o_.params, *a, next);
            if (!enabled && o_.bug) enabled = abstract_mutants::apply_bug(*o_.bug, cti.before, o_.params, *a, next);
            if (!enabled) {
                cti.disagreement = "the C++ model does not enable " + sa::describe(*a);
            } else if (!(next == cti.after)) {
                cti.disagreement = "the C++ model's successor differs:\n" + sa::describe(next, o_.params);
            } else if (cpp_holds(conjunct, cti.after, o_.params)) {
                cti.disagreement = "the C++ predicate " + conjunct + " holds on the successor";
            }
            for (std::size_t k : kept_) {
                const std::string& name = enc_.conjuncts()[k].name;
                if (cti.disagreement.empty() && !cpp_holds(name, cti.before, o_.params)) {
                    cti.disagreement = "the C++ predicate " + name + " fails on the state before";
                }
            }
        }
        report_.ctis.push_back(cti);
    }

    ProveOptions o_;
    z3::context ctx_;
    Encoding enc_;
    std::vector<std::size_t> kept_;
    ProveReport report_;
};

}  // namespace

ProveReport prove(const ProveOptions& options) { return Prover(options).run(); }

}  // namespace prove
