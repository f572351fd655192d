#include "traces/validator.hpp"

#include <xxhash.h>

#include <algorithm>
#include <type_traits>

namespace traces {
namespace {

namespace ub = spec::unbounded;

spec::MsgType spec_type(MsgType t) {
    switch (t) {
        case MsgType::kRequestVoteRequest: return spec::MsgType::kRequestVoteRequest;
        case MsgType::kRequestVoteResponse: return spec::MsgType::kRequestVoteResponse;
        case MsgType::kAppendEntriesRequest: return spec::MsgType::kAppendEntriesRequest;
        case MsgType::kAppendEntriesResponse: return spec::MsgType::kAppendEntriesResponse;
        case MsgType::kInstallSnapshotRequest: return spec::MsgType::kInstallSnapshotRequest;
        case MsgType::kInstallSnapshotResponse: return spec::MsgType::kInstallSnapshotResponse;
    }
    return spec::MsgType::kRequestVoteRequest;
}

bool is_receive(ActionKind k) { return k >= ActionKind::kUpdateTerm && k <= ActionKind::kDropMessage; }

// Which message types an action can take.
bool takes(ActionKind k, spec::MsgType t) {
    switch (k) {
        case ActionKind::kHandleRequestVoteRequest: return t == spec::MsgType::kRequestVoteRequest;
        case ActionKind::kHandleRequestVoteResponse: return t == spec::MsgType::kRequestVoteResponse;
        case ActionKind::kHandleAppendEntriesRequest: return t == spec::MsgType::kAppendEntriesRequest;
        case ActionKind::kHandleAppendEntriesResponse: return t == spec::MsgType::kAppendEntriesResponse;
        case ActionKind::kHandleInstallSnapshotRequest: return t == spec::MsgType::kInstallSnapshotRequest;
        case ActionKind::kHandleInstallSnapshotResponse: return t == spec::MsgType::kInstallSnapshotResponse;
        default: return true;
    }
}

std::string role_name(spec::Role r) {
    switch (r) {
        case spec::Role::kFollower: return "Follower";
        case spec::Role::kCandidate: return "Candidate";
        case spec::Role::kLeader: return "Leader";
    }
    return "?";
}

spec::Role spec_role(Role r) {
    switch (r) {
        case Role::kFollower: return spec::Role::kFollower;
        case Role::kCandidate: return spec::Role::kCandidate;
        case Role::kLeader: return spec::Role::kLeader;
    }
    return spec::Role::kFollower;
}

std::string vote_name(const std::optional<std::uint32_t>& v) { return v ? "s" + std::to_string(*v + 1) : "null"; }

void compare(std::vector<Mismatch>& out, const char* name, std::uint64_t spec_value, const std::optional<std::uint64_t>& seen) {
    if (seen && *seen != spec_value) out.push_back({name, std::to_string(spec_value), std::to_string(*seen)});
}

// Where the spec's server disagrees with what the trace saw.
std::vector<Mismatch> mismatches(const ub::Server& v, const Observed& o) {
    std::vector<Mismatch> out;
    compare(out, "term", v.current_term, o.term);
    if (o.role && spec_role(*o.role) != v.role) out.push_back({"role", role_name(v.role), to_string(*o.role)});
    if (o.voted_for) {
        const std::optional<std::uint32_t> seen = *o.voted_for ? std::optional<std::uint32_t>(**o.voted_for - 1) : std::nullopt;
        if (seen != v.voted_for) out.push_back({"votedFor", vote_name(v.voted_for), vote_name(seen)});
    }
    compare(out, "commitIndex", v.commit_index, o.commit_index);
    compare(out, "snapshotIndex", v.snapshot_index, o.snapshot_index);
    compare(out, "logLength", v.log.size(), o.log_length);
    compare(out, "lastLogTerm", v.log.empty() ? 0 : v.log.back().term, o.last_log_term);
    if (o.log) {
        bool same = o.log->size() == v.log.size();
        for (std::size_t k = 0; same && k < v.log.size(); ++k) {
            same = (*o.log)[k].term == v.log[k].term && value_id((*o.log)[k].value) == v.log[k].value;
        }
        if (!same) {
            auto show = [](auto terms) {
                std::string s = "<<";
                for (std::size_t k = 0; k < terms.size(); ++k) s += (k ? ", " : "") + std::to_string(terms[k]);
                return s + ">>";
            };
            std::vector<std::uint64_t> a, b;
            for (const auto& x : v.log) a.push_back(x.term);
            for (const auto& x : *o.log) b.push_back(x.term);
            out.push_back({"log", "terms " + show(a), "terms " + show(b) + (a == b ? " (values differ)" : "")});
        }
    }
    return out;
}

std::uint64_t state_hash(const ub::State& s) {
    std::uint64_t h = 0;
    for (const ub::Server& v : s.servers) {
        h = h * 1000003 ^ v.current_term ^ (std::uint64_t(v.role) << 40) ^ std::uint64_t{v.voted_for ? *v.voted_for + 1 : 0} << 48;
        h = h * 1000003 ^ v.commit_index ^ v.log.size() << 32 ^ v.votes_granted ^ v.votes_responded << 20 ^ v.snapshot_index << 44;
        for (std::uint64_t x : v.next_index) h = h * 31 + x;
        for (std::uint64_t x : v.match_index) h = h * 31 + x;
    }
    std::uint64_t bag = 0;  // order-free
    for (const auto& [m, count] : s.bag) bag += ub::MessageHash{}(m) * count;
    return h ^ bag;
}

// A consumed message's fingerprint, over every field and every entry: MessageHash (the bag's
// hash, checked by equality) skips the middle of long entry lists, and a receipt excused as a
// duplicate on a fingerprint alone must not match a message whose entries differ.
std::uint64_t consumed_fingerprint(const ub::Message& m) {
    static_assert(std::has_unique_object_representations_v<ub::Entry>, "entries are hashed as bytes");
    return ub::MessageHash{}(m) ^ XXH3_64bits(m.entries.data(), m.entries.size() * sizeof(ub::Entry));
}

bool in_flight(const ub::State& s, const Message& m) {
    if (m.unknown == 0) return s.bag.contains(to_spec(m));
    for (const auto& [u, count] : s.bag) {
        if (matches(u, m)) return true;
    }
    return false;
}

// The message `m` stands for, whole, if the trace leaves nothing of it unseen but a snapshot's
// data: that is the log up to lastIncludedIndex of any server holding the entry there with
// lastIncludedTerm (Log Matching makes them all the same prefix).
std::optional<ub::Message> whole(const ub::State& s, const Message& m) {
    if (m.unknown == 0) return to_spec(m);
    if (m.unknown != kUnknownEntries || m.type != MsgType::kInstallSnapshotRequest) return std::nullopt;
    for (const ub::Server& v : s.servers) {
        if (m.last_included_index == 0 || v.log.size() < m.last_included_index) continue;
        if (v.log[m.last_included_index - 1].term != m.last_included_term) continue;
        ub::Message u = to_spec(m);
        u.entries.assign(v.log.begin(), v.log.begin() + static_cast<std::ptrdiff_t>(m.last_included_index));
        return u;
    }
    return std::nullopt;
}

void add_unique(std::vector<ub::State>& states, std::vector<std::uint64_t>& hashes, ub::State&& s) {
    const std::uint64_t h = state_hash(s);
    for (std::size_t k = 0; k < states.size(); ++k) {
        if (hashes[k] == h && states[k] == s) return;
    }
    hashes.push_back(h);
    states.push_back(std::move(s));
}

}  // namespace

spec::ActionKind spec_kind(ActionKind k) {
    using S = spec::ActionKind;
    switch (k) {
        case ActionKind::kInit: break;  // not a spec action: the validator handles it itself
        case ActionKind::kRestart: return S::kRestart;
        case ActionKind::kTimeout: return S::kTimeout;
        case ActionKind::kRequestVote: return S::kRequestVote;
        case ActionKind::kBecomeLeader: return S::kBecomeLeader;
        case ActionKind::kClientRequest: return S::kClientRequest;
        case ActionKind::kAdvanceCommitIndex: return S::kAdvanceCommitIndex;
        case ActionKind::kAppendEntries: return S::kAppendEntries;
        case ActionKind::kCompactLog: return S::kCompactLog;
        case ActionKind::kInstallSnapshot: return S::kInstallSnapshot;
        case ActionKind::kUpdateTerm: return S::kUpdateTerm;
        case ActionKind::kHandleRequestVoteRequest: return S::kHandleRequestVoteRequest;
        case ActionKind::kHandleRequestVoteResponse: return S::kHandleRequestVoteResponse;
        case ActionKind::kDropStaleResponse: return S::kDropStaleResponse;
        case ActionKind::kHandleAppendEntriesRequest: return S::kHandleAppendEntriesRequest;
        case ActionKind::kHandleAppendEntriesResponse: return S::kHandleAppendEntriesResponse;
        case ActionKind::kHandleInstallSnapshotRequest: return S::kHandleInstallSnapshotRequest;
        case ActionKind::kHandleInstallSnapshotResponse: return S::kHandleInstallSnapshotResponse;
        case ActionKind::kDuplicateMessage: return S::kDuplicateMessage;
        case ActionKind::kDropMessage: return S::kDropMessage;
        case ActionKind::kObserve: break;  // a stutter: no spec action
        case ActionKind::kChangeConfig: return S::kChangeConfig;
    }
    SPEC_ASSERT(false, "Init and Observe are no spec actions");
    return S::kRestart;
}

std::uint64_t value_id(const std::string& value) {
    const std::uint64_t h = XXH3_64bits(value.data(), value.size());
    return h == 0 ? 1 : h;  // 0 is "not shown"
}

ub::Message to_spec(const Message& m) {
    ub::Message u;
    u.type = spec_type(m.type);
    u.source = m.from - 1;
    u.dest = m.to - 1;
    u.term = m.term;
    u.heartbeat = m.heartbeat;
    switch (m.type) {
        case MsgType::kRequestVoteRequest:
            u.last_log_term = m.last_log_term;
            u.last_log_index = m.last_log_index;
            break;
        case MsgType::kRequestVoteResponse:
            u.vote_granted = m.vote_granted;
            break;
        case MsgType::kAppendEntriesRequest:
            u.prev_log_index = m.prev_log_index;
            u.prev_log_term = m.prev_log_term;
            u.commit_index = m.commit_index;
            u.entries.reserve(m.entries.size());
            for (const Entry& e : m.entries) u.entries.push_back({e.term, value_id(e.value)});
            break;
        case MsgType::kAppendEntriesResponse:
            u.success = m.success;
            if (m.success) {
                u.match_index = m.match_index;
            } else {
                u.x_len = m.x_len;
                u.x_term = m.x_term;
                u.x_index = m.x_index;
            }
            break;
        case MsgType::kInstallSnapshotRequest:
            u.last_included_index = m.last_included_index;
            u.last_included_term = m.last_included_term;
            u.entries.reserve(m.entries.size());
            for (const Entry& e : m.entries) u.entries.push_back({e.term, value_id(e.value)});
            break;
        case MsgType::kInstallSnapshotResponse:
            u.match_index = m.match_index;
            break;
    }
    return u;
}

bool matches(const ub::Message& u, const Message& m) {
    if (u.type != spec_type(m.type) || u.source != m.from - 1 || u.dest != m.to - 1 || u.term != m.term || u.heartbeat != m.heartbeat) {
        return false;
    }
    switch (m.type) {
        case MsgType::kRequestVoteRequest:
            return u.last_log_index == m.last_log_index && ((m.unknown & kUnknownLastLogTerm) || u.last_log_term == m.last_log_term);
        case MsgType::kRequestVoteResponse:
            return u.vote_granted == m.vote_granted;
        case MsgType::kAppendEntriesRequest:
            if (u.prev_log_index != m.prev_log_index || u.commit_index != m.commit_index) return false;
            if (!(m.unknown & kUnknownPrevLogTerm) && u.prev_log_term != m.prev_log_term) return false;
            if (m.unknown & kUnknownEntries) return u.entries.size() == m.entry_count;
            if (u.entries.size() != m.entries.size()) return false;
            for (std::size_t k = 0; k < u.entries.size(); ++k) {
                if (u.entries[k].term != m.entries[k].term || u.entries[k].value != value_id(m.entries[k].value)) return false;
            }
            return true;
        case MsgType::kAppendEntriesResponse:
            if (u.success != m.success) return false;
            if (m.success) return (m.unknown & kUnknownMatchIndex) || u.match_index == m.match_index;
            return u.x_len == m.x_len && u.x_term == m.x_term && u.x_index == m.x_index;
        case MsgType::kInstallSnapshotRequest:
            if (u.last_included_index != m.last_included_index || u.last_included_term != m.last_included_term) return false;
            if (m.unknown & kUnknownEntries) return true;  // the data unseen
            if (u.entries.size() != m.entries.size()) return false;
            for (std::size_t k = 0; k < u.entries.size(); ++k) {
                if (u.entries[k].term != m.entries[k].term || u.entries[k].value != value_id(m.entries[k].value)) return false;
            }
            return true;
        case MsgType::kInstallSnapshotResponse:
            return u.match_index == m.match_index;
    }
    return false;
}

std::string describe(const Message& m) {
    std::string out = ub::describe(to_spec(m));
    if (m.unknown == 0) return out;
    std::string unseen;
    auto add = [&](Unknown bit, const char* what) {
        if (m.unknown & bit) unseen += (unseen.empty() ? "" : ", ") + std::string(what);
    };
    add(kUnknownLastLogTerm, "lastLogTerm");
    add(kUnknownPrevLogTerm, "prevLogTerm");
    add(kUnknownMatchIndex, "matchIndex");
    if ((m.unknown & kUnknownEntries) && m.type == MsgType::kInstallSnapshotRequest) {
        unseen += (unseen.empty() ? "" : ", ") + std::string("data");
    } else if (m.unknown & kUnknownEntries) {
        unseen += (unseen.empty() ? "" : ", ") + std::to_string(m.entry_count) + " entries' terms";
    }
    return out + " (unseen: " + unseen + ")";
}

std::string describe(const Event& e) {
    std::string out = action_name(e.action);
    if (e.action != ActionKind::kInit) out += " at s" + std::to_string(e.node);
    if (e.message) out += " " + describe(*e.message);
    return out;
}

Validator::Validator(ValidatorOptions options) : options_(options) {}

bool Validator::fail(const Event& e, std::string reason, std::vector<Attempt> attempts, bool inconclusive) {
    Failure f;
    f.file = e.file;
    f.line = e.line;
    f.event_index = stats_.events;
    f.action = describe(e);
    f.reason = std::move(reason);
    f.attempts = std::move(attempts);
    f.inconclusive = inconclusive;
    failure_ = std::move(f);
    return false;
}

std::vector<Validator::Instance> Validator::instances(const ub::State& s, const Event& e) const {
    std::vector<Instance> out;
    const std::uint32_t i = e.node - 1;
    if (e.action == ActionKind::kInit) return out;  // feed() starts the cluster itself
    if (e.action == ActionKind::kObserve) {
        Instance stutter;
        stutter.action.i = i;
        stutter.stutter = true;
        out.push_back(std::move(stutter));
        return out;
    }
    const auto kind = spec_kind(e.action);
    switch (e.action) {
        case ActionKind::kRestart:
        case ActionKind::kTimeout:
        case ActionKind::kBecomeLeader:
        case ActionKind::kAdvanceCommitIndex:
            out.push_back({ub::Action(kind, i), nullptr});
            break;
        case ActionKind::kChangeConfig: {
            ub::Action a(kind, i);
            for (std::uint32_t v : e.voters) a.config |= std::uint64_t{1} << (v - 1);
            out.push_back({std::move(a), nullptr});
            break;
        }
        case ActionKind::kClientRequest:
            out.push_back({ub::Action(kind, i, 0, e.value ? value_id(*e.value) : 0), nullptr});
            break;
        case ActionKind::kCompactLog:
            out.push_back({ub::Action(kind, i, 0, e.index.value_or(0)), nullptr});
            break;
        case ActionKind::kRequestVote:
        case ActionKind::kInstallSnapshot:
        case ActionKind::kAppendEntries: {
            std::optional<std::uint32_t> peer;
            if (e.message) {
                peer = e.message->to - 1;
            } else if (e.peer) {
                peer = *e.peer - 1;
            }
            for (std::uint32_t j = 0; j < servers_; ++j) {
                if (peer && *peer != j) continue;
                ub::Action a(kind, i, j);
                // An AppendEntries shown under any_append_range sends exactly what it shows.
                if (kind == spec::ActionKind::kAppendEntries && e.message && s.options.any_append_range) {
                    const Message& m = *e.message;
                    const std::uint64_t count = (m.unknown & kUnknownEntries) ? m.entry_count : m.entries.size();
                    a.range = ub::Action::Range{m.prev_log_index, count, m.commit_index, m.heartbeat};
                }
                out.push_back({std::move(a), e.message ? &*e.message : nullptr});
            }
            break;
        }
        default: {
            const Message* reply = e.reply ? &*e.reply : nullptr;
            if (e.message && e.message->unknown == 0) {
                ub::Action a(kind, i);
                a.m = to_spec(*e.message);
                a.j = a.m.source;
                out.push_back({std::move(a), reply});
                break;
            }
            // Not shown, or shown in part: any message in flight to this node that the action
            // takes and that agrees with what is shown.
            std::vector<const ub::Message*> options;
            for (const auto& [m, count] : s.bag) {
                if (m.dest == i && takes(e.action, m.type) && (!e.message || matches(m, *e.message))) options.push_back(&m);
            }
            std::sort(options.begin(), options.end(), [](auto* a, auto* b) { return ub::describe(*a) < ub::describe(*b); });
            for (const ub::Message* m : options) {
                ub::Action a(kind, i, m->source);
                a.m = *m;
                out.push_back({std::move(a), reply});
            }
        }
    }
    return out;
}

bool Validator::try_instance(ub::State& s, const Instance& inst, const Event& e, Attempt* why) {
    if (inst.stutter) {
        std::vector<Mismatch> bad = mismatches(s.servers[inst.action.i], e.observed);
        // An Observe may also show a message about to be received: it must be in flight.
        if (e.message && !in_flight(s, *e.message)) bad.push_back({"message in flight", "none such", describe(*e.message)});
        if (bad.empty()) return true;
        if (why) *why = Attempt{"(no action: the variables as observed)", "", std::move(bad)};
        return false;
    }
    if (!ub::apply(s, inst.action, effect_)) {
        if (why) *why = Attempt{ub::describe(inst.action), "not enabled", {}};
        return false;
    }
    std::vector<Mismatch> bad;
    if (inst.expect_sent && !(effect_.sent && matches(*effect_.sent, *inst.expect_sent))) {
        bad.push_back({"message sent", effect_.sent ? ub::describe(*effect_.sent) : "none", describe(*inst.expect_sent)});
    }
    const std::uint32_t node = is_receive(e.action) ? inst.action.m.dest : inst.action.i;
    std::vector<Mismatch> vars = mismatches(s.servers[node], e.observed);
    bad.insert(bad.end(), vars.begin(), vars.end());
    if (!bad.empty()) {
        if (why) *why = Attempt{ub::describe(inst.action), "", std::move(bad)};
        ub::undo(s, effect_);
        return false;
    }
    remember_consumed(effect_);
    return true;
}

void Validator::remember_consumed(const ub::Effect& effect) {
    if (options_.duplicate_window == 0) return;
    for (const auto& [m, delta] : effect.bag_changes) {
        if (delta > 0) continue;
        if (consumed_.size() < options_.duplicate_window) {
            consumed_.push_back(consumed_fingerprint(m));
        } else {
            consumed_[consumed_next_] = consumed_fingerprint(m);
            consumed_next_ = (consumed_next_ + 1) % consumed_.size();
        }
    }
}

bool Validator::was_consumed(std::uint64_t fp) const {
    return std::find(consumed_.begin(), consumed_.end(), fp) != consumed_.end();
}

bool Validator::explain(std::vector<ub::State>& states, const Event& e, std::vector<Attempt>* attempts) {
    // The common case: one state, one way to read the event. Work in place.
    if (states.size() == 1) {
        std::vector<Instance> insts = instances(states[0], e);
        if (insts.size() == 1) {
            Attempt why;
            if (try_instance(states[0], insts[0], e, attempts ? &why : nullptr)) return true;
            if (attempts) attempts->push_back(std::move(why));
            return false;
        }
    }
    std::vector<ub::State> next;
    std::vector<std::uint64_t> hashes;
    for (std::size_t k = 0; k < states.size(); ++k) {
        for (const Instance& inst : instances(states[k], e)) {
            ub::State copy = states[k];
            Attempt why;
            if (try_instance(copy, inst, e, attempts && k == 0 ? &why : nullptr)) {
                add_unique(next, hashes, std::move(copy));
            } else if (attempts && k == 0) {
                attempts->push_back(std::move(why));
            }
        }
    }
    if (next.empty()) return false;
    states = std::move(next);
    return true;
}

bool Validator::search_hidden(const Event& e) {
    // A message received (or dropped, or duplicated) that was consumed before: it was
    // duplicated while in flight. Duplicating commutes with every other action, so assume it
    // happened then.
    const std::optional<ub::Message> received =
        e.message && (is_receive(e.action) || e.action == ActionKind::kObserve) ? whole(candidates_.front(), *e.message) : std::nullopt;
    if (received) {
        const ub::Message& m = *received;
        if (was_consumed(consumed_fingerprint(m))) {
            std::vector<ub::State> with_copy = candidates_;
            for (ub::State& s : with_copy) {
                ++s.bag[m];
                ++s.in_flight;
            }
            if (explain(with_copy, e, nullptr)) {
                candidates_ = std::move(with_copy);
                ++stats_.hidden_steps;
                ++stats_.duplicates_assumed;
                note_hidden(e, 1);
                return true;
            }
        }
    }
    std::vector<ub::State> frontier = candidates_;
    ub::Effect effect;
    for (std::uint32_t depth = 1; depth <= options_.max_hidden_steps; ++depth) {
        std::vector<ub::State> next;
        std::vector<std::uint64_t> hashes;
        for (const ub::State& s : frontier) {
            for (const ub::Action& a : ub::enabled_actions(s)) {
                ub::State copy = s;
                ub::apply(copy, a, effect);
                add_unique(next, hashes, std::move(copy));
                if (next.size() > options_.max_candidates) return false;
            }
        }
        std::vector<ub::State> explained = next;
        if (explain(explained, e, nullptr)) {
            candidates_ = std::move(explained);
            stats_.hidden_steps += depth;
            note_hidden(e, depth);
            return true;
        }
        frontier = std::move(next);
    }
    return false;
}

void Validator::note_hidden(const Event& e, std::uint32_t steps) {
    constexpr std::size_t kKept = 16;
    if (stats_.hidden_at.size() < kKept) stats_.hidden_at.emplace_back(e.line, steps);
}

bool Validator::start(const Event& e) {
    // Implementations start at term 0 where raft.tla starts at 1: Init may say which.
    // Nothing in the spec depends on the number, only on terms growing from it.
    const Observed& o = e.observed;
    if (o.role && *o.role != Role::kFollower) return fail(e, "Init: every node starts as a follower", {});
    if (o.voted_for && *o.voted_for) return fail(e, "Init: no node has voted yet", {});
    // A cluster may also start from a log every node already holds (etcd bootstraps its
    // first configuration so): given whole, or as a length with the terms of its entries.
    std::vector<ub::Entry> log;
    if (o.log) {
        for (const Entry& x : *o.log) log.push_back({x.term, value_id(x.value)});
        if (o.log_length && *o.log_length != log.size()) return fail(e, "Init: logLength disagrees with log", {});
    } else if (o.log_length && *o.log_length > 0) {
        if (!o.last_log_term) return fail(e, "Init: a starting log needs its entries' term (lastLogTerm) or the whole log", {});
        if (*o.log_length > (std::uint64_t{1} << 24)) return fail(e, "Init: starting log too long", {});
        log.assign(*o.log_length, ub::Entry{*o.last_log_term, 0});
    }
    const std::uint64_t commit = o.commit_index.value_or(0);
    if (commit > log.size()) return fail(e, "Init: commitIndex beyond the starting log", {});
    for (std::size_t k = 1; k < log.size(); ++k) {
        if (log[k].term < log[k - 1].term) return fail(e, "Init: the starting log's terms go down", {});
    }
    const std::uint64_t term = o.term.value_or(candidates_.front().servers.front().current_term);
    if (!log.empty() && log.back().term > term) return fail(e, "Init: the starting log has entries of a later term than the nodes", {});
    // The first configuration: every node, or the voters Init names; the others join later,
    // from nothing (an empty log at term 0, knowing no voters).
    std::uint64_t voters = 0;
    for (std::uint32_t v : e.voters) {
        if (v < 1 || v > servers_) return fail(e, "Init: voter s" + std::to_string(v) + " is not in the cluster", {});
        voters |= std::uint64_t{1} << (v - 1);
    }
    if (!e.voters.empty() && !options_.spec.membership) {
        return fail(e, "Init names the voters: a cluster whose membership changes needs the spec's membership option", {});
    }
    if (e.voters.empty()) voters = candidates_.front().servers.front().config;
    for (std::uint32_t k = 0; k < servers_; ++k) {
        ub::Server& v = candidates_.front().servers[k];
        if (!(voters & (std::uint64_t{1} << k))) {
            v.current_term = 0;
            v.config = 0;
            continue;
        }
        v.current_term = term;
        v.log = log;
        v.commit_index = commit;
        v.config = voters;
        std::fill(v.next_index.begin(), v.next_index.end(), log.size() + 1);
    }
    return true;
}

bool Validator::feed(const Event& e) {
    if (failure_) return false;
    ++stats_.events;
    if (e.action == ActionKind::kInit) {
        if (servers_ != 0) return fail(e, "a second Init: a trace starts once", {});
        if (e.servers < 1 || e.servers > ub::kMaxServers) return fail(e, "Init: cluster size out of range", {});
        servers_ = e.servers;
        candidates_ = {ub::init(servers_, options_.spec)};
        return start(e);
    }
    if (servers_ == 0) return fail(e, "the trace does not start with Init", {});
    if (e.node < 1 || e.node > servers_) return fail(e, "node s" + std::to_string(e.node) + " is not in the cluster", {});
    for (std::uint32_t v : e.voters) {
        if (v < 1 || v > servers_) return fail(e, "voter s" + std::to_string(v) + " is not in the cluster", {});
    }
    for (const Message* m : {e.message ? &*e.message : nullptr, e.reply ? &*e.reply : nullptr}) {
        if (m && (m->from < 1 || m->from > servers_ || m->to < 1 || m->to > servers_)) {
            return fail(e, "a message names a node outside the cluster", {});
        }
    }
    if (explain(candidates_, e, nullptr) || search_hidden(e)) {
        stats_.max_candidates = std::max<std::uint64_t>(stats_.max_candidates, candidates_.size());
        stats_.in_flight = candidates_.front().in_flight;
        return true;
    }
    // Nothing explains it: say what was tried, from the first explanation of the prefix.
    std::vector<Attempt> attempts;
    std::vector<ub::State> probe{candidates_.front()};
    explain(probe, e, &attempts);
    std::string reason = "no behaviour of the spec explains this event";
    if (options_.max_hidden_steps > 0) reason += " (with up to " + std::to_string(options_.max_hidden_steps) + " hidden steps before it)";
    if (attempts.empty()) reason += ": no instance of the action applies";
    return fail(e, reason, std::move(attempts));
}

}  // namespace traces
