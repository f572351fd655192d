#pragma once
// The whole state of one Raft server, as Figure 2 lists it, plus the little a runtime needs
// to know (the known leader). A NodeState is a plain value: copy it, compare it, hash it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "raft/log.hpp"

namespace raft {

enum class Role : std::uint8_t { kFollower, kCandidate, kLeader };

struct Config {
    NodeId id;
    std::uint32_t cluster_size = 1;
    // A new leader appends a no-op entry of its term, so that entries of earlier terms commit
    // without waiting for a client (paper, section 8). Off by default: the 6.824 tests assert
    // exact log indices for client commands.
    bool noop_on_election = false;
    bool operator==(const Config&) const = default;
};

// The service's state up to and including `last_included_index`, opaque to Raft. Index 0 is
// no snapshot (data empty). It replaces the log up to that index: the log's base is always
// (last_included_index, last_included_term).
struct Snapshot {
    LogIndex last_included_index;
    Term last_included_term;
    std::string data;
    bool operator==(const Snapshot&) const = default;
};

// What survives a crash, when the runtime honours Outputs::persist.
struct PersistentState {
    Term current_term;
    std::optional<NodeId> voted_for;
    Log log;
    Snapshot snapshot{};  // log's base == snapshot's index/term
    bool operator==(const PersistentState&) const = default;
};

struct NodeState {
    Config config;

    // Persistent state (Figure 2).
    Term current_term;
    std::optional<NodeId> voted_for;
    Log log;
    Snapshot snapshot;  // everything up to the log's base, committed and applied

    // Volatile state on all servers.
    Role role = Role::kFollower;
    LogIndex commit_index;
    LogIndex last_applied;
    std::optional<NodeId> leader;  // the leader of current_term, once heard from

    // Candidates: who granted a vote in current_term (the candidate itself included).
    NodeSet votes_granted;

    // Leaders: one slot per server, reinitialized after every election. The leader's own
    // slots are unused: its own log always matches itself.
    std::vector<LogIndex> next_index;
    std::vector<LogIndex> match_index;

    bool operator==(const NodeState&) const = default;
};

NodeState initial_state(const Config& config);
PersistentState persistent_part(const NodeState& state);

std::string to_string(Role role);
// One line: "n2 leader term=3 vote=n2 log=5/t3 commit=4 applied=4" (and " snap=2/t1" once
// there is a snapshot).
std::string describe(const NodeState& state);

}  // namespace raft
