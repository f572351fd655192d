#include "checker/impl_refinement.hpp"

#include <string>
#include <unordered_map>

#include "traces/recorder.hpp"
#include "traces/validator.hpp"

namespace checker::impl {
namespace ub = spec::unbounded;
namespace {

std::uint64_t abstract_value(const raft::Entry& e) {
    return traces::value_id(e.kind == raft::EntryKind::kNoop ? std::string("noop") : e.command);
}

bool is_snapshot_message(const raft::Message& m) {
    return std::holds_alternative<raft::InstallSnapshot>(m.body) || std::holds_alternative<raft::InstallSnapshotReply>(m.body);
}

// Snapshot messages are mapped here, not through traces::to_trace, which leaves a snapshot's
// data unseen: the request's data (the model's snapshot_data) becomes the spec's entries, the
// reply's index the spec's matchIndex.
ub::Message abstract_snapshot_message(const raft::Message& m) {
    ub::Message u;
    u.source = m.from.value;
    u.dest = m.to.value;
    u.term = m.term.value;
    if (const auto* is = std::get_if<raft::InstallSnapshot>(&m.body)) {
        u.type = spec::MsgType::kInstallSnapshotRequest;
        u.last_included_index = is->last_included_index.value;
        u.last_included_term = is->last_included_term.value;
        for (std::size_t k = 0; k + 1 < is->data.size(); k += 2) {
            const EntryKey key{static_cast<std::uint8_t>(is->data[k]), static_cast<std::uint8_t>(is->data[k + 1])};
            const raft::Entry e = entry_of(key);
            u.entries.push_back({e.term.value, abstract_value(e)});
        }
    } else {
        u.type = spec::MsgType::kInstallSnapshotResponse;
        u.match_index = std::get<raft::InstallSnapshotReply>(m.body).last_included_index.value;
    }
    return u;
}

ub::Message abstract_message(const raft::Message& m) {
    if (is_snapshot_message(m)) return abstract_snapshot_message(m);
    return traces::to_spec(traces::to_trace(m));
}

ub::Server abstract_server(const raft::NodeState& n, std::uint32_t servers) {
    ub::Server v;
    v.current_term = n.current_term.value;
    v.role = static_cast<spec::Role>(static_cast<std::uint8_t>(n.role));
    if (n.voted_for) v.voted_for = n.voted_for->value;
    v.commit_index = n.commit_index.value;
    v.votes_granted = n.role == raft::Role::kCandidate ? n.votes_granted.bits : 0;
    v.votes_responded = v.votes_granted;  // not kept by raft/: what it cannot contradict
    // The spec keeps the full log and marks the compacted prefix; the model's snapshot holds
    // that prefix's entries.
    v.snapshot_index = n.snapshot.last_included_index.value;
    for (std::uint64_t k = 1; k <= v.snapshot_index; ++k) {
        const EntryKey key = entry_key(n, k);
        v.log.push_back({key.term, abstract_value(entry_of(key))});
    }
    for (const raft::Entry& e : n.log.entries()) v.log.push_back({e.term.value, abstract_value(e)});
    if (n.role == raft::Role::kLeader) {
        for (std::uint32_t k = 0; k < servers; ++k) {
            v.next_index.push_back(n.next_index[k].value);
            v.match_index.push_back(n.match_index[k].value);
        }
    } else {
        v.next_index.assign(servers, 1);
        v.match_index.assign(servers, 0);
    }
    return v;
}

std::string show_log(const std::vector<ub::Entry>& log) {
    std::string out = "<<";
    for (std::size_t k = 0; k < log.size(); ++k) out += (k ? ", " : "") + std::to_string(log[k].term);
    return out + ">>";
}

std::string show_indexes(const std::vector<std::uint64_t>& v) {
    std::string out = "[";
    for (std::size_t k = 0; k < v.size(); ++k) out += (k ? "," : "") + std::to_string(v[k]);
    return out + "]";
}

const char* role_name(spec::Role r) {
    switch (r) {
        case spec::Role::kFollower: return "Follower";
        case spec::Role::kCandidate: return "Candidate";
        case spec::Role::kLeader: return "Leader";
    }
    return "?";
}

// The variables both sides have, for server `i` (named s1, s2... as the spec names them).
void compare_server(std::uint32_t i, const ub::Server& spec_side, const ub::Server& impl_side, RefinementFailure& f) {
    const std::string s = "s" + std::to_string(i + 1) + ".";
    auto diff = [&](const char* var, const std::string& a, const std::string& b) {
        if (a != b) f.differences.push_back({s + var, a, b});
    };
    auto vote = [](const ub::Server& v) { return v.voted_for ? "s" + std::to_string(*v.voted_for + 1) : std::string("Nil"); };
    diff("currentTerm", std::to_string(spec_side.current_term), std::to_string(impl_side.current_term));
    diff("state", role_name(spec_side.role), role_name(impl_side.role));
    diff("votedFor", vote(spec_side), vote(impl_side));
    diff("commitIndex", std::to_string(spec_side.commit_index), std::to_string(impl_side.commit_index));
    diff("snapshotIndex", std::to_string(spec_side.snapshot_index), std::to_string(impl_side.snapshot_index));
    if (spec_side.log != impl_side.log) f.differences.push_back({s + "log", show_log(spec_side.log), show_log(impl_side.log) + (show_log(spec_side.log) == show_log(impl_side.log) ? " (values differ)" : "")});
    if (spec_side.role == spec::Role::kCandidate && impl_side.role == spec::Role::kCandidate) {
        diff("votesGranted", std::to_string(spec_side.votes_granted), std::to_string(impl_side.votes_granted));
    }
    if (spec_side.role == spec::Role::kLeader && impl_side.role == spec::Role::kLeader) {
        diff("nextIndex", show_indexes(spec_side.next_index), show_indexes(impl_side.next_index));
        diff("matchIndex", show_indexes(spec_side.match_index), show_indexes(impl_side.match_index));
    }
}

using BagDelta = std::vector<std::pair<ub::Message, int>>;

// Adds `delta` copies of `m` to a net change of the bag.
void add_delta(BagDelta& net, const ub::Message& m, int delta) {
    for (auto& [x, d] : net) {
        if (x == m) {
            d += delta;
            return;
        }
    }
    net.emplace_back(m, delta);
}

// The spec's bag started as the abstraction of the cluster's network, so the two bags end
// equal exactly when their net changes are equal: compare those (a few messages) instead of
// the bags.
void compare_bags(const BagDelta& spec_net, const BagDelta& impl_net, RefinementFailure& f) {
    auto covered = [](const BagDelta& a, const BagDelta& b) {
        for (const auto& [m, d] : a) {
            if (d == 0) continue;
            int other = 0;
            for (const auto& [x, e] : b) other += x == m ? e : 0;
            if (other != d) return false;
        }
        return true;
    };
    if (covered(spec_net, impl_net) && covered(impl_net, spec_net)) return;
    auto show = [](const BagDelta& net) {
        std::string out;
        for (const auto& [m, d] : net) {
            if (d != 0) out += (out.empty() ? "" : "; ") + std::string(d > 0 ? "+" : "") + std::to_string(d) + " " + ub::describe(m);
        }
        return out.empty() ? std::string("(no change)") : out;
    };
    f.differences.push_back({"messages in flight (change)", show(spec_net), show(impl_net)});
}

}  // namespace

std::string RefinementFailure::text() const {
    std::string out = "implementation step: " + impl_step + "\n";
    out += "maps to the spec actions:";
    if (spec_actions.empty()) out += " none (a stutter)";
    out += "\n";
    for (const std::string& a : spec_actions) out += "  " + a + "\n";
    out += "why it does not refine: " + reason + "\n";
    if (!differences.empty()) {
        std::size_t width = 8;
        for (const Difference& d : differences) width = std::max(width, d.variable.size());
        char line[1024];
        std::snprintf(line, sizeof line, "  %-*s  %-40s  %s\n", static_cast<int>(width), "variable", "spec says", "implementation has");
        out += line;
        for (const Difference& d : differences) {
            std::snprintf(line, sizeof line, "  %-*s  %-40s  %s\n", static_cast<int>(width), d.variable.c_str(), d.spec.c_str(), d.impl.c_str());
            out += line;
        }
    }
    return out;
}

ub::State abstraction(const ClusterState& s, const Params& p) {
    ub::State a = ub::init(p.servers);
    for (std::uint32_t i = 0; i < p.servers; ++i) a.servers[i] = abstract_server(s.nodes[i], p.servers);
    for (const WireMsg& w : s.network) {
        ++a.bag[abstract_message(from_wire(w))];
        ++a.in_flight;
    }
    return a;
}

struct RefinementCheck::Impl {
    const ClusterState& before;
    Params params;
    ub::State abstract;
    std::vector<traces::Event> events;
    traces::Recorder recorder;
    std::vector<ub::Effect> effects;

