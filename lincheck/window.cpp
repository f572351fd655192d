#include "lincheck/window.hpp"

#include <algorithm>
#include <numeric>

#include "lincheck/assert.hpp"
#include "lincheck/reduction.hpp"

namespace lincheck {

namespace {

// Fences tried in step 2, latest first; each costs a search.
constexpr std::size_t kFenceTries = 16;
// Step 3 searches once per operation it tries to drop; beyond this many it is skipped.
constexpr std::size_t kMaxOpsForDrops = 500;
// Each pass of step 3 may make writes droppable that were not (their last reader went).
constexpr std::size_t kMaxDropPasses = 4;

// A sub-history under construction: operations as they are in it, and their origins.
struct Part {
    std::vector<Operation> ops;
    std::vector<std::size_t> origin;

    void add(const Operation& op, std::size_t from) {
        ops.push_back(op);
        origin.push_back(from);
    }
};

Verdict verdict_of(const Part& part, Budget& budget) {
    if (part.ops.empty()) return Verdict::Linearizable;
    std::vector<const Operation*> ptrs;
    for (const Operation& op : part.ops) ptrs.push_back(&op);
    return search_linearization(ptrs, budget).verdict;
}

struct Event {
    Time time;
    bool is_return;
    std::size_t op;  // position in the key's indices
};

std::vector<Event> events_of(const History& history, const std::vector<std::size_t>& indices) {
    std::vector<Event> events;
    for (std::size_t i = 0; i < indices.size(); ++i) {
        const Operation& op = history.ops[indices[i]];
        events.push_back({op.call, false, i});
        if (!op.open()) events.push_back({op.ret, true, i});
    }
    std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
        if (a.time != b.time) return a.time < b.time;
        if (a.is_return != b.is_return) return !a.is_return;
        return a.op < b.op;
    });
    return events;
}

// The history as it stood after the first `length` events.
Part prefix(const History& history, const std::vector<std::size_t>& indices, const std::vector<Event>& events, std::size_t length) {
    std::vector<char> called(indices.size(), 0), returned(indices.size(), 0);
    for (std::size_t e = 0; e < length; ++e) (events[e].is_return ? returned : called)[events[e].op] = 1;
    Part part;
    for (std::size_t i = 0; i < indices.size(); ++i) {
        if (!called[i]) continue;
        Operation op = history.ops[indices[i]];
        if (!returned[i]) {
            if (op.kind == OpKind::Get) continue;
            op.ret = kNever;
            op.output.clear();
        }
        part.add(op, indices[i]);
    }
    return part;
}

// Step 2 for one Put: what is left if `fence` qualifies, nothing otherwise.
std::optional<Part> cut_at_fence(const Part& part, std::size_t fence) {
    const Operation& p = part.ops[fence];
    Part rest;
    for (std::size_t i = 0; i < part.ops.size(); ++i) {
        const Operation& q = part.ops[i];
        if (i == fence) {
            rest.add(q, part.origin[i]);
        } else if (q.call >= p.call && q.call <= p.ret) {
            return std::nullopt;  // may be linearized before p
        } else if (q.call > p.ret || q.open()) {
            rest.add(q, part.origin[i]);
        } else if (q.ret >= p.call) {
            return std::nullopt;  // returned operation overlapping p
        }
    }
    return rest;
}

std::size_t index_of(const Part& part, std::size_t origin) {
    const auto it = std::find(part.origin.begin(), part.origin.end(), origin);
    LINCHECK_ASSERT(it != part.origin.end(), "the failing operation stays in the window");
    return static_cast<std::size_t>(it - part.origin.begin());
}

Part without(const Part& part, std::size_t drop) {
    Part rest;
    for (std::size_t i = 0; i < part.ops.size(); ++i) {
        if (i != drop) rest.add(part.ops[i], part.origin[i]);
    }
    return rest;
}

// Indices of `part` by call time, latest first (ties: later origin first).
std::vector<std::size_t> latest_first(const Part& part) {
    std::vector<std::size_t> order(part.ops.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (part.ops[a].call != part.ops[b].call) return part.ops[a].call > part.ops[b].call;
        return part.origin[a] > part.origin[b];
    });
    return order;
}

enum class DropResult { Dropped, Nothing, OutOfBudget };

