// The linearizability checker on histories written by hand: the classic examples, open-ended
// operations, P-compositionality, the budget, the window and its picture. Then RapidCheck:
// the search agrees with a brute-force reference on random small histories, and every window
// it reports is itself not linearizable.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lincheck/check.hpp"
#include "lincheck/reduction.hpp"
#include "lincheck/render.hpp"
#include "tests/lincheck_support.hpp"

namespace lincheck {
namespace {

using namespace lincheck::testing;

Verdict verdict(std::vector<Operation> ops) {
    History h{std::move(ops)};
    EXPECT_FALSE(find_problem(h)) << find_problem(h)->message;
    return check_history(h, CheckOptions{}).verdict;
}

constexpr Verdict kYes = Verdict::Linearizable;
constexpr Verdict kNo = Verdict::NotLinearizable;

TEST(Lincheck, EmptyHistoryIsLinearizable) { EXPECT_EQ(verdict({}), kYes); }

TEST(Lincheck, SequentialPutThenGet) {
    EXPECT_EQ(verdict({put(0, "x", "1", 0, 10), get(1, "x", "1", 20, 30)}), kYes);
    EXPECT_EQ(verdict({put(0, "x", "1", 0, 10), get(1, "x", "2", 20, 30)}), kNo);
}

TEST(Lincheck, UnwrittenKeyReadsEmpty) {
    EXPECT_EQ(verdict({get(0, "x", "", 0, 10)}), kYes);
    EXPECT_EQ(verdict({get(0, "x", "1", 0, 10)}), kNo);
}

TEST(Lincheck, StaleReadAfterCompletedWriteIsCaught) {
    EXPECT_EQ(verdict({put(0, "x", "1", 0, 10), put(1, "x", "2", 20, 30), get(2, "x", "1", 40, 50)}), kNo);
}

TEST(Lincheck, ConcurrentReadMaySeeEitherValue) {
    for (const char* seen : {"1", "2"}) {
        EXPECT_EQ(verdict({put(0, "x", "1", 0, 10), put(1, "x", "2", 20, 40), get(2, "x", seen, 25, 35)}), kYes) << seen;
    }
}

// Herlihy and Wing's classic: two reads overlap a write; the first sees the new value, the
// second, which starts after the first returned, sees the old one.
TEST(Lincheck, NewOldInversionIsCaught) {
    EXPECT_EQ(verdict({put(0, "x", "old", 0, 5), put(1, "x", "new", 10, 100), get(2, "x", "new", 20, 30), get(3, "x", "old", 40, 50)}), kNo);
    // In the other order both reads are explained.
    EXPECT_EQ(verdict({put(0, "x", "old", 0, 5), put(1, "x", "new", 10, 100), get(2, "x", "old", 20, 30), get(3, "x", "new", 40, 50)}), kYes);
}

TEST(Lincheck, ConcurrentAppendsInEitherOrderButBothOnce) {
    auto with = [](const char* seen) {
        return std::vector<Operation>{append(0, "x", "a", 0, 10), append(1, "x", "b", 0, 10), get(2, "x", seen, 20, 30)};
    };
    EXPECT_EQ(verdict(with("ab")), kYes);
    EXPECT_EQ(verdict(with("ba")), kYes);
    EXPECT_EQ(verdict(with("a")), kNo);
    EXPECT_EQ(verdict(with("abb")), kNo);  // a retried Append applied twice
}

TEST(Lincheck, OperationsThatTouchAreConcurrent) {
    // The Put returns at 10 and the Get is called at 10: either order is allowed.
    EXPECT_EQ(verdict({put(0, "x", "1", 0, 10), get(1, "x", "", 10, 20)}), kYes);
    EXPECT_EQ(verdict({put(0, "x", "1", 0, 10), get(1, "x", "", 11, 20)}), kNo);
}

TEST(Lincheck, OpenEndedWriteMayTakeEffectLateOrNever) {
    const Operation lost = put(0, "x", "1", 0);
    EXPECT_EQ(verdict({lost, get(1, "x", "", 100, 110)}), kYes);                            // never
    EXPECT_EQ(verdict({lost, get(1, "x", "", 100, 110), get(2, "x", "1", 200, 210)}), kYes); // late
    // Once seen, it cannot be unseen.
    EXPECT_EQ(verdict({lost, get(1, "x", "1", 100, 110), get(2, "x", "", 200, 210)}), kNo);
    // Not before its call.
    EXPECT_EQ(verdict({get(1, "x", "1", 0, 10), put(0, "x", "1", 20)}), kNo);
}

TEST(Lincheck, OpenEndedGetConstrainsNothing) {
    EXPECT_EQ(verdict({put(0, "x", "1", 0, 10), open_get(1, "x", 20), get(2, "x", "1", 30, 40)}), kYes);
}

TEST(Lincheck, KeysAreIndependent) {
    // Each key alone is linearizable; a read of y cannot be ordered by x's writes.
    EXPECT_EQ(verdict({put(0, "x", "1", 0, 10), put(1, "y", "1", 20, 30), get(2, "x", "1", 40, 50), get(3, "y", "", 0, 5)}), kYes);
    History h{{put(0, "a", "1", 0, 10), get(1, "a", "1", 20, 30), put(2, "b", "1", 0, 10), get(3, "b", "2", 20, 30)}};
    const CheckResult r = check_history(h, CheckOptions{});
    EXPECT_EQ(r.verdict, kNo);
    ASSERT_TRUE(r.window);
    EXPECT_EQ(r.window->key, "b");
}

// 20 concurrent Appends of the same value, and a Get that saw 21 copies: every state on the
// way is a prefix of what the Get read, so nothing prunes, and the search must visit every
// subset of the Appends (2^20) before it can say no.
History hard_history() {
    History h;
    for (ClientId c = 0; c < 20; ++c) h.ops.push_back(append(c, "x", "x", 0, 100));
    h.ops.push_back(get(99, "x", std::string(21, 'x'), 200, 210));
    return h;
}

TEST(Lincheck, BudgetGivesUnknownNotAWrongAnswer) {
    CheckOptions small;
    small.max_steps = 1000;
    const CheckResult r = check_history(hard_history(), small);
    EXPECT_EQ(r.verdict, Verdict::Unknown);
    EXPECT_LE(r.steps, 1001u);
    EXPECT_FALSE(r.window);
}

TEST(Lincheck, SameHistorySameSteps) {
    CheckOptions o;
    o.max_steps = 5000;
    const CheckResult a = check_history(hard_history(), o);
    const CheckResult b = check_history(hard_history(), o);
    EXPECT_EQ(a.steps, b.steps);
    EXPECT_EQ(a.keys.front().stats.configurations, b.keys.front().stats.configurations);
}

TEST(Lincheck, MemoizationCollapsesOrdersThatLeaveTheSameState) {
    // 12 concurrent Puts, then a Get of the one the search tries first: the search must undo
    // all the ways of putting it last but one. Without memoization that is up to 12! orders;
    // with it, a (set of Puts done, last Put) pair is explored once: at most 2^12 * 13.
    History h;
    for (ClientId c = 0; c < 12; ++c) h.ops.push_back(put(c, "x", std::string(1, static_cast<char>('a' + c)), 0, 100));
    h.ops.push_back(get(99, "x", "a", 200, 210));
    const CheckResult r = check_history(h, CheckOptions{});
    EXPECT_EQ(r.verdict, kYes);
    EXPECT_LT(r.keys.front().stats.configurations, 4096u * 13u);
}

TEST(Lincheck, MemoryLimitGivesUnknown) {
    // Concurrent Appends leave a different state in every order: the memo cannot collapse them.
    CheckOptions o;
    o.max_memory_bytes = 1 << 20;
    const CheckResult r = check_history(hard_history(), o);
    EXPECT_EQ(r.verdict, Verdict::Unknown);
}

TEST(Reduction, DropsOnlyWhatNoGetCanHaveSeen) {
    const std::vector<Operation> ops{append(0, "x", "seen", 0), append(1, "x", "unseen", 0), put(2, "x", "p", 0), put(3, "x", "q", 0),
                                     append(4, "x", "", 0),     open_get(5, "x", 0),         get(6, "x", "pseen", 10, 20)};
    std::vector<const Operation*> ptrs;
    for (const Operation& op : ops) ptrs.push_back(&op);
    const std::vector<const Operation*> kept = drop_unobservable(ptrs);
    std::vector<std::string> values;
    for (const Operation* op : kept) values.push_back(op->kind == OpKind::Get ? "get" : op->value);
    EXPECT_EQ(values, (std::vector<std::string>{"seen", "p", "get"}));
}

TEST(HistoryProblems, AreFoundAndNamed) {
    auto problem = [](std::vector<Operation> ops) {
        const auto p = find_problem(History{std::move(ops)});
        return p ? std::to_string(p->op_index) + ": " + p->message : std::string("none");
    };
    EXPECT_EQ(problem({put(0, "x", "1", 0, 10), get(0, "x", "1", 20, 30)}), "none");
    EXPECT_NE(problem({put(0, "x", "1", 0, 10), get(0, "x", "1", 5, 30)}).find("1: overlaps operation #0 of the same client 0"),
              std::string::npos);
    EXPECT_NE(problem({put(0, "x", "1", 0, 10), get(0, "x", "1", 10, 30)}).find("overlaps"), std::string::npos);
    EXPECT_NE(problem({put(0, "x", "1", 10, 5)}).find("0: returns (5) before it is called (10)"), std::string::npos);
    EXPECT_NE(problem({put(0, "x", "1", 0), get(0, "x", "1", 20, 30)}).find("after its open-ended operation #0"), std::string::npos);
    EXPECT_NE(problem({put(0, "x", "1", -1, 5)}).find("call time out of range"), std::string::npos);
}

// A long linearizable run on one key, then a read of a value overwritten long before.
History long_history_with_stale_read() {
    History h;
    Time t = 0;
    for (int i = 0; i < 200; ++i, t += 10) {
        h.ops.push_back(put(static_cast<ClientId>(i % 3), "x", "v" + std::to_string(i), t, t + 8));
        h.ops.push_back(get(static_cast<ClientId>(3 + i % 3), "x", "v" + std::to_string(i), t + 9, t + 9));
    }
    h.ops.push_back(get(7, "x", "v120", t, t + 5));
    return h;
}

TEST(Window, ShrinksToTheFenceAndTheStaleRead) {
    const History h = long_history_with_stale_read();
    const CheckResult r = check_history(h, CheckOptions{});
    ASSERT_EQ(r.verdict, kNo);
    ASSERT_TRUE(r.window);
    const Window& w = *r.window;
    EXPECT_TRUE(w.minimal);
    EXPECT_EQ(w.key_ops, 401u);
    EXPECT_EQ(w.prefix_ops, 401u);
    // The last Put fences off everything before it; the Gets in between go.
    ASSERT_EQ(w.ops.size(), 2u);
    EXPECT_EQ(w.ops[0].value, "v199");
    EXPECT_EQ(w.ops[1].output, "v120");
    EXPECT_EQ(w.failing, 1u);
    EXPECT_EQ(w.origin[1], 400u);
    EXPECT_FALSE(brute_force_linearizable(w.ops));
}

TEST(Window, CutsAtTheFirstReturnThatCannotBeExplained) {
    // The violation is at the Get of op 2; what follows is not part of the window.
    History h{{put(0, "x", "1", 0, 10), put(1, "x", "2", 20, 30), get(2, "x", "1", 40, 50), put(3, "x", "3", 60, 70), get(4, "x", "3", 80, 90)}};
    const CheckResult r = check_history(h, CheckOptions{});
    ASSERT_TRUE(r.window);
    EXPECT_EQ(r.window->prefix_ops, 3u);
    EXPECT_EQ(r.window->origin[r.window->failing], 2u);
    EXPECT_EQ(r.window->ops.size(), 2u);
}

TEST(Window, KeepsOpenWritesASeenValueNeeds) {
    History h{{put(0, "x", "1", 0, 10), put(1, "x", "2", 20), get(2, "x", "2", 40, 50), get(3, "x", "1", 60, 70)}};
    const CheckResult r = check_history(h, CheckOptions{});
    ASSERT_TRUE(r.window);
    EXPECT_EQ(r.window->ops.size(), 4u);
    EXPECT_FALSE(brute_force_linearizable(r.window->ops));
}

TEST(Render, DrawsOneLanePerClientAndMarksTheFailingOperation) {
    History h{{put(0, "x", "1", 0, 10), put(1, "x", "2<&>", 20), get(2, "x", "2<&>", 40, 50), get(3, "x", "1", 60, 70)}};
    const CheckResult r = check_history(h, CheckOptions{});
    ASSERT_TRUE(r.window);
    const std::string svg = render_window_svg(*r.window);
    EXPECT_EQ(svg.rfind("<svg", 0), 0u);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    for (const char* lane : {">client 0<", ">client 1<", ">client 2<", ">client 3<"}) EXPECT_NE(svg.find(lane), std::string::npos) << lane;
    EXPECT_EQ(svg.find("2<&>"), std::string::npos) << "values are escaped";
    EXPECT_NE(svg.find("2&lt;&amp;&gt;"), std::string::npos);
    EXPECT_NE(svg.find("stroke=\"#c00000\""), std::string::npos);
    EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos) << "the open-ended Put is drawn dashed";
    const std::string html = render_window_html(*r.window);
    EXPECT_NE(html.find("class=\"failing\""), std::string::npos);
    EXPECT_NE(html.find("no reply"), std::string::npos);
}

// ---- Random small histories against the brute-force reference ----

// Up to 9 operations on two keys. Half the time, Gets return what a random execution of a
// correct store gives (each operation taking effect at a random instant of its interval), so
// both verdicts come up often; then one output may be disturbed.
std::vector<Operation> random_small_history(bool disturb) {
    const int n = *rc::gen::inRange(1, 10);
    std::vector<Operation> ops;
    std::vector<Time> effect;
    for (int i = 0; i < n; ++i) {
        Operation op;
        op.client = static_cast<ClientId>(i);
        op.kind = *rc::gen::element(OpKind::Put, OpKind::Append, OpKind::Get, OpKind::Get);
        op.key = *rc::gen::element<std::string>("x", "x", "y");
        if (op.kind != OpKind::Get) op.value = *rc::gen::element<std::string>("a", "b", "c", "ab");
        // Few distinct times, so that calls and returns often coincide.
        op.call = *rc::gen::inRange<Time>(0, 8);
        const Time len = *rc::gen::inRange<Time>(0, 5);
        op.ret = *rc::gen::inRange(0, 6) == 0 ? kNever : op.call + len;
        effect.push_back(op.call + *rc::gen::inRange<Time>(0, len + 1));
        ops.push_back(op);
    }
    std::vector<std::size_t> order(ops.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return effect[a] < effect[b]; });
    std::map<std::string, std::string> state;
    for (std::size_t i : order) {
        Operation& op = ops[i];
        if (op.kind == OpKind::Put) state[op.key] = op.value;
        if (op.kind == OpKind::Append) state[op.key] += op.value;
        if (op.kind == OpKind::Get && !op.open()) op.output = state[op.key];
    }
    if (disturb) {
        for (Operation& op : ops) {
            if (op.kind == OpKind::Get && !op.open() && *rc::gen::inRange(0, 2) == 0) op.output = *rc::gen::element<std::string>("", "a", "b", "ab", "ba", "c");
        }
    }
    return ops;
}

