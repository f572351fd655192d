#include "lincheck/search.hpp"

#include <algorithm>
#include <vector>

#include "lincheck/assert.hpp"
#include "lincheck/kv_state.hpp"
#include "lincheck/memo_set.hpp"
#include "lincheck/pending_reads.hpp"
#include "lincheck/reduction.hpp"

namespace lincheck {

std::string_view verdict_name(Verdict v) {
    switch (v) {
        case Verdict::Linearizable: return "linearizable";
        case Verdict::NotLinearizable: return "not linearizable";
        case Verdict::Unknown: return "unknown";
    }
    return "?";
}

Budget Budget::with_timeout(double seconds, std::uint64_t max_steps) {
    Budget b;
    b.max_steps = max_steps;
    if (seconds > 0) {
        b.deadline = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
    }
    return b;
}

namespace {

constexpr std::uint32_t kNone = UINT32_MAX;
// How many steps between looks at the clock: often enough to stop within a millisecond or so,
// rarely enough not to show in a profile.
constexpr std::uint64_t kClockEverySteps = 4096;
// How many of the next Gets (by return time) a new state is checked against.
constexpr std::size_t kGetLookahead = 6;

std::uint64_t op_key(std::uint64_t i) {
    std::uint64_t z = (i + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Operations are numbered in call order, so that the linearized set is nearly a prefix of
// them, which is what the memo stores compactly.
std::vector<const Operation*> in_call_order(std::vector<const Operation*> ops) {
    std::stable_sort(ops.begin(), ops.end(), [](const Operation* a, const Operation* b) { return a->call < b->call; });
    return ops;
}

class LinearizationSearch {
public:
    explicit LinearizationSearch(std::vector<const Operation*> ops)
        : ops_(in_call_order(std::move(ops))), words_((ops_.size() + 63) / 64), bits_(std::max<std::size_t>(words_, 1)), memo_(bits_.size()) {
        LINCHECK_ASSERT(ops_.size() < kNone / 2, "op and entry indices fit 32 bits");
        model_arg_.resize(ops_.size(), 0);
        keys_.resize(ops_.size());
        unseen_.resize(ops_.size(), 0);
        deferred_.resize(ops_.size(), 0);
        const Observability seen(ops_);
        for (std::uint32_t i = 0; i < ops_.size(); ++i) {
            const Operation& op = *ops_[i];
            keys_[i] = op_key(i);
            // An Append of "" changes nothing, so it hides nothing either.
            unseen_[i] = op.mutates() && !(op.kind == OpKind::Append && op.value.empty()) && !seen.observable(op);
            deferred_[i] = unseen_[i] && op.kind == OpKind::Append && !op.open();
            if (op.kind == OpKind::Put) model_arg_[i] = states_.intern(op.value);
            if (op.kind == OpKind::Get) model_arg_[i] = states_.intern(op.output);
            if (op.open()) open_.push_back(i);
        }
        std::stable_sort(open_.begin(), open_.end(), [&](std::uint32_t a, std::uint32_t b) { return ops_[a]->call < ops_[b]->call; });
        build_entries();
        build_lookahead();
        std::vector<std::string_view> outputs;
        get_index_.assign(ops_.size(), kNone);
        for (std::uint32_t i = 0; i < ops_.size(); ++i) {
            if (ops_[i]->kind != OpKind::Get) continue;
            get_index_[i] = static_cast<std::uint32_t>(outputs.size());
            outputs.push_back(ops_[i]->output);
        }
        reads_.emplace(std::move(outputs));
    }

    SearchResult run(Budget& budget) {
        SearchResult result;
        result.verdict = explore(budget, result.stats);
        result.stats.configurations = memo_.size();
        result.stats.ops_searched = ops_.size();
        result.stats.memo_bytes = memo_.bytes();
        return result;
    }

private:
    struct Entry {
        std::uint32_t op = kNone;
        bool is_return = false;
        std::uint32_t match = kNone;  // a call's return entry, a return's call entry
        std::uint32_t prev = kNone, next = kNone;
        Time time = 0;
    };
    // One choice on the current path: which operation, the state before it, and where to
    // resume when it is undone (the call entry, or the open op's position and the dead end).
    // Choice: a returned op, the walk resumes after its call when undone. GetFirst: no
    // alternative (take_matching_get). Open: an open-ended op, the next one is tried when
    // undone. Deferred: an unseen Append at its return; open-ended ops are tried when undone.
    // Flushed: an unseen Append placed before a Put (flush_deferred), undone with the Put.
    enum class Kind : std::uint8_t { Choice, GetFirst, Open, Deferred, Flushed };
    struct Frame {
        std::uint32_t op;
        StateId before;
        std::uint32_t call_entry;  // kNone for an open-ended op
        std::uint32_t open_pos;
        Time dead_end;
        Kind kind;
        std::uint32_t flushed;     // Flushed frames right below this one
    };
    static constexpr std::uint32_t kHead = 0, kTail = 1;
    static constexpr std::uint32_t kRestart = kNone - 1;  // walk again from the first entry
    // Any value holding the effect of a write no Get can see (reduction.hpp): one state, no
    // Get returns it, only a Put leaves it.
    static constexpr StateId kUnseen = UINT32_MAX;

    void build_entries() {
        struct Event {
            Time time;
            bool is_return;
            std::uint32_t op;
        };
        std::vector<Event> events;
        for (std::uint32_t i = 0; i < ops_.size(); ++i) {
            if (ops_[i]->open()) continue;
            events.push_back({ops_[i]->call, false, i});
            events.push_back({ops_[i]->ret, true, i});
        }
        // Calls before returns at equal times: operations that touch are concurrent.
        std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
            if (a.time != b.time) return a.time < b.time;
            if (a.is_return != b.is_return) return !a.is_return;
            return a.op < b.op;
        });
        entries_.assign(2, Entry{});
        std::vector<std::uint32_t> call_entry_of(ops_.size(), kNone);
        std::uint32_t prev = kHead;
        for (const Event& e : events) {
            const auto idx = static_cast<std::uint32_t>(entries_.size());
            entries_.push_back(Entry{e.op, e.is_return, kNone, prev, kNone, e.time});
            entries_[prev].next = idx;
            if (e.is_return) {
                LINCHECK_ASSERT(call_entry_of[e.op] != kNone, "a call sorts before its return");
                entries_[call_entry_of[e.op]].match = idx;
                entries_[idx].match = call_entry_of[e.op];
            } else {
                call_entry_of[e.op] = idx;
            }
            prev = idx;
        }
        entries_[prev].next = kTail;
        entries_[kTail].prev = prev;
    }

    // The Gets that returned, by return time, and every Put, by call time, for the lookahead.
    void build_lookahead() {
        position_.assign(ops_.size(), kNone);
        for (std::uint32_t i = 0; i < ops_.size(); ++i) {
            if (ops_[i]->kind == OpKind::Get) gets_by_return_.push_back(i);
            if (ops_[i]->kind == OpKind::Put) puts_by_call_.push_back(i);
        }
        std::stable_sort(gets_by_return_.begin(), gets_by_return_.end(),
                         [&](std::uint32_t a, std::uint32_t b) { return ops_[a]->ret < ops_[b]->ret; });
        std::stable_sort(puts_by_call_.begin(), puts_by_call_.end(),
                         [&](std::uint32_t a, std::uint32_t b) { return ops_[a]->call < ops_[b]->call; });
        for (std::uint32_t p = 0; p < gets_by_return_.size(); ++p) position_[gets_by_return_[p]] = p;
        for (std::uint32_t p = 0; p < puts_by_call_.size(); ++p) position_[puts_by_call_[p]] = p;
    }

    // Can the next Gets still see what they returned, if the state is now `state`? Until a
    // Put, Appends only extend the value, so a Get's output must start with `state`, or with
    // the value of a Put not yet linearized that may come before that Get (called by its
    // return). Necessary, so refusing a state that fails it loses no linearization; it spares
    // the search the orders of concurrent Appends that a later Get already rules out, which
    // memoization cannot merge (each order leaves a different value).
    bool next_gets_can_see(StateId state) {
        while (first_get_ < gets_by_return_.size() && is_linearized(gets_by_return_[first_get_])) ++first_get_;
        while (first_put_ < puts_by_call_.size() && is_linearized(puts_by_call_[first_put_])) ++first_put_;
        std::size_t checked = 0;
        for (std::size_t i = first_get_; i < gets_by_return_.size() && checked < kGetLookahead; ++i) {
            const std::uint32_t g = gets_by_return_[i];
            if (is_linearized(g)) continue;
            ++checked;
            const Operation& get = *ops_[g];
            if (state != kUnseen && get.output.starts_with(states_.value(state))) continue;
            bool reset_explains = false;
            for (std::size_t j = first_put_; j < puts_by_call_.size() && ops_[puts_by_call_[j]]->call <= get.ret; ++j) {
                const std::uint32_t p = puts_by_call_[j];
                if (!is_linearized(p) && get.output.starts_with(ops_[p]->value)) {
                    reset_explains = true;
                    break;
                }
            }
            if (!reset_explains) return false;
        }
        return true;
    }

    void lift(std::uint32_t call) {
        Entry& e = entries_[call];
        Entry& m = entries_[e.match];
        entries_[e.prev].next = e.next;
        entries_[e.next].prev = e.prev;
        entries_[m.prev].next = m.next;
        entries_[m.next].prev = m.prev;
    }

    // Exactly undoes lift(call), so it must be called in reverse order of the lifts.
    void unlift(std::uint32_t call) {
        Entry& e = entries_[call];
        const std::uint32_t match = e.match;
        Entry& m = entries_[match];
        entries_[m.prev].next = match;
        entries_[m.next].prev = match;
        entries_[e.prev].next = call;
        entries_[e.next].prev = call;
    }

    bool is_linearized(std::uint32_t op) const { return (bits_[op / 64] >> (op % 64)) & 1; }

    // Applies `op` if the model allows it in the current state and the configuration it leads
    // to is new; leaves everything unchanged otherwise.
    bool try_linearize(std::uint32_t op) {
        LINCHECK_ASSERT(!is_linearized(op), "an operation is linearized once");
        const Operation& o = *ops_[op];
        StateId next = state_;
        switch (o.kind) {
            case OpKind::Put: next = unseen_[op] ? kUnseen : model_arg_[op]; break;
            case OpKind::Append: next = unseen_[op] || state_ == kUnseen ? kUnseen : states_.append(state_, op, o.value); break;
            case OpKind::Get:
                if (state_ != model_arg_[op]) return false;
                break;
        }
        bits_[op / 64] |= std::uint64_t{1} << (op % 64);
        if (o.kind == OpKind::Get) reads_->set_linearized(get_index_[op], true);
        if (next != kUnseen && !reads_->any_reads_from(states_.value(next))) next = kUnseen;
        const std::uint64_t hash = bits_hash_ ^ keys_[op];
        if ((o.kind != OpKind::Get && !next_gets_can_see(next)) || !memo_.insert(hash, bits_, next)) {
            if (o.kind == OpKind::Get) reads_->set_linearized(get_index_[op], false);
            clear_bit(op);
            return false;
        }
        bits_hash_ = hash;
        state_ = next;
        return true;
    }

    // Keeps the lookahead's starting points at or before every Get and Put not linearized.
    void clear_bit(std::uint32_t op) {
        bits_[op / 64] &= ~(std::uint64_t{1} << (op % 64));
        const OpKind kind = ops_[op]->kind;
        if (kind == OpKind::Get && position_[op] < first_get_) first_get_ = position_[op];
        if (kind == OpKind::Put && position_[op] < first_put_) first_put_ = position_[op];
    }

    void unapply(const Frame& f) {
        LINCHECK_ASSERT(is_linearized(f.op), "undo what was done");
        if (ops_[f.op]->kind == OpKind::Get) reads_->set_linearized(get_index_[f.op], false);
        clear_bit(f.op);
        bits_hash_ ^= keys_[f.op];
        state_ = f.before;
    }

    // Unseen Appends (deferred_) are never a choice of their own: one is linearized when its
    // return is the first in the list (it cannot wait longer), or, with every other one that
    // may come next, just before a Put. Any linearization can be changed into one of that
    // shape: moving an unseen Append later, up to the next Put, changes only states no Get
    // reads (none sits between it and that Put), and moving one that may come next to just
    // before a Put changes only states that Put overwrites. So all the ways of interleaving
    // them with other writes are explored as one: k of them would otherwise make 2^k
    // configurations. The configurations in between are not memoized: only what comes after
    // the Put was explored from them. Returns how many went.
    std::uint32_t flush_deferred(std::vector<Frame>& stack, SearchStats& stats) {
        std::vector<std::uint32_t> calls;
        for (std::uint32_t e = entries_[kHead].next; !entries_[e].is_return; e = entries_[e].next) {
            if (deferred_[entries_[e].op]) calls.push_back(e);
        }
        for (std::uint32_t c : calls) {
            const std::uint32_t op = entries_[c].op;
            push(stack, Frame{op, state_, c, 0, 0, Kind::Flushed, 0}, stats);
            bits_[op / 64] |= std::uint64_t{1} << (op % 64);
            bits_hash_ ^= keys_[op];
            state_ = kUnseen;
            lift(c);
        }
        return static_cast<std::uint32_t>(calls.size());
    }

    void undo_flushed(std::vector<Frame>& stack, std::uint32_t count) {
        for (std::uint32_t i = 0; i < count; ++i) {
            LINCHECK_ASSERT(!stack.empty() && stack.back().kind == Kind::Flushed, "flushed Appends sit below their Put");
            const Frame f = stack.back();
            stack.pop_back();
            unapply(f);
            unlift(f.call_entry);
        }
    }

    // Linearizes f.op now (a Put after flushing the unseen Appends) and pushes its frame if the
    // model, the lookahead and the memo allow it; changes nothing otherwise.
    bool choose(std::vector<Frame>& stack, Frame f, SearchStats& stats) {
        const std::uint32_t flushed = ops_[f.op]->kind == OpKind::Put ? flush_deferred(stack, stats) : 0;
        const StateId before = state_;
        if (!try_linearize(f.op)) {
            undo_flushed(stack, flushed);
            return false;
        }
        f.before = before;
        f.flushed = flushed;
        push(stack, f, stats);
        if (f.call_entry != kNone) lift(f.call_entry);
        return true;
    }

    // Linearizes the first open-ended operation from position `from` on that is called by
    // `dead_end` and can be linearized now; returns its position, or kNone.
    std::uint32_t choose_open_from(std::vector<Frame>& stack, std::uint32_t from, Time dead_end, SearchStats& stats) {
        for (std::uint32_t pos = from; pos < open_.size(); ++pos) {
            const std::uint32_t op = open_[pos];
            if (ops_[op]->call > dead_end) break;
            if (is_linearized(op)) continue;
            if (choose(stack, Frame{op, 0, kNone, pos, dead_end, Kind::Open, 0}, stats)) return pos;
        }
        return kNone;
    }

    bool out_of_budget(Budget& budget) {
        ++budget.steps_used;
        if (budget.max_steps != 0 && budget.steps_used > budget.max_steps) return true;
        if (memo_.bytes() + states_.bytes() > budget.max_memory_bytes) return true;
        if (budget.deadline && budget.steps_used % kClockEverySteps == 0 && std::chrono::steady_clock::now() >= *budget.deadline) {
            return true;
        }
        return false;
    }

    void push(std::vector<Frame>& stack, const Frame& f, SearchStats& stats) {
        stack.push_back(f);
        stats.max_depth = std::max(stats.max_depth, stack.size());
    }

    // At a fresh configuration: a Get that may come next and whose output is the state is
    // linearized at once, and never undone to try something else here. Any linearization
    // from here can be changed into one that starts with that Get: moving it earlier breaks
    // no real-time order (everything that returned before its call is already linearized)
    // and changes no state. So the configurations without it are redundant; without this
    // rule, k Gets reading one value would be explored in 2^k subsets. If the configuration
    // with the Get was explored already, it failed, and so does this one.
    enum class GetFirst { None, Taken, Dead };
    GetFirst take_matching_get(std::vector<Frame>& stack, SearchStats& stats) {
        for (std::uint32_t e = entries_[kHead].next; !entries_[e].is_return; e = entries_[e].next) {
            const std::uint32_t op = entries_[e].op;
            if (ops_[op]->kind != OpKind::Get || state_ != model_arg_[op]) continue;
            const StateId before = state_;
            if (!try_linearize(op)) return GetFirst::Dead;
            push(stack, Frame{op, before, e, 0, 0, Kind::GetFirst, 0}, stats);
            lift(e);
            return GetFirst::Taken;
        }
        return GetFirst::None;
    }

    // Undoes choices until one leaves an alternative. Returns where the walk resumes: the
    // entry after an undone call, kRestart after linearizing the next open-ended candidate,
    // kNone when no choice is left.
    std::uint32_t backtrack(std::vector<Frame>& stack, SearchStats& stats) {
        while (!stack.empty()) {
            const Frame top = stack.back();
            stack.pop_back();
            LINCHECK_ASSERT(top.kind != Kind::Flushed, "flushed Appends are undone with their Put");
            unapply(top);
            if (top.call_entry != kNone) unlift(top.call_entry);
            undo_flushed(stack, top.flushed);
            switch (top.kind) {
                case Kind::Choice: return entries_[top.call_entry].next;
                case Kind::Open:
                    if (choose_open_from(stack, top.open_pos + 1, top.dead_end, stats) != kNone) return kRestart;
                    break;
                case Kind::Deferred:
                    if (choose_open_from(stack, 0, top.dead_end, stats) != kNone) return kRestart;
                    break;
                case Kind::GetFirst:
                case Kind::Flushed: break;
            }
        }
        return kNone;
    }

    Verdict explore(Budget& budget, SearchStats& stats) {
        std::vector<Frame> stack;
        std::uint32_t entry = kRestart;
        while (entries_[kHead].next != kTail) {
            ++stats.steps;
            if (out_of_budget(budget)) return Verdict::Unknown;
            if (entry == kRestart) {
                const GetFirst g = take_matching_get(stack, stats);
                if (g == GetFirst::Taken) continue;
                entry = g == GetFirst::Dead ? backtrack(stack, stats) : entries_[kHead].next;
                if (entry == kNone) return Verdict::NotLinearizable;
                continue;
            }
            LINCHECK_ASSERT(entry != kTail, "the walk stops at the first return");
            const Entry e = entries_[entry];
            if (!e.is_return) {
                if (deferred_[e.op]) {
                    entry = e.next;
                } else {
                    entry = choose(stack, Frame{e.op, 0, entry, 0, 0, Kind::Choice, 0}, stats) ? kRestart : e.next;
                }
                continue;
            }
            // Every returned candidate failed: an unseen Append that cannot wait goes now; then
            // the open-ended candidates; then undo.
            if (deferred_[e.op] && choose(stack, Frame{e.op, 0, e.match, 0, e.time, Kind::Deferred, 0}, stats)) {
                entry = kRestart;
                continue;
            }
            if (choose_open_from(stack, 0, e.time, stats) != kNone) {
                entry = kRestart;
                continue;
            }
            entry = backtrack(stack, stats);
            if (entry == kNone) return Verdict::NotLinearizable;
        }
        return Verdict::Linearizable;
    }

    std::vector<const Operation*> ops_;
    std::size_t words_;
    std::vector<std::uint64_t> bits_;
    MemoSet memo_;
    KvStates states_;
    std::vector<StateId> model_arg_;  // Put: its value's state; Get: its output's state
    std::vector<char> unseen_;        // a write whose effect no Get can see
    std::vector<char> deferred_;      // an unseen Append that returned: see flush_deferred
    std::vector<std::uint32_t> get_index_;  // op -> its index among the Gets, for reads_
    std::optional<PendingReads> reads_;
    std::vector<std::uint64_t> keys_;
    std::vector<std::uint32_t> open_;  // open-ended ops by call time
    std::vector<Entry> entries_;
    std::vector<std::uint32_t> gets_by_return_;  // the open-ended Gets are gone (reduction.hpp)
    std::vector<std::uint32_t> puts_by_call_;
    std::vector<std::uint32_t> position_;        // of a Get or Put in its list above
    std::size_t first_get_ = 0, first_put_ = 0;
    std::uint64_t bits_hash_ = 0;
    StateId state_ = KvStates::kEmpty;
};

}  // namespace

SearchResult search_linearization(std::span<const Operation* const> ops, Budget& budget) {
    for (const Operation* op : ops) LINCHECK_ASSERT(op->key == ops.front()->key, "one key per search");
    LinearizationSearch search(drop_unobservable(ops));
    return search.run(budget);
}

}  // namespace lincheck
