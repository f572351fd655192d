// raft-abstract as Z3 terms. Each guard and update below mirrors one in
// spec/abstract_actions.cpp, each formula one in spec/abstract_properties.cpp.

#include "prove/encoding.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace prove {

using z3::expr;

const char* scalars_name(Scalars s) {
    switch (s) {
        case Scalars::kInt: return "int";
        case Scalars::kBitVector: return "bv";
        case Scalars::kEnum: return "enum";
    }
    return "?";
}

namespace {

std::string sname(std::uint32_t i) { return "s" + std::to_string(i + 1); }

expr all_of(z3::context& c, const std::vector<expr>& v) {
    z3::expr_vector ev(c);
    for (const expr& e : v) ev.push_back(e);
    return v.empty() ? c.bool_val(true) : z3::mk_and(ev);
}

expr any_of(z3::context& c, const std::vector<expr>& v) {
    z3::expr_vector ev(c);
    for (const expr& e : v) ev.push_back(e);
    return v.empty() ? c.bool_val(false) : z3::mk_or(ev);
}

}  // namespace

Encoding::Encoding(z3::context& ctx, sa::Params params, Scalars scalars, std::optional<abstract_mutants::Bug> bug)
    : ctx_(ctx), params_(params), scalars_(scalars), bug_(bug) {
    if (const std::string bad = sa::validate(params_); !bad.empty()) throw std::invalid_argument(bad);
    // Wide enough for max_term + 1 and max_log + 1 (a guard compares term+1 with max_term),
    // so that no sum wraps.
    const unsigned largest = std::max(params_.max_term, params_.max_log) + 1;
    bv_width_ = static_cast<unsigned>(std::bit_width(largest));
    if (scalars_ == Scalars::kEnum) {
        std::vector<std::string> names;
        for (unsigned v = 0; v <= largest; ++v) names.push_back("v" + std::to_string(v));
        std::vector<const char*> cnames;
        for (const auto& n : names) cnames.push_back(n.c_str());
        z3::func_decl_vector consts(ctx_), testers(ctx_);
        ctx_.enumeration_sort("Val", static_cast<unsigned>(cnames.size()), cnames.data(), consts, testers);
        for (unsigned v = 0; v < consts.size(); ++v) enum_values_.push_back(consts[v]());
    }
    conjuncts_.push_back({"TypeOK", "every variable lies in its finite domain (the bounds)", false});
    for (const auto& p : sa::safety_properties()) conjuncts_.push_back({p.name, p.meaning, false});
    for (const auto& p : sa::lemmas()) conjuncts_.push_back({p.name, p.meaning, true});
}

expr Encoding::num(unsigned v) const {
    switch (scalars_) {
        case Scalars::kInt: return ctx_.int_val(v);
        case Scalars::kBitVector: return ctx_.bv_val(v, bv_width_);
        case Scalars::kEnum: return enum_values_.at(v);
    }
    throw std::logic_error("scalars");
}
expr Encoding::scalar(const std::string& name) const {
    switch (scalars_) {
        case Scalars::kInt: return ctx_.int_const(name.c_str());
        case Scalars::kBitVector: return ctx_.bv_const(name.c_str(), bv_width_);
        case Scalars::kEnum: return ctx_.constant(name.c_str(), enum_values_.front().get_sort());
    }
    throw std::logic_error("scalars");
}
expr Encoding::position(const expr& e) const {
    expr out = ctx_.int_val(static_cast<unsigned>(enum_values_.size() - 1));
    for (std::size_t v = enum_values_.size() - 1; v-- > 0;) out = z3::ite(e == enum_values_[v], ctx_.int_val(static_cast<unsigned>(v)), out);
    return out;
}
expr Encoding::le(const expr& a, const expr& b) const {
    switch (scalars_) {
        case Scalars::kInt: return a <= b;
        case Scalars::kBitVector: return z3::ule(a, b);
        case Scalars::kEnum: return position(a) <= position(b);
    }
    throw std::logic_error("scalars");
}
expr Encoding::lt(const expr& a, const expr& b) const {
    switch (scalars_) {
        case Scalars::kInt: return a < b;
        case Scalars::kBitVector: return z3::ult(a, b);
        case Scalars::kEnum: return position(a) < position(b);
    }
    throw std::logic_error("scalars");
}
expr Encoding::plus(const expr& a, int d) const {
    if (scalars_ != Scalars::kEnum) return d >= 0 ? a + num(static_cast<unsigned>(d)) : a - num(static_cast<unsigned>(-d));
    // Values that would leave the domain stay at its edge; the guards never let that happen.
    const int top = static_cast<int>(enum_values_.size()) - 1;
    expr out = enum_values_.back();
    for (int v = top; v-- > 0;) out = z3::ite(a == enum_values_[v], enum_values_[std::clamp(v + d, 0, top)], out);
    return out;
}
unsigned Encoding::value(const z3::model& m, const expr& e) const {
    return m.eval(scalars_ == Scalars::kEnum ? position(e) : e, true).get_numeral_uint();
}