// Runs `property` on `cases` random inputs from a fixed seed (the same cases every run), more
// than RapidCheck's default 100: the search's shortcuts fail, if at all, on rare coincidences
// of times and values. Each case takes some microseconds.
template <typename Property>
void check_cases(Property property, int cases) {
    rc::detail::TestParams params;
    params.seed = 6824;
    params.maxSuccess = cases;
    const rc::detail::TestResult result = rc::detail::checkTestable(property, rc::detail::TestMetadata{}, params);
    rc::detail::SuccessResult success;
    EXPECT_TRUE(result.match(success)) << result;
}

TEST(LincheckProperty, SearchAgreesWithBruteForce) {
    check_cases(
        [] {
            const std::vector<Operation> ops = random_small_history(*rc::gen::arbitrary<bool>());
            const bool expected = brute_force_linearizable(ops);
            RC_TAG(expected ? "linearizable" : "not linearizable");
            const CheckResult r = check_history(History{ops}, CheckOptions{});
            RC_ASSERT(r.verdict == (expected ? kYes : kNo));
        },
        20000);
}

void window_property() {
    const std::vector<Operation> ops = random_small_history(true);
    const CheckResult r = check_history(History{ops}, CheckOptions{});
    RC_TAG(r.verdict == kNo ? "not linearizable" : "linearizable, no window");
    if (r.verdict != kNo) {
        RC_ASSERT(!r.window.has_value());
        return;
    }
    RC_ASSERT(r.window.has_value());
    const Window& w = *r.window;
    RC_ASSERT(!brute_force_linearizable(w.ops));
    RC_ASSERT(w.failing < w.ops.size());
    RC_ASSERT(!w.ops[w.failing].open());
    for (std::size_t i = 0; i < w.ops.size(); ++i) {
        const Operation& orig = ops[w.origin[i]];
        RC_ASSERT(orig.key == w.key);
        RC_ASSERT(orig.kind == w.ops[i].kind && orig.value == w.ops[i].value && orig.call == w.ops[i].call);
        // A window operation is as it was, or cut open by the prefix.
        RC_ASSERT(w.ops[i].ret == orig.ret || w.ops[i].open());
    }
    // The failing operation's return is the first that cannot be explained: the history of
    // its key without it and everything called after its return is linearizable.
    const Operation& f = ops[w.origin[w.failing]];
    std::vector<Operation> before;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const Operation& op = ops[i];
        if (op.key != w.key || i == w.origin[w.failing] || op.call > f.ret) continue;
        Operation cut = op;
        // Still pending at the failing return (or returning with it but ordered after it).
        if (!op.open() && (op.ret > f.ret || (op.ret == f.ret && i > w.origin[w.failing]))) {
            if (op.kind == OpKind::Get) continue;
            cut.ret = kNever;
        }
        before.push_back(cut);
    }
    RC_ASSERT(brute_force_linearizable(before));
}


TEST(LincheckProperty, EveryWindowIsItselfNotLinearizable) { check_cases(window_property, 5000); }

// The window's soundness rests on its steps never turning a linearizable history into one
// that is not; the Get and prefix steps are textbook, the fence is this project's.
TEST(LincheckProperty, FenceNeverCondemnsALinearizableHistory) {
    check_cases(
        [] {
            const std::vector<Operation> all = random_small_history(false);
            std::vector<Operation> ops;
            for (const Operation& op : all) {
                if (op.key == "x") ops.push_back(op);
            }
            RC_PRE(brute_force_linearizable(ops));
            bool fenced = false;
            for (std::size_t i = 0; i < ops.size(); ++i) {
                if (ops[i].kind != OpKind::Put || ops[i].open()) continue;
                const std::optional<std::vector<Operation>> rest = after_fence(ops, i);
                if (!rest) continue;
                fenced = fenced || rest->size() < ops.size();
                RC_ASSERT(brute_force_linearizable(*rest));
            }
            RC_TAG(fenced ? "a fence cut something" : "no fence");
        },
        5000);
}

}  // namespace
}  // namespace lincheck
