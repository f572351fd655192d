#pragma once
// The state of the implementation cluster model (`explore --model impl`): N real
// raft::NodeStates, what each one's stable storage holds, the network as a bag of messages in
// flight, and the history variables the invariants need (who was elected in which term, what
// was committed at each index). Also its canonical byte encoding, which the explorer
// fingerprints and keeps in its frontier.
//
// Messages in flight are kept in their wire form (`WireMsg`, a few bytes each) rather than as
// raft::Message: the bag is compared, sorted and copied far more often than a message is
// delivered, and a raft::AppendEntries owns a heap vector.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "raft/node_state.hpp"
#include "raft/messages.hpp"

namespace checker::impl {

inline constexpr std::uint32_t kMaxServers = 5;
inline constexpr std::uint32_t kMaxValues = 9;  // commands "v1".."v9"
inline constexpr std::uint32_t kMaxLog = 6;
inline constexpr std::uint32_t kMaxTerm = 30;

// The cluster's size and the bounds of exploration.
struct Params {
    std::uint32_t servers = 3;
    std::uint32_t values = 1;  // a proposal carries one of "v1".."v<values>"
    // TLC-style state constraint: a successor beyond these is generated and checked, not explored.
    std::uint32_t max_term = 2;
    std::uint32_t max_log = 1;
    std::uint32_t max_msgs = 2;    // messages in flight, copies counted
    std::uint32_t max_copies = 1;  // copies of any one message (duplication makes more)
    // Guards: no crash or proposal event is generated beyond these.
    std::uint32_t max_crashes = 1;    // crash-and-restart events, all nodes together
    std::uint32_t max_proposals = 1;  // client proposals accepted by a leader
    std::uint32_t max_snapshots = 0;  // log compactions (CompactLog events), all nodes together
    bool operator==(const Params&) const = default;
};

// What is wrong with these parameters, or an empty string.
std::string validate(const Params& p);

// A message in its canonical wire form: byte 0 is the length, then from/to, kind, term and
// the body's fields, a byte each (entries as term, value; an InstallSnapshot's data is its
// entries already, see snapshot_data). Ordered bytewise, so that a sorted
// vector of them is the canonical form of the bag.
struct WireMsg {
    static constexpr std::size_t kCapacity = 4 + 4 + 2 * (kMaxLog + 1) + 2;
    std::array<std::uint8_t, kCapacity> bytes{};
    std::size_t size() const { return bytes[0]; }
    std::string_view view() const { return {reinterpret_cast<const char*>(bytes.data()), size()}; }
    std::uint32_t from() const { return bytes[1] >> 4; }
    std::uint32_t to() const { return bytes[1] & 0xF; }
    bool operator==(const WireMsg& o) const { return view() == o.view(); }
    bool operator<(const WireMsg& o) const { return view() < o.view(); }
};

using Perm = std::array<std::uint8_t, kMaxServers>;  // server i is called perm[i]
Perm identity_perm();

WireMsg to_wire(const raft::Message& m, const Perm& perm = identity_perm());
raft::Message from_wire(const WireMsg& w);
// The value index of a command ("v3" -> 3), 0 for a no-op entry.
std::uint8_t value_of(const raft::Entry& e);
raft::Command command_of(std::uint32_t value);

// The model's service is the checker itself, and its snapshot is the compacted entries: two
// bytes (term, value) per entry. So the full log of a node, snapshot included, can always be
// rebuilt (for the invariants and the refinement's abstraction).
std::string snapshot_data(const raft::NodeState& n, raft::LogIndex upto);
// The entry at `index` of a node's full log (1 <= index <= last index), from the snapshot's
// data at or below its last index, from the log above it.
struct EntryKey {
    std::uint8_t term = 0;
    std::uint8_t value = 0;
    bool operator==(const EntryKey&) const = default;
};
EntryKey entry_key(const raft::NodeState& n, std::uint64_t index);
EntryKey entry_key(const raft::Entry& e);
raft::Entry entry_of(EntryKey k);

// A committed entry as the history saw it first: its term, value, and the term of the node
// that first applied it (the entry was committed in that term or earlier).
struct CommittedEntry {
    std::uint8_t term = 0;
    std::uint8_t value = 0;
    std::uint8_t commit_term = 0;
    bool operator==(const CommittedEntry&) const = default;
};

struct ClusterState {
    std::vector<raft::NodeState> nodes;
    // What stable storage holds, when it is not exactly the node's own persistent part (which
    // is always the case unless a step failed to persist what it changed).
    std::vector<std::optional<raft::PersistentState>> storage;
    std::vector<WireMsg> network;  // sorted; a message sent twice appears twice
    // History: bit i of elected[t] is set once node i became leader of term t.
    std::array<std::uint8_t, kMaxTerm + 2> elected{};
    std::vector<CommittedEntry> committed;  // index k+1 at position k
    std::array<std::uint8_t, kMaxServers> restarts{};  // crash-and-restart events per node
    std::uint8_t proposals = 0;
    std::uint8_t snapshots = 0;  // CompactLog steps taken, all nodes together
    // A step raised Outputs::alarm (an input only an unsafe cluster sends).
    bool alarm = false;
    // Not part of the state: what a step observer (the refinement check) said of the
    // transition that produced this state, nullptr if nothing. Never encoded.
    const char* observed = nullptr;

    std::uint32_t crashes() const {
        std::uint32_t n = 0;
        for (auto r : restarts) n += r;
        return n;
    }
    // What node i's storage holds.
    raft::PersistentState stored(std::uint32_t i) const;
};

ClusterState initial_cluster(const Params& p);

// The canonical encoding with servers renamed by `perm` (ids inside votes, messages and
// histories renamed too; server blocks written in the new order).
void encode(const ClusterState& s, const Params& p, const Perm& perm, std::string& out);
ClusterState decode(std::string_view bytes, const Params& p);
// One node's part of the encoding, and a stored state's, appended to `out` (ids unrenamed).
void encode_node(const raft::NodeState& n, std::uint32_t servers, std::string& out);
void encode_persistent(const raft::PersistentState& st, std::string& out);

// NodeState::leader is written by raft/ and never read by it, so two states that differ only
// there have the same future; the model forgets it, which keeps states that differ in nothing
// that matters from counting twice (tests/impl_model_test.cpp checks that step ignores it).
void forget_unread(raft::NodeState& n);

// Multi-line description, one "name = value" block per variable (as the counterexample
// printer expects).
std::string describe(const ClusterState& s, const Params& p);
std::string describe(const WireMsg& m);

}  // namespace checker::impl