SymState Encoding::make_state(const std::string& tag) const {
    SymState s;
    for (std::uint32_t i = 0; i < params_.servers; ++i) {
        s.term.push_back(scalar("term_" + sname(i) + "_" + tag));
        s.leader.push_back(ctx_.bool_const(("leader_" + sname(i) + "_" + tag).c_str()));
        s.len.push_back(scalar("len_" + sname(i) + "_" + tag));
        s.log.emplace_back();
        for (std::uint32_t k = 0; k < params_.max_log; ++k) {
            s.log[i].push_back(scalar("log_" + sname(i) + "_" + std::to_string(k + 1) + "_" + tag));
        }
    }
    for (std::uint32_t k = 0; k < params_.max_log; ++k) {
        s.committed.emplace_back();
        s.committed[k].push_back(ctx_.bool_val(false));
        for (std::uint32_t t = 1; t <= params_.max_term; ++t) {
            s.committed[k].push_back(ctx_.bool_const(("committed_" + std::to_string(k + 1) + "_" + std::to_string(t) + "_" + tag).c_str()));
        }
    }
    return s;
}

expr Encoding::type_ok(const SymState& s) const {
    std::vector<expr> c;
    for (std::uint32_t i = 0; i < params_.servers; ++i) {
        c.push_back(le(s.term[i], num(params_.max_term)));
        c.push_back(le(s.len[i], num(params_.max_log)));
        if (scalars_ == Scalars::kInt) {
            c.push_back(s.term[i] >= 0);
            c.push_back(s.len[i] >= 0);
        }
        for (std::uint32_t k = 0; k < params_.max_log; ++k) {
            const expr& e = s.log[i][k];
            c.push_back(z3::ite(lt(num(k), s.len[i]), le(num(1), e) && le(e, num(params_.max_term)), e == num(0)));
        }
    }
    return all_of(ctx_, c);
}

expr Encoding::init(const SymState& s) const {
    std::vector<expr> c;
    for (std::uint32_t i = 0; i < params_.servers; ++i) {
        c.push_back(s.term[i] == num(0));
        c.push_back(!s.leader[i]);
        c.push_back(s.len[i] == num(0));
        for (const expr& e : s.log[i]) c.push_back(e == num(0));
    }
    for (const auto& row : s.committed) {
        for (std::size_t t = 1; t < row.size(); ++t) c.push_back(!row[t]);
    }
    return all_of(ctx_, c);
}

expr Encoding::has(const SymState& s, std::uint32_t v, std::uint32_t index, const expr& t) const {
    return le(num(index), s.len[v]) && s.log[v][index - 1] == t;
}

expr Encoding::entry_at(const SymState& s, std::uint32_t v, const expr& index) const {
    expr out = num(0);
    for (std::uint32_t k = params_.max_log; k >= 1; --k) {
        out = z3::ite(index == num(k) && le(num(k), s.len[v]), s.log[v][k - 1], out);
    }
    return out;
}

expr Encoding::last_term(const SymState& s, std::uint32_t i) const { return entry_at(s, i, s.len[i]); }

expr Encoding::up_to_date(const SymState& s, std::uint32_t i, std::uint32_t v) const {
    const expr a = last_term(s, i), b = last_term(s, v);
    return lt(b, a) || (a == b && le(s.len[v], s.len[i]));
}

