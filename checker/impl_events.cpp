#include "checker/impl_events.hpp"

#include <algorithm>

namespace checker::impl {
namespace {

void insert_sorted(std::vector<WireMsg>& bag, const WireMsg& m) { bag.insert(std::upper_bound(bag.begin(), bag.end(), m), m); }

void erase_one(std::vector<WireMsg>& bag, const WireMsg& m) {
    const auto it = std::lower_bound(bag.begin(), bag.end(), m);
    RAFT_ASSERT(it != bag.end() && *it == m, "an enabled network event names a message in flight");
    bag.erase(it);
}

bool same_prefix(const raft::Log& a, const raft::Log& b, std::uint64_t n) {
    if (a.last_index().value < n || b.last_index().value < n) return false;
    return std::equal(a.entries().begin(), a.entries().begin() + static_cast<std::ptrdiff_t>(n), b.entries().begin());
}

// Whether storage that matched `before` matches `after` once `persist` is applied: the
// common case, decided without building the stored state.
bool persist_keeps_up(const raft::NodeState& before, const raft::NodeState& after, const raft::Persist& persist) {
    // With a snapshot the log's positions are not its indexes: take the full comparison.
    if (persist.snapshot || before.log.base_index().value != 0 || after.log.base_index().value != 0) return false;
    const raft::Term term = persist.hard_state ? persist.hard_state->current_term : before.current_term;
    const std::optional<raft::NodeId> vote = persist.hard_state ? persist.hard_state->voted_for : before.voted_for;
    if (term != after.current_term || vote != after.voted_for) return false;
    if (!persist.log) return before.log == after.log;
    const raft::LogWrite& w = *persist.log;
    const std::uint64_t kept = w.from.value - 1;
    if (after.log.last_index().value != kept + w.entries.size() || !same_prefix(before.log, after.log, kept)) return false;
    return std::equal(w.entries.begin(), w.entries.end(), after.log.entries().begin() + static_cast<std::ptrdiff_t>(kept));
}

void update_storage(ClusterState& s, std::uint32_t i, const raft::NodeState& before, const raft::Persist& persist) {
    const raft::NodeState& after = s.nodes[i];
    if (!s.storage[i] && persist_keeps_up(before, after, persist)) return;
    raft::PersistentState st = s.storage[i] ? *s.storage[i] : raft::persistent_part(before);
    raft::apply_persist(st, persist);
    if (st == raft::persistent_part(after)) {
        s.storage[i].reset();
    } else {
        s.storage[i] = std::move(st);
    }
}

void update_history(ClusterState& s, std::uint32_t i) {
    const raft::NodeState& n = s.nodes[i];
    if (n.role == raft::Role::kLeader && n.current_term.value < s.elected.size()) s.elected[n.current_term.value] |= 1u << i;
    // CommitIndexInLog reports a commitIndex past the log; there is nothing to record then.
    if (n.commit_index > n.log.last_index()) return;
    for (std::uint64_t k = s.committed.size() + 1; k <= n.commit_index.value; ++k) {
        const EntryKey e = entry_key(n, k);  // also below the node's snapshot (InstallSnapshot)
        s.committed.push_back(CommittedEntry{e.term, e.value, static_cast<std::uint8_t>(n.current_term.value)});
    }
}

}  // namespace

std::string describe(const Event& e) {
    const std::string node = "n" + std::to_string(e.node);
    switch (e.kind) {
        case EventKind::kDeliver: return "Deliver " + describe(e.msg);
        case EventKind::kDrop: return "Drop " + describe(e.msg);
        case EventKind::kDuplicate: return "Duplicate " + describe(e.msg);
        case EventKind::kElectionTimeout: return "ElectionTimeout " + node;
        case EventKind::kHeartbeatTimeout: return "HeartbeatTimeout " + node;
        case EventKind::kPropose: return "Propose " + node + " " + command_of(e.value);
        case EventKind::kRestart: return "Restart " + node;
        case EventKind::kCompactLog: return "CompactLog " + node + " " + std::to_string(e.value);
    }
    return "?";
}

raft::Input input_of(const ClusterState& s, const Event& e) {
    switch (e.kind) {
        case EventKind::kDeliver: return from_wire(e.msg);
        case EventKind::kElectionTimeout: return raft::ElectionTimeout{};
        case EventKind::kHeartbeatTimeout: return raft::HeartbeatTimeout{};
        case EventKind::kPropose: return raft::Propose{command_of(e.value)};
        case EventKind::kRestart: return raft::Restart{s.stored(e.node)};
        case EventKind::kCompactLog: {
            const raft::LogIndex index{e.value};
            return raft::CompactLog{index, snapshot_data(s.nodes[e.node], index)};
        }
        case EventKind::kDrop:
        case EventKind::kDuplicate: break;
    }
    RAFT_ASSERT(false, "network events step no node");
    return raft::ElectionTimeout{};
}

raft::Outputs apply_event(ClusterState& s, const Params& p, StepFn step, const Event& e, Undo& undo) {
    undo.network = s.network;
    undo.stepped = false;
    if (e.kind == EventKind::kDrop) {
        erase_one(s.network, e.msg);
        return {};
    }
    if (e.kind == EventKind::kDuplicate) {
        insert_sorted(s.network, e.msg);
        return {};
    }
    const std::uint32_t i = e.node;
    RAFT_ASSERT(i < p.servers, "events name nodes of the cluster");
    const raft::Input input = input_of(s, e);
    if (e.kind == EventKind::kDeliver) erase_one(s.network, e.msg);
    undo.stepped = true;
    undo.node = i;
    undo.before = s.nodes[i];
    undo.storage = s.storage[i];
    undo.elected = s.elected;
    undo.committed = s.committed.size();
    undo.restarts = s.restarts;
    undo.proposals = s.proposals;
    undo.snapshots = s.snapshots;
    undo.alarm = s.alarm;

    raft::StepResult r = step(std::move(s.nodes[i]), input);
    s.nodes[i] = std::move(r.state);
    forget_unread(s.nodes[i]);
    update_storage(s, i, undo.before, r.outputs.persist);
    for (const raft::Message& m : r.outputs.messages) insert_sorted(s.network, to_wire(m));
    if (r.outputs.alarm) s.alarm = true;
    if (e.kind == EventKind::kRestart) ++s.restarts[i];
    if (e.kind == EventKind::kPropose && r.outputs.proposal_index) ++s.proposals;
    if (e.kind == EventKind::kCompactLog && !r.outputs.refused) ++s.snapshots;
    update_history(s, i);
    return std::move(r.outputs);
}

void restore(ClusterState& s, Undo& undo) {
    s.network.swap(undo.network);
    if (!undo.stepped) return;
    s.nodes[undo.node] = std::move(undo.before);
    s.storage[undo.node] = std::move(undo.storage);
    s.elected = undo.elected;
    s.committed.resize(undo.committed);
    s.restarts = undo.restarts;
    s.proposals = undo.proposals;
    s.snapshots = undo.snapshots;
    s.alarm = undo.alarm;
}

}  // namespace checker::impl
