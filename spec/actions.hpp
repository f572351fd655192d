#pragma once
// Init and Next of the Raft specification: Next is the disjunction of the guarded actions
// below, each a small function named after its TLA+ counterpart. An action that is enabled
// hands its successor to an Emitter together with a label saying which action instance
// (and which branch of a message handler) produced it.

#include <cstdint>
#include <string>

#include "spec/state.hpp"

namespace spec {

enum class ActionKind : std::uint8_t {
    kRestart,
    kTimeout,
    kRequestVote,
    kBecomeLeader,
    kClientRequest,
    kAdvanceCommitIndex,
    kAppendEntries,
    // Snapshots (the raft model with Params::max_snapshots > 0): a server compacts its
    // committed prefix; a leader sends a follower its snapshot.
    kCompactLog,
    kInstallSnapshot,
    kUpdateTerm,
    kHandleRequestVoteRequest,
    kHandleRequestVoteResponse,
    kDropStaleResponse,
    kHandleAppendEntriesRequest,
    kHandleAppendEntriesResponse,
    kHandleInstallSnapshotRequest,
    kHandleInstallSnapshotResponse,
    kDuplicateMessage,
    kDropMessage,
    // Not in the bounded models: a server adopts a new set of voters (spec/unbounded.hpp,
    // Options::membership), as etcd does when it applies a configuration change.
    kChangeConfig,
};

struct Action {
    ActionKind kind;
    std::uint8_t i = 0;  // the server acting (the recipient, for a message)
    std::uint8_t j = 0;  // the peer (the sender, for a message)
    std::uint8_t v = 0;  // ClientRequest's value; CompactLog's index (the new snapshotIndex)
    Message m{};         // the message received, duplicated or dropped
};

std::string action_name(ActionKind k);
// Whether the bounded models (raft-tla, raft) and spec/Raft.tla have the action: all but the
// membership extension of the unbounded model.
constexpr bool in_bounded_models(ActionKind k) { return k != ActionKind::kChangeConfig; }
// "HandleAppendEntriesRequest(s2, s1, [...])": one line.
std::string describe(const Action& a);

class Emitter {
public:
    virtual ~Emitter() = default;
    // `next` may be moved from.
    virtual void emit(const Action& action, State& next) = 0;
};

State init(const Params& p);
// What Restart(i) does to server i: the volatile variables start over, commitIndex from the
// snapshot (the state machine is restored from it), the rest survives.
void restart_server(Server& v, const Params& p);
// Calls e.emit once for every enabled action instance of Next from `s` (TLC's successors:
// duplicates and stutters included).
void next(const State& s, const Params& p, Emitter& e);
// TLC's state constraint.
bool within_bounds(const State& s, const Params& p);

}  // namespace spec