expr Encoding::count_at_least(const std::vector<expr>& bools, std::uint32_t n) const {
    if (n == 0) return ctx_.bool_val(true);
    z3::expr_vector ev(ctx_);
    for (const expr& b : bools) ev.push_back(b);
    return z3::atleast(ev, n);
}

expr Encoding::quorum_at_term(const SymState& s, const expr& t) const {
    std::vector<expr> at;
    for (std::uint32_t v = 0; v < params_.servers; ++v) at.push_back(le(t, s.term[v]));
    return count_at_least(at, params_.quorum());
}

expr Encoding::committed_at(const SymState& s, std::uint32_t index, const expr& t) const {
    std::vector<expr> c;
    for (std::uint32_t tt = 1; tt <= params_.max_term; ++tt) c.push_back(t == num(tt) && s.committed[index - 1][tt]);
    return any_of(ctx_, c);
}

std::vector<sa::ActionKind> Encoding::all_kinds() {
    return {sa::ActionKind::kClientRequest, sa::ActionKind::kGetEntries,  sa::ActionKind::kRollbackEntries,
            sa::ActionKind::kBecomeLeader,  sa::ActionKind::kCommitEntry, sa::ActionKind::kUpdateTerms,
            sa::ActionKind::kStepDown,      sa::ActionKind::kBecomeLeaderLate, sa::ActionKind::kCommitEntryLate};
}