// One pass of step 3 over `part`, newest first: every Get but the failing operation, and every
// write no remaining Get can have seen, is dropped if the rest is still not linearizable. The
// fence stays even if no Get saw it: without it, the window would start from the empty value
// while the history did not, and read as if a Get returned a value nobody wrote.
DropResult drop_what_is_not_needed(Part& part, std::size_t failing_origin, std::size_t fence_origin, Budget& budget) {
    std::vector<std::size_t> candidates;
    for (std::size_t i : latest_first(part)) {
        if (part.origin[i] != failing_origin && part.origin[i] != fence_origin) candidates.push_back(part.origin[i]);
    }
    DropResult result = DropResult::Nothing;
    for (std::size_t origin : candidates) {
        const std::size_t i = index_of(part, origin);
        if (part.ops[i].mutates()) {
            std::vector<const Operation*> ptrs;
            for (const Operation& op : part.ops) ptrs.push_back(&op);
            if (Observability(ptrs).observable(part.ops[i])) continue;
        }
        Part rest = without(part, i);
        const Verdict v = verdict_of(rest, budget);
        if (v == Verdict::Unknown) return DropResult::OutOfBudget;
        if (v == Verdict::NotLinearizable) {
            part = std::move(rest);
            result = DropResult::Dropped;
        }
    }
    return result;
}

}  // namespace

std::optional<std::vector<Operation>> after_fence(const std::vector<Operation>& ops, std::size_t fence) {
    LINCHECK_ASSERT(fence < ops.size() && ops[fence].kind == OpKind::Put && !ops[fence].open(), "a returned Put");
    Part part;
    for (std::size_t i = 0; i < ops.size(); ++i) part.add(ops[i], i);
    std::optional<Part> rest = cut_at_fence(part, fence);
    if (!rest) return std::nullopt;
    return rest->ops;
}

Window find_window(const History& history, const std::vector<std::size_t>& indices, Budget& budget) {
    LINCHECK_ASSERT(!indices.empty(), "a failing key has operations");
    Window w;
    w.key = history.ops[indices.front()].key;
    w.key_ops = indices.size();
    const std::vector<Event> events = events_of(history, indices);
    std::vector<std::size_t> return_at;  // event positions of the returns
    for (std::size_t e = 0; e < events.size(); ++e) {
        if (events[e].is_return) return_at.push_back(e);
    }
    LINCHECK_ASSERT(!return_at.empty(), "a history without returns is linearizable");

    // Step 1: the last return's prefix is the whole history less calls nobody can observe.
    std::ptrdiff_t lo = -1;
    auto hi = static_cast<std::ptrdiff_t>(return_at.size()) - 1;
    while (hi - lo > 1) {
        const std::ptrdiff_t mid = lo + (hi - lo) / 2;
        const Verdict v = verdict_of(prefix(history, indices, events, return_at[mid] + 1), budget);
        if (v == Verdict::NotLinearizable) {
            hi = mid;
        } else {
            if (v == Verdict::Unknown) w.minimal = false;
            lo = mid;
        }
    }
    Part part = prefix(history, indices, events, return_at[hi] + 1);
    const std::size_t failing_origin = indices[events[return_at[hi]].op];
    w.prefix_ops = part.ops.size();

    // Step 2.
    std::size_t fence_origin = SIZE_MAX;
    std::size_t tries = 0;
    for (std::size_t i : latest_first(part)) {
        if (tries == kFenceTries) break;
        const Operation& p = part.ops[i];
        if (p.kind != OpKind::Put || p.open() || part.origin[i] == failing_origin) continue;
        std::optional<Part> rest = cut_at_fence(part, i);
        if (!rest || std::find(rest->origin.begin(), rest->origin.end(), failing_origin) == rest->origin.end()) continue;
        ++tries;
        const Verdict v = verdict_of(*rest, budget);
        if (v == Verdict::NotLinearizable) {
            fence_origin = part.origin[i];
            part = std::move(*rest);
            break;
        }
        if (v == Verdict::Unknown) {
            w.minimal = false;
            break;
        }
    }

    // Step 3, repeated while it removes something: dropping Gets makes writes unseen.
    if (part.ops.size() > kMaxOpsForDrops) {
        w.minimal = false;
    } else {
        for (std::size_t pass = 0; pass < kMaxDropPasses; ++pass) {
            const DropResult r = drop_what_is_not_needed(part, failing_origin, fence_origin, budget);
            if (r == DropResult::OutOfBudget) w.minimal = false;
            if (r != DropResult::Dropped) break;
        }
    }

    // Finally: what no remaining Get can have seen.
    std::vector<const Operation*> ptrs;
    for (const Operation& op : part.ops) ptrs.push_back(&op);
    const std::vector<const Operation*> kept = drop_unobservable(ptrs);
    std::vector<std::size_t> order;
    for (const Operation* op : kept) order.push_back(static_cast<std::size_t>(op - part.ops.data()));
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return part.ops[a].call < part.ops[b].call; });
    for (std::size_t i : order) {
        w.ops.push_back(part.ops[i]);
        w.origin.push_back(part.origin[i]);
    }
    w.failing = index_of(Part{w.ops, w.origin}, failing_origin);
    return w;
}

}  // namespace lincheck