    Impl(const ClusterState& b, const Params& p)
        : before(b), params(p), abstract(abstraction(b, p)), recorder([this](const traces::Event& e) {
              if (e.action != traces::ActionKind::kInit) events.push_back(e);
          }) {}

    using Actions = std::vector<std::pair<ub::Action, std::optional<ub::Message>>>;

    // The spec actions `e` stands for, each with the message it must send, if any.
    Actions actions_for(const Event& e, const raft::Outputs& out, const ClusterState& after) {
        Actions actions;
        if (e.kind == EventKind::kDrop || e.kind == EventKind::kDuplicate) {
            ub::Action a(e.kind == EventKind::kDrop ? spec::ActionKind::kDropMessage : spec::ActionKind::kDuplicateMessage, e.node);
            a.m = abstract_message(from_wire(e.msg));
            a.j = a.m.source;
            actions.emplace_back(std::move(a), std::nullopt);
            return actions;
        }
        if (snapshot_step(e, out, after, actions)) return actions;
        events.clear();
        recorder.step(before.nodes[e.node], input_of(before, e), raft::StepResult{after.nodes[e.node], out});
        for (const traces::Event& ev : events) {
            const std::uint32_t i = ev.node - 1;
            const spec::ActionKind kind = traces::spec_kind(ev.action);
            switch (ev.action) {
                case traces::ActionKind::kRequestVote:
                case traces::ActionKind::kAppendEntries:
                    actions.emplace_back(ub::Action(kind, i, ev.message->to - 1), traces::to_spec(*ev.message));
                    break;
                case traces::ActionKind::kInstallSnapshot:
                    break;  // below, with the snapshot's data, which the trace leaves unseen
                case traces::ActionKind::kClientRequest:
                    actions.emplace_back(ub::Action(kind, i, 0, traces::value_id(*ev.value)), std::nullopt);
                    break;
                case traces::ActionKind::kRestart:
                case traces::ActionKind::kTimeout:
                case traces::ActionKind::kBecomeLeader:
                case traces::ActionKind::kAdvanceCommitIndex:
                    actions.emplace_back(ub::Action(kind, i), std::nullopt);
                    break;
                default: {
                    ub::Action a(kind, i);
                    a.m = traces::to_spec(*ev.message);
                    a.j = a.m.source;
                    std::optional<ub::Message> reply;
                    if (ev.reply) reply = traces::to_spec(*ev.reply);
                    actions.emplace_back(std::move(a), std::move(reply));
                }
            }
        }
        // A leader that sends a snapshot instead of AppendEntries (on a heartbeat, a proposal or
        // a rejection) takes the spec's InstallSnapshot for that peer. The recorder writes that
        // event too, but with the data unseen (the service's snapshot is opaque to a trace);
        // here the data is the compacted entries, and the spec's message must carry them.
        for (const raft::Message& m : out.messages) {
            if (!std::holds_alternative<raft::InstallSnapshot>(m.body)) continue;
            actions.emplace_back(ub::Action(spec::ActionKind::kInstallSnapshot, e.node, m.to.value), abstract_snapshot_message(m));
        }
        return actions;
    }

