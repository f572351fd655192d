#pragma once
// The constants and bounds of a spec model: TLA+'s CONSTANTS plus TLC's state constraint.

#include <cstdint>
#include <optional>
#include <string>

namespace spec {

inline constexpr std::uint32_t kMaxServers = 5;
inline constexpr std::uint32_t kMaxSnapshots = 15;

enum class Variant : std::uint8_t {
    // Exactly Diego Ongaro's raft.tla: one entry per AppendEntries, nextIndex backs up by
    // one, history variables as in the original. Its state counts match TLC's.
    kRaftTla,
    // The protocol raft/ implements: raft-tla, except that AppendEntries carries every entry
    // from nextIndex on (an empty one is a heartbeat), a follower truncates only at a real
    // conflict and appends the new entries in the same step, commitIndex never moves back
    // (min(leaderCommit, last new entry), as Figure 2 says), and rejections carry the 6.824
    // fast-backup hints XTerm / XIndex / XLen, which the leader uses to move nextIndex back
    // a whole term at a time; success replies only move matchIndex and nextIndex forward.
    kRaft,
};

struct Params {
    Variant variant = Variant::kRaftTla;
    std::uint32_t servers = 3;
    std::uint32_t values = 1;
    // TLC's state constraint: successors beyond these are generated and checked, not explored.
    std::uint32_t max_term = 2;
    std::uint32_t max_log = 1;
    std::uint32_t max_copies = 1;  // any one message's count in the bag
    std::uint32_t max_msgs = 1;    // the sum of all counts in the bag
    // The raft model only: how many CompactLog steps a behaviour may take in all (a guard on
    // the history variable snapshotsTaken, not a state constraint). 0: no snapshots, and the
    // state space is exactly that of the model without them.
    std::uint32_t max_snapshots = 0;
};

// What is wrong with these parameters, or an empty string.
std::string validate(const Params& p);
std::string variant_name(Variant v);
// The variant called `name` ("raft-tla", "raft"), or nothing.
std::optional<Variant> variant_named(const std::string& name);

}  // namespace spec
