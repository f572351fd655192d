#include "bench/history_generator.hpp"

#include <algorithm>
#include <map>
#include <queue>
#include <string>
#include <vector>

#include "sim/rng.hpp"

namespace histgen {

namespace {

using lincheck::OpKind;
using lincheck::Time;

// Virtual microseconds.
constexpr Time kThinkMax = 400;          // between a reply and the next call
constexpr Time kApplyDelayMin = 50;      // call -> applied (network, replication)
constexpr Time kApplyDelayMax = 1'500;
constexpr Time kReplyDelayMin = 20;      // applied -> reply
constexpr Time kReplyDelayMax = 1'000;
constexpr Time kClientTimeout = 3'000;   // a client resends or gives up after this

// The value of one key, with what the stale-read bug needs to know about it.
struct KeyState {
    std::string value;
    std::size_t put_prefix = SIZE_MAX;   // the op whose Put started `value`, if any
    // The Appends of this key that were retried under DuplicateAppend: whether each of their
    // two copies is in the value now, and whether a Get has seen it.
    struct Retried {
        std::size_t op;
        bool live[2] = {false, false};
        bool seen[2] = {false, false};
    };
    std::vector<Retried> retried;
    // Per applied mutation, in order: the state before it.
    struct Applied {
        std::size_t op;
        std::string before;
        std::size_t before_put_prefix;
    };
    std::vector<Applied> applied;
};

enum class EventKind : std::uint8_t { Call, Apply, Reapply, Return, GiveUp };

struct Event {
    Time time;
    std::uint64_t seq;  // ties in scheduling order: deterministic
    EventKind kind;
    std::size_t slot;
    std::size_t op;
    bool operator>(const Event& o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

class Simulation {
public:
    explicit Simulation(const GeneratorConfig& c) : c_(c), rng_(c.seed) {
        RAFT_ASSERT(c.clients > 0 && c.keys > 0, "at least one client and one key");
        RAFT_ASSERT(c.get_percent + c.put_percent <= 100, "percentages of one whole");
        for (std::size_t s = 0; s < c.clients; ++s) {
            client_of_slot_.push_back(next_client_++);
            schedule(rng_.range(0, kThinkMax) + 1, EventKind::Call, s, 0);
        }
    }

    GeneratedHistory run() {
        while (!events_.empty()) {
            const Event e = events_.top();
            events_.pop();
            handle(e);
        }
        out_.clients_total = next_client_;
        return std::move(out_);
    }

private:
    std::vector<lincheck::Operation>& ops() { return out_.history.ops; }

    void schedule(Time t, EventKind kind, std::size_t slot, std::size_t op) { events_.push(Event{t, seq_++, kind, slot, op}); }

    void handle(const Event& e) {
        switch (e.kind) {
            case EventKind::Call: call(e.time, e.slot); break;
            case EventKind::Apply: apply(e.op, false); break;
            case EventKind::Reapply: apply(e.op, true); break;
            case EventKind::Return:
                ops()[e.op].ret = e.time;
                next_call(e.time, e.slot);
                break;
            case EventKind::GiveUp:
                ++out_.open_ops;
                ops()[e.op].output.clear();  // no reply, no output
                client_of_slot_[e.slot] = next_client_++;
                next_call(e.time, e.slot);
                break;
        }
    }

    void next_call(Time now, std::size_t slot) {
        if (ops().size() < c_.operations) schedule(now + 1 + rng_.range(0, kThinkMax), EventKind::Call, slot, 0);
    }

    void call(Time now, std::size_t slot) {
        if (ops().size() >= c_.operations) return;
        const std::size_t id = ops().size();
        lincheck::Operation op;
        op.client = client_of_slot_[slot];
        const auto roll = static_cast<unsigned>(rng_.below(100));
        op.kind = roll < c_.get_percent ? OpKind::Get : roll < c_.get_percent + c_.put_percent ? OpKind::Put : OpKind::Append;
        op.key = "k" + std::to_string(rng_.below(c_.keys));
        if (op.kind != OpKind::Get) op.value = (op.kind == OpKind::Put ? "p" : "a") + std::to_string(id) + ".";
        op.call = now;
        ops().push_back(op);
        retried_.push_back(0);

        const auto fate = static_cast<unsigned>(rng_.below(1000));
        const Time applied = now + rng_.range(kApplyDelayMin, kApplyDelayMax);
        returns_.push_back(fate >= c_.lost_request_permille + c_.lost_reply_permille);
        if (fate < c_.lost_request_permille) {
            schedule(now + kClientTimeout, EventKind::GiveUp, slot, id);
        } else if (fate < c_.lost_request_permille + c_.lost_reply_permille) {
            schedule(applied, EventKind::Apply, slot, id);
            schedule(std::max(applied + 1, now + kClientTimeout), EventKind::GiveUp, slot, id);
        } else if (fate < c_.lost_request_permille + c_.lost_reply_permille + c_.retry_permille) {
            ++out_.retried_ops;
            retried_[id] = 1;
            schedule(applied, EventKind::Apply, slot, id);
            const Time resent = std::max(applied + 1, now + kClientTimeout) + rng_.range(kApplyDelayMin, kApplyDelayMax);
            schedule(resent, EventKind::Reapply, slot, id);
            schedule(resent + rng_.range(kReplyDelayMin, kReplyDelayMax), EventKind::Return, slot, id);
        } else {
            schedule(applied, EventKind::Apply, slot, id);
            schedule(applied + rng_.range(kReplyDelayMin, kReplyDelayMax), EventKind::Return, slot, id);
        }
    }

    // `again`: the resent request of a retried operation reaches the store.
    void apply(std::size_t id, bool again) {
        lincheck::Operation& op = ops()[id];
        KeyState& k = keys_[op.key];
        if (op.kind == OpKind::Get) {
            op.output = k.value;  // a resent Get is executed again: still within its interval
            // Only the execution whose reply the client gets shows anything.
            if (returns_[id] && (again || !retried_[id])) {
                maybe_serve_stale(op, k);
                see_copies(k);
            }
            return;
        }
        const bool duplicate = again && op.kind == OpKind::Append && c_.bug == PlantedBug::DuplicateAppend;
        if (again && !duplicate) return;  // de-duplicated by (client, sequence number)
        k.applied.push_back({id, k.value, k.put_prefix});
        if (op.kind == OpKind::Put) {
            k.value = op.value;
            k.put_prefix = id;
            for (KeyState::Retried& r : k.retried) r.live[0] = r.live[1] = false;
        } else {
            if (c_.bug == PlantedBug::DuplicateAppend && retried_[id]) {
                if (!again) k.retried.push_back({id});
                KeyState::Retried& r = *std::find_if(k.retried.begin(), k.retried.end(), [&](const auto& x) { return x.op == id; });
                r.live[again ? 1 : 0] = true;
            }
            k.value += op.value;
        }
    }

    // The stale value of the latest write m that returned before the Get was called: every
    // linearization puts m before the Get, and the state then holds m's token or starts with
    // a later Put's, neither of which the value before m does, unless that Put started the
    // value before m and could be ordered after m, which needs it to overlap m. So only
    // inject when the Put that started the stale value returned before m was called.
    // A Get sees whichever copies of retried Appends the value holds. Once both copies of one
    // Append have been seen, no single application explains the history: the bug shows.
    // Until then it does not (an unseen copy might as well not exist).
    void see_copies(KeyState& k) {
        for (KeyState::Retried& r : k.retried) {
            const bool before = r.seen[0] && r.seen[1];
            for (int c = 0; c < 2; ++c) r.seen[c] = r.seen[c] || r.live[c];
            if (!before && r.seen[0] && r.seen[1]) ++out_.bug_manifested;
        }
    }

    void maybe_serve_stale(lincheck::Operation& get, const KeyState& k) {
        if (c_.bug != PlantedBug::StaleRead || !rng_.chance(c_.bug_permille, 1000)) return;
        for (auto it = k.applied.rbegin(); it != k.applied.rend(); ++it) {
            const lincheck::Operation& m = ops()[it->op];
            if (m.open() || m.ret >= get.call) continue;
            if (it->before_put_prefix != SIZE_MAX) {
                const lincheck::Operation& p = ops()[it->before_put_prefix];
                if (p.open() || p.ret >= m.call) return;
            }
            get.output = it->before;
            ++out_.bug_manifested;
            return;
        }
    }

    const GeneratorConfig& c_;
    sim::Rng rng_;
    GeneratedHistory out_;
    std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
    std::uint64_t seq_ = 0;
    std::vector<lincheck::ClientId> client_of_slot_;
    lincheck::ClientId next_client_ = 0;
    std::map<std::string, KeyState> keys_;
    std::vector<char> retried_;  // per op
    std::vector<char> returns_;  // per op: the client gets a reply
};

}  // namespace

GeneratedHistory generate_history(const GeneratorConfig& config) { return Simulation(config).run(); }

}  // namespace histgen