    // Snapshot steps, mapped here as the recorder maps them (a compaction, a restart from a
    // snapshot, receiving InstallSnapshot or its reply), but with the snapshot's data, which
    // the recorder leaves unseen and the spec's messages carry. False for any other step.
    bool snapshot_step(const Event& e, const raft::Outputs& out, const ClusterState& after, Actions& actions) {
        const std::uint32_t i = e.node;
        const raft::NodeState& n = before.nodes[i];
        if (e.kind == EventKind::kCompactLog) {
            if (!out.refused) actions.emplace_back(ub::Action(spec::ActionKind::kCompactLog, i, 0, e.value), std::nullopt);
            return true;
        }
        if (e.kind == EventKind::kRestart) {
            if (before.stored(i).snapshot.last_included_index.value == 0) return false;
            actions.emplace_back(ub::Action(spec::ActionKind::kRestart, i), std::nullopt);
            return true;
        }
        if (e.kind != EventKind::kDeliver) return false;
        const raft::Message m = from_wire(e.msg);
        if (!is_snapshot_message(m)) return false;
        const ub::Message received = abstract_snapshot_message(m);
        auto handle = [&](spec::ActionKind kind, std::optional<ub::Message> reply) {
            ub::Action a(kind, i, m.from.value);
            a.m = received;
            actions.emplace_back(std::move(a), std::move(reply));
        };
        raft::Role role = n.role;
        if (m.term > n.current_term) {
            handle(spec::ActionKind::kUpdateTerm, std::nullopt);
            role = raft::Role::kFollower;
        }
        std::optional<ub::Message> reply;
        if (!out.messages.empty()) reply = abstract_message(out.messages.front());
        if (std::holds_alternative<raft::InstallSnapshot>(m.body)) {
            // A candidate first returns to follower (the message stays), then handles it.
            if (m.term == n.current_term && role == raft::Role::kCandidate) {
                handle(spec::ActionKind::kHandleInstallSnapshotRequest, std::nullopt);
            }
            handle(spec::ActionKind::kHandleInstallSnapshotRequest, reply);
        } else if (m.term < n.current_term) {
            handle(spec::ActionKind::kDropStaleResponse, std::nullopt);
        } else {
            handle(spec::ActionKind::kHandleInstallSnapshotResponse, std::nullopt);
            if (after.nodes[i].commit_index != n.commit_index) {
                actions.emplace_back(ub::Action(spec::ActionKind::kAdvanceCommitIndex, i), std::nullopt);
            }
        }
        return true;
    }