Step Encoding::next(const SymState& s, const SymState& t, const std::string& tag, const std::vector<sa::ActionKind>& kinds,
                    bool first_servers_only) const {
    using abstract_mutants::Bug;
    const std::uint32_t n = params_.servers, L = params_.max_log, T = params_.max_term;
    auto wanted = [&](sa::ActionKind k) {
        for (sa::ActionKind w : kinds) {
            if (w == k) return true;
        }
        return false;
    };
    std::vector<expr> q;
    for (std::uint32_t v = 0; v < n; ++v) q.push_back(ctx_.bool_const(("quorum_" + sname(v) + "_" + tag).c_str()));
    auto in_q_size = [&](std::uint32_t i, std::uint32_t size) { return q[i] && count_at_least(q, size); };
    // The number of the action taken (a term, an index or a length), shared like the quorum.
    const expr x = scalar("param_" + tag);

    // Writers of each variable: (condition, new value), innermost last.
    using Writes = std::vector<std::pair<expr, expr>>;
    std::vector<Writes> w_term(n), w_leader(n), w_len(n);
    std::vector<std::vector<Writes>> w_log(n, std::vector<Writes>(L));
    std::vector<std::vector<Writes>> w_commit(L, std::vector<Writes>(T + 1));
    std::vector<expr> guards;
    if (scalars_ == Scalars::kInt) guards.push_back(x >= 0);
    std::vector<Selector> sels;
    auto selector = [&](sa::ActionKind kind, std::uint32_t i, std::uint32_t j) {
        const sa::Action a{kind, static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(j), 0, 0};
        std::string name = "sel_" + sa::action_name(kind) + "_" + sname(i);
        if (kind == sa::ActionKind::kGetEntries || kind == sa::ActionKind::kUpdateTerms) name += "_" + sname(j);
        sels.push_back({a, ctx_.bool_const((name + "_" + tag).c_str())});
        return sels.back().literal;
    };

    const std::uint32_t actors = first_servers_only ? 1 : n;
    for (std::uint32_t i = 0; i < actors; ++i) {
        if (wanted(sa::ActionKind::kClientRequest)) {
            const expr sel = selector(sa::ActionKind::kClientRequest, i, 0);
            guards.push_back(z3::implies(sel, s.leader[i] && lt(s.len[i], num(L))));
            for (std::uint32_t k = 0; k < L; ++k) w_log[i][k].push_back({sel && s.len[i] == num(k), s.term[i]});
            w_len[i].push_back({sel, plus(s.len[i], 1)});
        }
        for (std::uint32_t j = 0; j < n; ++j) {
            if (i == j || (first_servers_only && j != 1)) continue;
            if (wanted(sa::ActionKind::kGetEntries)) {
                // i's log becomes j's first x entries, keeping every committed entry it holds.
                const expr sel = selector(sa::ActionKind::kGetEntries, i, j);
                std::vector<expr> g{!s.leader[i], le(x, s.len[j])};
                for (std::uint32_t k = 1; k <= L; ++k) {
                    const expr mine = s.log[i][k - 1];
                    g.push_back(z3::implies(le(num(k), s.len[i]) && committed_at(s, k, mine), le(num(k), x) && s.log[j][k - 1] == mine));
                }
                guards.push_back(z3::implies(sel, all_of(ctx_, g)));
                for (std::uint32_t k = 0; k < L; ++k) w_log[i][k].push_back({sel, z3::ite(lt(num(k), x), s.log[j][k], num(0))});
                w_len[i].push_back({sel, x});
            }
        }
        if (wanted(sa::ActionKind::kRollbackEntries)) {
            const expr sel = selector(sa::ActionKind::kRollbackEntries, i, 0);
            std::vector<expr> last_committed;
            for (std::uint32_t k = 1; k <= L; ++k) last_committed.push_back(s.len[i] == num(k) && committed_at(s, k, s.log[i][k - 1]));
            guards.push_back(z3::implies(sel, !s.leader[i] && lt(num(0), s.len[i]) && !any_of(ctx_, last_committed)));
            for (std::uint32_t k = 0; k < L; ++k) w_log[i][k].push_back({sel && s.len[i] == num(k + 1), num(0)});
            w_len[i].push_back({sel, plus(s.len[i], -1)});
        }
        if (wanted(sa::ActionKind::kBecomeLeader)) {
            // i wins term x, above its own.
            const expr sel = selector(sa::ActionKind::kBecomeLeader, i, 0);
            const std::uint32_t votes = bug_ == Bug::kVoteWithoutQuorum ? std::max(1u, params_.quorum() - 1) : params_.quorum();
            std::vector<expr> g{in_q_size(i, votes), lt(s.term[i], x), le(x, num(T))};
            for (std::uint32_t v = 0; v < n; ++v) {
                expr ok = lt(s.term[v], x);
                if (bug_ != Bug::kVoteWithoutLogCheck) ok = ok && up_to_date(s, i, v);
                g.push_back(z3::implies(q[v], ok));
            }
            guards.push_back(z3::implies(sel, all_of(ctx_, g)));
            for (std::uint32_t v = 0; v < n; ++v) {
                w_term[v].push_back({sel && q[v], x});
                w_leader[v].push_back({sel && q[v], ctx_.bool_val(v == i)});
            }
        }
        if (wanted(sa::ActionKind::kBecomeLeaderLate)) {
            // i wins term x after a newer election overtook it (see spec/abstract_actions.cpp).
            const expr sel = selector(sa::ActionKind::kBecomeLeaderLate, i, 0);
            std::vector<expr> g{in_q_size(i, params_.quorum()), lt(s.term[i], x), le(x, num(T)), lt(last_term(s, i), x)};
            std::vector<expr> overtaken;
            for (std::uint32_t v = 0; v < n; ++v) {
                overtaken.push_back(q[v] && lt(x, s.term[v]));
                g.push_back(!(s.leader[v] && s.term[v] == x));
                for (std::uint32_t k = 0; k < L; ++k) g.push_back(!(lt(num(k), s.len[v]) && s.log[v][k] == x));
            }
            g.push_back(any_of(ctx_, overtaken));
            for (std::uint32_t k = 1; k <= L; ++k) {
                for (std::uint32_t c = 1; c <= T; ++c) g.push_back(z3::implies(s.committed[k - 1][c] && le(num(c), x), has(s, i, k, num(c))));
            }
            guards.push_back(z3::implies(sel, all_of(ctx_, g)));
            for (std::uint32_t v = 0; v < n; ++v) {
                const expr joins = sel && q[v] && lt(s.term[v], x);
                w_term[v].push_back({joins, x});
                w_leader[v].push_back({joins, ctx_.bool_val(v == i)});
            }
        }
        for (const bool late : {false, true}) {
            // i commits the entries of the term of its entry x up to x.
            const sa::ActionKind kind = late ? sa::ActionKind::kCommitEntryLate : sa::ActionKind::kCommitEntry;
            if (!wanted(kind)) continue;
            const expr sel = selector(kind, i, 0);
            const bool figure8 = !late && bug_ == Bug::kCommitWithoutCurrentTermQuorum;
            const expr entry = entry_at(s, i, x);  // the term of the entry committed
            std::vector<expr> g{s.leader[i], lt(num(0), x), le(x, s.len[i]), in_q_size(i, params_.quorum())};
            if (!figure8) g.push_back(entry == s.term[i]);
            std::vector<expr> moved_on;
            for (std::uint32_t v = 0; v < n; ++v) {
                g.push_back(z3::implies(q[v], le(x, s.len[v]) && entry_at(s, v, x) == entry));
                moved_on.push_back(q[v] && lt(s.term[i], s.term[v]));
                if (late) {
                    const expr past = lt(s.term[i], last_term(s, v)) || (s.leader[v] && lt(s.term[i], s.term[v]));
                    g.push_back(z3::implies(past, le(x, s.len[v]) && entry_at(s, v, x) == entry));
                }
            }
            if (late) {
                g.push_back(any_of(ctx_, moved_on));
            } else if (!figure8) {
                g.push_back(!any_of(ctx_, moved_on));
            }
            guards.push_back(z3::implies(sel, all_of(ctx_, g)));
            for (std::uint32_t k = 0; k < L; ++k) {
                for (std::uint32_t tt = 1; tt <= T; ++tt) {
                    const expr covered = le(num(k + 1), x) && s.log[i][k] == entry && entry == num(tt);
                    w_commit[k][tt].push_back({sel && covered, ctx_.bool_val(true)});
                }
            }
        }
        if (wanted(sa::ActionKind::kUpdateTerms)) {
            for (std::uint32_t j = 0; j < n; ++j) {
                if (i == j || (first_servers_only && j != 1)) continue;
                const expr sel = selector(sa::ActionKind::kUpdateTerms, i, j);
                guards.push_back(z3::implies(sel, lt(s.term[j], s.term[i])));
                w_term[j].push_back({sel, s.term[i]});
                w_leader[j].push_back({sel, ctx_.bool_val(false)});
            }
        }
        if (wanted(sa::ActionKind::kStepDown)) {
            const expr sel = selector(sa::ActionKind::kStepDown, i, 0);
            guards.push_back(z3::implies(sel, s.leader[i]));
            w_leader[i].push_back({sel, ctx_.bool_val(false)});
        }
    }

    std::vector<expr> frame;
    auto chain = [&](const expr& now, const Writes& writes, const expr& next) {
        expr value = now;
        for (auto it = writes.rbegin(); it != writes.rend(); ++it) value = z3::ite(it->first, it->second, value);
        frame.push_back(next == value);
    };
    for (std::uint32_t i = 0; i < n; ++i) {
        chain(s.term[i], w_term[i], t.term[i]);
        chain(s.leader[i], w_leader[i], t.leader[i]);
        chain(s.len[i], w_len[i], t.len[i]);
        for (std::uint32_t k = 0; k < L; ++k) chain(s.log[i][k], w_log[i][k], t.log[i][k]);
    }
    for (std::uint32_t k = 0; k < L; ++k) {
        for (std::uint32_t tt = 1; tt <= T; ++tt) chain(s.committed[k][tt], w_commit[k][tt], t.committed[k][tt]);
    }
    std::vector<expr> lits;
    for (const Selector& sel : sels) lits.push_back(sel.literal);
    z3::expr_vector lv(ctx_);
    for (const expr& l : lits) lv.push_back(l);
    const expr at_most_one = lits.empty() ? ctx_.bool_val(true) : z3::atmost(lv, 1);
    return Step{all_of(ctx_, guards) && all_of(ctx_, frame) && at_most_one, sels, q, x, any_of(ctx_, lits)};
}

