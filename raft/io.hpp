#pragma once
// The step function's inputs and outputs.
//
// ORDERING CONTRACT (what a runtime must do with the Outputs of one step, in this order):
//   1. Make `persist` durable (apply it to stable storage with raft::apply_persist, fsync).
//   2. Only then send `messages`: a vote granted or an entry acknowledged in a message must
//      survive a crash of its sender, or the cluster can lose committed entries or elect two
//      leaders in one term.
//   3. Hand `apply_snapshot` (if any) and then `apply` to the state machine, in order. These
//      entries are committed; they may be applied before or after step 2, but never before
//      step 1 of the step that made them durable (that step came earlier, so doing 1-2-3 per
//      step is always enough).
// Restarting a node means feeding it Restart{what stable storage holds}: nothing else of the
// old NodeState may be reused.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "raft/messages.hpp"
#include "raft/node_state.hpp"

namespace raft {

// ---- Inputs ----

// The node's randomized election timer fired (the runtime owns the timer; see
// Outputs::reset_election_timer).
struct ElectionTimeout {
    bool operator==(const ElectionTimeout&) const = default;
};
// The heartbeat timer fired; only a leader acts on it.
struct HeartbeatTimeout {
    bool operator==(const HeartbeatTimeout&) const = default;
};
// A client asks to append a command (6.824's Start()).
struct Propose {
    Command command;
    bool operator==(const Propose&) const = default;
};
// The node crashed and came back: it keeps only what stable storage holds.
struct Restart {
    PersistentState persisted;
    bool operator==(const Restart&) const = default;
};

// The service has applied everything up to `index` and holds it all in `snapshot`: the log up
// to there may go. Accepted only when the node's snapshot ends below `index` and `index` is
// committed (and so applied); otherwise refused (Outputs::refused) and nothing changes.
struct CompactLog {
    LogIndex index;
    std::string snapshot;
    bool operator==(const CompactLog&) const = default;
};

using Input = std::variant<Message, ElectionTimeout, HeartbeatTimeout, Propose, Restart, CompactLog>;

// ---- Outputs ----

struct HardState {
    Term current_term;
    std::optional<NodeId> voted_for;
    bool operator==(const HardState&) const = default;
};

// The stored log from index `from` on is replaced by `entries` (a truncation when a conflict
// was found, then the new entries; or a plain append when `from` is one past the stored end).
struct LogWrite {
    LogIndex from;
    std::vector<Entry> entries;
    bool operator==(const LogWrite&) const = default;
};

// One atomic write to stable storage. A snapshot comes with the log state that goes with it
// (apply_persist applies the snapshot first, then the log write): storing one without the
// other would leave a log whose base disagrees with the snapshot after a crash.
struct Persist {
    std::optional<HardState> hard_state;
    std::optional<LogWrite> log;
    std::optional<Snapshot> snapshot;
    bool empty() const { return !hard_state && !log && !snapshot; }
    bool operator==(const Persist&) const = default;
};

struct Applied {
    LogIndex index;
    Entry entry;
    bool operator==(const Applied&) const = default;
};

enum class NoticeKind : std::uint8_t { kBecameCandidate, kBecameLeader, kSteppedDown };
struct Notice {
    NoticeKind kind;
    Term term;
    bool operator==(const Notice&) const = default;
};

struct Outputs {
    Persist persist;
    std::vector<Message> messages;
    // The service must restore its state from this snapshot, before `apply`'s entries (which
    // follow it): sent by the leader (InstallSnapshot), or read back from storage on Restart.
    std::optional<Snapshot> apply_snapshot;
    std::vector<Applied> apply;
    std::vector<Notice> notices;
    // The runtime should restart the election timer with a fresh random timeout: the node
    // granted a vote, heard from the current leader, or started an election.
    bool reset_election_timer = false;
    // Set when a Propose was accepted: the index the command will have if it commits.
    std::optional<LogIndex> proposal_index;
    // Set when an input could only come from an unsafe cluster or a malformed message: two
    // leaders in one term, an order to overwrite a committed entry, entries whose terms run
    // backwards. The node refuses such an input instead of crashing (it is input, not a bug
    // of this node); a runtime should raise the alarm, and the checkers report it as a
    // safety violation.
    std::optional<std::string> alarm;
    // Set when a CompactLog was refused (the index is not committed, or not past the current
    // snapshot), with the reason. A correct service can ask at a bad moment (a restart moved
    // commitIndex back to the snapshot), so this is no alarm.
    std::optional<std::string> refused;
    bool operator==(const Outputs&) const = default;
};

// Brings stable storage up to date with one step's Persist output: the snapshot first (the
// stored log is compacted to it, or reset when it does not hold the snapshot's last entry),
// then the hard state and the log write.
void apply_persist(PersistentState& storage, const Persist& persist);

std::string describe(const Input& input);
std::string describe(const Notice& notice);

}  // namespace raft
