#include "lincheck/reduction.hpp"

#include <algorithm>

#include "lincheck/assert.hpp"

namespace lincheck {

Observability::Observability(std::span<const Operation* const> ops) {
    std::vector<const Operation*> puts;
    for (const Operation* op : ops) {
        if (op->kind == OpKind::Get && !op->open()) gets_by_return_.push_back(op);
        if (op->kind == OpKind::Put && !op->open()) puts.push_back(op);
    }
    std::stable_sort(gets_by_return_.begin(), gets_by_return_.end(), [](const Operation* a, const Operation* b) { return a->ret < b->ret; });
    for (const Operation* g : gets_by_return_) {
        get_returns_.push_back(g->ret);
        longest_get_ = std::max(longest_get_, g->ret - g->call);
    }
    std::stable_sort(puts.begin(), puts.end(), [](const Operation* a, const Operation* b) { return a->call < b->call; });
    put_return_suffix_min_.resize(puts.size());
    Time least = kNever;
    for (std::size_t i = puts.size(); i-- > 0;) {
        least = std::min(least, puts[i]->ret);
        put_return_suffix_min_[i] = least;
    }
    for (const Operation* p : puts) put_calls_.push_back(p->call);
}

bool Observability::observable(const Operation& w) const {
    LINCHECK_ASSERT(w.mutates(), "only writes have effects to observe");
    // The earliest return of a Put that must come after w: Gets called later cannot see w.
    Time horizon = kNever;
    if (!w.open()) {
        const auto after = std::upper_bound(put_calls_.begin(), put_calls_.end(), w.ret);
        if (after != put_calls_.end()) horizon = put_return_suffix_min_[static_cast<std::size_t>(after - put_calls_.begin())];
    }
    // Gets returning at or after w's call, and called by the horizon (so returning by
    // horizon + the longest Get).
    const Time last_return = horizon >= kNever - longest_get_ ? kNever : horizon + longest_get_;
    for (auto i = static_cast<std::size_t>(std::lower_bound(get_returns_.begin(), get_returns_.end(), w.call) - get_returns_.begin());
         i < gets_by_return_.size() && get_returns_[i] <= last_return; ++i) {
        const Operation& g = *gets_by_return_[i];
        if (g.call > horizon) continue;
        if (w.kind == OpKind::Put ? g.output.starts_with(w.value) : g.output.find(w.value) != std::string::npos) return true;
    }
    return false;
}

std::vector<const Operation*> drop_unobservable(std::span<const Operation* const> ops) {
    const Observability seen(ops);
    std::vector<const Operation*> kept;
    kept.reserve(ops.size());
    for (const Operation* op : ops) {
        if (op->open()) {
            if (op->kind == OpKind::Get) continue;
            if (op->kind == OpKind::Append && op->value.empty()) continue;
            if (!seen.observable(*op)) continue;
        }
        kept.push_back(op);
    }
    return kept;
}

}  // namespace lincheck