expr Encoding::conjunct(std::size_t index, const SymState& s) const {
    const std::uint32_t n = params_.servers, L = params_.max_log, T = params_.max_term;
    const std::string& name = conjuncts_.at(index).name;
    std::vector<expr> c;
    if (name == "TypeOK") return type_ok(s);
    if (name == "ElectionSafety") {
        for (std::uint32_t i = 0; i < n; ++i) {
            for (std::uint32_t j = i + 1; j < n; ++j) c.push_back(!(s.leader[i] && s.leader[j] && s.term[i] == s.term[j]));
        }
    } else if (name == "LogMatching") {
        for (std::uint32_t i = 0; i < n; ++i) {
            for (std::uint32_t j = i + 1; j < n; ++j) {
                for (std::uint32_t k = 0; k < L; ++k) {
                    const expr same_entry = lt(num(k), s.len[i]) && lt(num(k), s.len[j]) && s.log[i][k] == s.log[j][k];
                    for (std::uint32_t m = 0; m < k; ++m) c.push_back(z3::implies(same_entry, s.log[i][m] == s.log[j][m]));
                }
            }
        }
    } else if (name == "LeaderCompleteness") {
        for (std::uint32_t i = 0; i < n; ++i) {
            for (std::uint32_t k = 1; k <= L; ++k) {
                for (std::uint32_t t = 1; t <= T; ++t) {
                    c.push_back(z3::implies(s.leader[i] && s.committed[k - 1][t] && le(num(t), s.term[i]), has(s, i, k, num(t))));
                }
            }
        }
    } else if (name == "StateMachineSafety") {
        for (std::uint32_t k = 0; k < L; ++k) {
            std::vector<expr> row(s.committed[k].begin() + 1, s.committed[k].end());
            z3::expr_vector ev(ctx_);
            for (const expr& e : row) ev.push_back(e);
            c.push_back(z3::atmost(ev, 1));
        }
    } else if (name == "LogTermsGrow") {
        for (std::uint32_t i = 0; i < n; ++i) {
            for (std::uint32_t k = 1; k < L; ++k) c.push_back(z3::implies(lt(num(k), s.len[i]), le(s.log[i][k - 1], s.log[i][k])));
        }
    } else if (name == "PrimaryWasElected") {
        for (std::uint32_t i = 0; i < n; ++i) c.push_back(z3::implies(s.leader[i], s.term[i] != num(0)));
    } else if (name == "PrimaryTermBoundsItsLog") {
        for (std::uint32_t i = 0; i < n; ++i) c.push_back(z3::implies(s.leader[i], le(last_term(s, i), s.term[i])));
    } else if (name == "EntryImpliesElection") {
        for (std::uint32_t i = 0; i < n; ++i) {
            for (std::uint32_t k = 0; k < L; ++k) c.push_back(z3::implies(lt(num(k), s.len[i]), quorum_at_term(s, s.log[i][k])));
        }
    } else if (name == "PrimaryHasQuorumAtItsTerm") {
        for (std::uint32_t i = 0; i < n; ++i) c.push_back(z3::implies(s.leader[i], quorum_at_term(s, s.term[i])));
    } else if (name == "PrimaryHasEntriesOfItsTerm") {
        for (std::uint32_t i = 0; i < n; ++i) {
            for (std::uint32_t j = 0; j < n; ++j) {
                for (std::uint32_t k = 1; k <= L; ++k) {
                    c.push_back(z3::implies(s.leader[i] && has(s, j, k, s.term[i]), has(s, i, k, s.term[i])));
                }
            }
        }
    } else if (name == "FirstEntryOfTermAligned") {
        for (std::uint32_t i = 0; i < n; ++i) {
            for (std::uint32_t k = 1; k <= L; ++k) {
                const expr& t = s.log[i][k - 1];
                expr first = lt(num(k - 1), s.len[i]);
                if (k > 1) first = first && s.log[i][k - 2] != t;
                for (std::uint32_t j = 0; j < n; ++j) {
                    for (std::uint32_t m = 1; m < k; ++m) c.push_back(z3::implies(first, !has(s, j, m, t)));
                }
            }
        }
    } else if (name == "CommittedOnQuorum") {
        for (std::uint32_t k = 1; k <= L; ++k) {
            for (std::uint32_t t = 1; t <= T; ++t) {
                std::vector<expr> holders;
                for (std::uint32_t v = 0; v < n; ++v) holders.push_back(has(s, v, k, num(t)));
                c.push_back(z3::implies(s.committed[k - 1][t], count_at_least(holders, params_.quorum())));
            }
        }
    } else if (name == "NewerLogsHaveCommitted") {
        for (std::uint32_t k = 1; k <= L; ++k) {
            for (std::uint32_t t = 1; t <= T; ++t) {
                for (std::uint32_t v = 0; v < n; ++v) {
                    c.push_back(z3::implies(s.committed[k - 1][t] && lt(num(t), last_term(s, v)), has(s, v, k, num(t))));
                }
            }
        }
    } else {
        throw std::logic_error("no Z3 formula for conjunct " + name);
    }
    return all_of(ctx_, c);
}

