#pragma once
// The events of the implementation cluster model and what each does to a cluster state.
// Every node change is a call of the step function (raft::step, or a planted bug's wrapper
// around it); the network is a bag of messages that may be delivered in any order, dropped or
// duplicated; timeouts fire whenever a node would act on them; a crash loses everything a
// node held in memory and restarts it from what its storage holds.
//
// No partitions: a partition only drops the messages that cross it, and any message may be
// dropped on its own here, so partitions reach no state the model does not already reach.

#include <cstdint>
#include <string>

#include "checker/impl_state.hpp"
#include "raft/step.hpp"

namespace checker::impl {

// The node step the cluster runs: raft::step, or a wrapper that plants a bug.
using StepFn = raft::StepResult (*)(raft::NodeState, const raft::Input&);

enum class EventKind : std::uint8_t {
    kDeliver,           // the message reaches its destination, which steps on it
    kDrop,              // the network loses one copy
    kDuplicate,         // the network makes one more copy
    kElectionTimeout,   // a follower's or candidate's election timer fires
    kHeartbeatTimeout,  // a leader's heartbeat timer fires
    kPropose,           // a client hands a leader a command
    kRestart,           // the node crashes and restarts from its storage
    kCompactLog,        // the node's service snapshots up to a committed index (Event::value)
};

struct Event {
    EventKind kind = EventKind::kDeliver;
    std::uint8_t node = 0;   // the node that steps (for kDeliver: the message's destination)
    std::uint8_t value = 0;  // kPropose: the command's value; kCompactLog: the index
    WireMsg msg;             // kDeliver, kDrop, kDuplicate
};

std::string describe(const Event& e);

// Calls f(event) for every event enabled in `s`, in a fixed order.
template <class F>
void for_each_event(const ClusterState& s, const Params& p, F&& f) {
    for (std::size_t k = 0; k < s.network.size(); ++k) {
        if (k > 0 && s.network[k] == s.network[k - 1]) continue;  // one event per distinct message
        std::size_t copies = 1;
        while (k + copies < s.network.size() && s.network[k + copies] == s.network[k]) ++copies;
        const auto to = static_cast<std::uint8_t>(s.network[k].to());
        f(Event{EventKind::kDeliver, to, 0, s.network[k]});
        f(Event{EventKind::kDrop, to, 0, s.network[k]});
        if (copies < p.max_copies) f(Event{EventKind::kDuplicate, to, 0, s.network[k]});
    }
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        const auto node = static_cast<std::uint8_t>(i);
        const bool leads = s.nodes[i].role == raft::Role::kLeader;
        if (!leads) f(Event{EventKind::kElectionTimeout, node, 0, {}});
        if (leads) f(Event{EventKind::kHeartbeatTimeout, node, 0, {}});
        if (leads && s.proposals < p.max_proposals) {
            for (std::uint32_t v = 1; v <= p.values; ++v) f(Event{EventKind::kPropose, node, static_cast<std::uint8_t>(v), {}});
        }
        if (s.crashes() < p.max_crashes) f(Event{EventKind::kRestart, node, 0, {}});
        if (s.snapshots < p.max_snapshots) {
            // Every index raft::step accepts: committed and past the current snapshot.
            const raft::NodeState& n = s.nodes[i];
            for (std::uint64_t k = n.snapshot.last_included_index.value + 1; k <= n.commit_index.value; ++k) {
                f(Event{EventKind::kCompactLog, node, static_cast<std::uint8_t>(k), {}});
            }
        }
    }
}

// What one event changed, so that it can be undone: the successor is built in place from a
// single working copy per expanded state, and only the stepping node is copied.
struct Undo {
    std::uint32_t node = 0;
    bool stepped = false;
    raft::NodeState before;
    std::optional<raft::PersistentState> storage;
    std::vector<WireMsg> network;
    std::array<std::uint8_t, kMaxTerm + 2> elected{};
    std::size_t committed = 0;
    std::array<std::uint8_t, kMaxServers> restarts{};
    std::uint8_t proposals = 0;
    std::uint8_t snapshots = 0;
    bool alarm = false;
};

// Applies `e` to `s` in place; `undo` receives what restore() needs. Returns the step's
// outputs (empty for network events) for observers such as the refinement check.
raft::Outputs apply_event(ClusterState& s, const Params& p, StepFn step, const Event& e, Undo& undo);
void restore(ClusterState& s, Undo& undo);

// The input a node steps on for `e` (kDeliver, timeouts, kPropose, kRestart, kCompactLog: its
// snapshot is the node's entries up to the index, see snapshot_data).
raft::Input input_of(const ClusterState& s, const Event& e);

}  // namespace checker::impl