    std::optional<RefinementFailure> check(const Event& e, const raft::Outputs& out, const ClusterState& after) {
        // A refused input is NoAlarm's to report; the implementation took no spec step.
        if (out.alarm) return std::nullopt;
        const auto actions = actions_for(e, out, after);
        std::optional<RefinementFailure> failure;
        auto fail = [&](std::string reason) {
            if (!failure) {
                failure.emplace();
                failure->impl_step = describe(e);
                failure->reason = std::move(reason);
            }
        };
        std::size_t applied = 0;
        std::size_t failed_at = actions.size();
        for (const auto& [action, sent] : actions) {
            effects.resize(std::max(effects.size(), applied + 1));
            if (!ub::apply(abstract, action, effects[applied])) {
                failed_at = applied;
                fail(ub::describe(action) + " is not enabled");
                break;
            }
            ++applied;
            if (sent && effects[applied - 1].sent != sent) {
                failed_at = applied - 1;
                fail(ub::describe(action) + " sends " +
                     (effects[applied - 1].sent ? ub::describe(*effects[applied - 1].sent) : std::string("nothing")) +
                     ", the implementation " + ub::describe(*sent));
                break;
            }
        }
        if (!failure) {
            // Only servers that either side changed can differ.
            RefinementFailure diff;
            std::uint64_t touched = 0;
            if (e.kind != EventKind::kDrop && e.kind != EventKind::kDuplicate) touched |= std::uint64_t{1} << e.node;
            BagDelta spec_net, impl_net;
            for (std::size_t k = 0; k < applied; ++k) {
                if (effects[k].changed_server) touched |= std::uint64_t{1} << effects[k].server;
                for (const auto& [m, d] : effects[k].bag_changes) add_delta(spec_net, m, d);
            }
            for (std::uint32_t i = 0; i < params.servers; ++i) {
                if ((touched >> i) & 1u) compare_server(i, abstract.servers[i], abstract_server(after.nodes[i], params.servers), diff);
            }
            if (e.kind == EventKind::kDuplicate) {
                add_delta(impl_net, abstract_message(from_wire(e.msg)), +1);
            } else if (e.kind == EventKind::kDrop || e.kind == EventKind::kDeliver) {
                add_delta(impl_net, abstract_message(from_wire(e.msg)), -1);
            }
            for (const raft::Message& m : out.messages) add_delta(impl_net, abstract_message(m), +1);
            compare_bags(spec_net, impl_net, diff);
            if (!diff.differences.empty()) {
                fail(actions.empty() ? "a stutter of the spec must change nothing it sees" : "the spec's step ends elsewhere");
                failure->differences = std::move(diff.differences);
            }
        }
        if (failure) {
            for (std::size_t k = 0; k < actions.size(); ++k) {
                failure->spec_actions.push_back(ub::describe(actions[k].first) +
                                                (k < failed_at ? "  (enabled, taken)" : k == failed_at ? "  (fails here)" : "  (not tried)"));
            }
        }
        for (std::size_t k = applied; k > 0; --k) ub::undo(abstract, effects[k - 1]);
        return failure;
    }
};

RefinementCheck::RefinementCheck(const ClusterState& before, const Params& p, StepFn step) : before_(before), params_(p), step_(step) {}
RefinementCheck::~RefinementCheck() = default;

RefinementCheck::Impl& RefinementCheck::impl() {
    if (!impl_) impl_ = std::make_unique<Impl>(before_, params_);
    return *impl_;
}

std::optional<RefinementFailure> RefinementCheck::check(const Event& e, const raft::Outputs& out, const ClusterState& after) {
    return impl().check(e, out, after);
}

bool RefinementCheck::refines(const Event& e, const raft::Outputs& out, const ClusterState& after) {
    // Bounded, so that a long exploration's memo cannot grow without limit; cleared when full.
    constexpr std::size_t kMemoEntries = std::size_t{1} << 18;
    thread_local std::unordered_map<std::string, bool> memo;
    thread_local std::string key;
    key.assign(reinterpret_cast<const char*>(&step_), sizeof step_);
    key += static_cast<char>(params_.servers);
    key += static_cast<char>(e.kind);
    key += static_cast<char>(e.value);
    key.append(e.msg.view());
    if (e.kind != EventKind::kDrop && e.kind != EventKind::kDuplicate) {
        key += static_cast<char>(e.node);
        encode_node(before_.nodes[e.node], params_.servers, key);
        if (e.kind == EventKind::kRestart) encode_persistent(before_.stored(e.node), key);
    }
    if (const auto it = memo.find(key); it != memo.end()) return it->second;
    const bool ok = !check(e, out, after);
    if (memo.size() >= kMemoEntries) memo.clear();
    memo.emplace(key, ok);
    return ok;
}

std::optional<RefinementFailure> explain_refinement(const ClusterState& before, const Event& e, const Params& p, StepFn step) {
    ClusterState after = before;
    Undo undo;
    const raft::Outputs out = apply_event(after, p, step, e, undo);
    RefinementCheck check(before, p, step);
    return check.check(e, out, after);
}

}  // namespace checker::impl