expr Encoding::equals(const SymState& s, const sa::State& c) const {
    std::vector<expr> e;
    for (std::uint32_t i = 0; i < params_.servers; ++i) {
        e.push_back(s.term[i] == num(c.term[i]));
        e.push_back(s.leader[i] == ctx_.bool_val(c.leader[i]));
        e.push_back(s.len[i] == num(c.len[i]));
        for (std::uint32_t k = 0; k < params_.max_log; ++k) e.push_back(s.log[i][k] == num(c.log[i][k]));
    }
    for (std::uint32_t k = 0; k < params_.max_log; ++k) {
        for (std::uint32_t t = 1; t <= params_.max_term; ++t) e.push_back(s.committed[k][t] == ctx_.bool_val(c.is_committed(k + 1, t)));
    }
    return all_of(ctx_, e);
}

expr Encoding::same(const SymState& a, const SymState& b) const {
    std::vector<expr> e;
    for (std::uint32_t i = 0; i < params_.servers; ++i) {
        e.push_back(a.term[i] == b.term[i]);
        e.push_back(a.leader[i] == b.leader[i]);
        e.push_back(a.len[i] == b.len[i]);
        for (std::uint32_t k = 0; k < params_.max_log; ++k) e.push_back(a.log[i][k] == b.log[i][k]);
    }
    for (std::uint32_t k = 0; k < params_.max_log; ++k) {
        for (std::uint32_t t = 1; t <= params_.max_term; ++t) e.push_back(a.committed[k][t] == b.committed[k][t]);
    }
    return all_of(ctx_, e);
}

sa::State Encoding::read(const z3::model& m, const SymState& s) const {
    sa::State c;
    for (std::uint32_t i = 0; i < params_.servers; ++i) {
        c.term[i] = static_cast<std::uint8_t>(value(m, s.term[i]));
        c.leader[i] = m.eval(s.leader[i], true).is_true();
        c.len[i] = static_cast<std::uint8_t>(value(m, s.len[i]));
        for (std::uint32_t k = 0; k < params_.max_log; ++k) c.log[i][k] = static_cast<std::uint8_t>(value(m, s.log[i][k]));
    }
    for (std::uint32_t k = 0; k < params_.max_log; ++k) {
        for (std::uint32_t t = 1; t <= params_.max_term; ++t) {
            if (m.eval(s.committed[k][t], true).is_true()) c.committed[k] = static_cast<std::uint8_t>(c.committed[k] | (1u << t));
        }
    }
    return c;
}

std::optional<sa::Action> Encoding::read_action(const z3::model& m, const Step& step) const {
    for (const Selector& sel : step.selectors) {
        if (!m.eval(sel.literal, true).is_true()) continue;
        sa::Action a = sel.action;
        const bool numbered = a.kind == sa::ActionKind::kBecomeLeader || a.kind == sa::ActionKind::kCommitEntry ||
                              a.kind == sa::ActionKind::kBecomeLeaderLate || a.kind == sa::ActionKind::kCommitEntryLate;
        if (numbered) {
            for (std::uint32_t v = 0; v < params_.servers; ++v) {
                if (m.eval(step.quorum[v], true).is_true()) a.quorum = static_cast<std::uint8_t>(a.quorum | (1u << v));
            }
        }
        if (numbered || a.kind == sa::ActionKind::kGetEntries) {
            a.n = static_cast<std::uint8_t>(value(m, step.param));
        }
        return a;
    }
    return std::nullopt;
}

}  // namespace prove
