#pragma once
// The variables of the Raft specification, as raft.tla declares them, in a compact form:
// messages is a bag (message -> count), elections and allLogs are sets, voterLog a function
// per server. Server i of the spec is s(i+1) of the TLA+ module.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "spec/log.hpp"
#include "spec/params.hpp"

namespace spec {

inline constexpr std::uint8_t kNil = 0xFF;
inline constexpr std::size_t kMaxBag = 8;         // distinct messages in flight
inline constexpr std::size_t kMaxElections = 16;  // successful elections ever
inline constexpr std::size_t kMaxAllLogs = 48;    // distinct logs ever

enum class Role : std::uint8_t { kFollower, kCandidate, kLeader };
enum class MsgType : std::uint8_t {
    kRequestVoteRequest,
    kRequestVoteResponse,
    kAppendEntriesRequest,
    kAppendEntriesResponse,
    // The raft model with snapshots (Params::max_snapshots > 0): a leader whose nextIndex for
    // a follower points into its compacted prefix sends the snapshot instead.
    kInstallSnapshotRequest,
    kInstallSnapshotResponse,
};

// One record type for the six messages, as in raft.tla; the fields a kind uses are named by
// the accessors below. Unused fields stay 0 so that equal messages are equal bytes.
struct Message {
    MsgType type = MsgType::kRequestVoteRequest;
    std::uint8_t term = 0;
    std::uint8_t source = 0;
    std::uint8_t dest = 0;
    std::uint8_t f1 = 0;
    std::uint8_t f2 = 0;
    std::uint8_t f3 = 0;
    std::uint8_t f4 = 0;
    Log entries;  // AppendEntriesRequest; InstallSnapshotRequest: the data (the log prefix)
    Log mlog;     // history: RequestVoteResponse, AppendEntriesRequest

    // RequestVoteRequest
    std::uint8_t last_log_term() const { return f1; }
    std::uint8_t last_log_index() const { return f2; }
    // RequestVoteResponse
    bool vote_granted() const { return f1 != 0; }
    // AppendEntriesRequest
    std::uint8_t prev_log_index() const { return f1; }
    std::uint8_t prev_log_term() const { return f2; }
    std::uint8_t commit_index() const { return f3; }
    // AppendEntriesResponse
    bool success() const { return f1 != 0; }
    std::uint8_t match_index() const { return f2; }
    // AppendEntriesResponse rejections of the `raft` model: the fast-backup hints.
    std::uint8_t x_len() const { return f2; }    // the follower's last log index
    std::uint8_t x_term() const { return f3; }   // its term at prevLogIndex, 0 if it has none
    std::uint8_t x_index() const { return f4; }  // its first index of that term
    // InstallSnapshotRequest (the data is `entries`, the log up to last_included_index)
    std::uint8_t last_included_index() const { return f1; }
    std::uint8_t last_included_term() const { return f2; }
    // InstallSnapshotResponse: match_index() (f2), the snapshot's last index

    auto operator<=>(const Message&) const = default;
};

struct BagItem {
    Message m;
    std::uint8_t count = 0;
    auto operator<=>(const BagItem&) const = default;
};

// A record of the `elections` history: who won which term, with which logs.
struct Election {
    std::uint8_t term = 0;
    std::uint8_t leader = 0;
    std::uint8_t votes = 0;        // evotes, a set of servers as a bit mask
    std::uint8_t voter_mask = 0;   // DOMAIN evoterLog
    Log log;                       // elog
    std::array<Log, kMaxServers> voter_logs{};  // evoterLog, where voter_mask has the bit
    auto operator<=>(const Election&) const = default;
};

struct Server {
    std::uint8_t current_term = 1;
    Role role = Role::kFollower;
    std::uint8_t voted_for = kNil;
    std::uint8_t commit_index = 0;
    std::uint8_t votes_responded = 0;  // bit masks of servers
    std::uint8_t votes_granted = 0;
    std::uint8_t voter_log_mask = 0;   // DOMAIN voterLog[i]
    // lastIncludedIndex of the server's snapshot: the log's entries up to here are compacted
    // (the log word keeps them, since a snapshot's data is that committed prefix, but no
    // action reads them except to send or check a snapshot). Always 0 without snapshots.
    std::uint8_t snapshot_index = 0;
    Log log;
    std::array<Log, kMaxServers> voter_log{};
    std::array<std::uint8_t, kMaxServers> next_index{};
    std::array<std::uint8_t, kMaxServers> match_index{};
    auto operator<=>(const Server&) const = default;
};

struct State {
    std::array<Server, kMaxServers> servers{};
    InlineVec<BagItem, kMaxBag> messages;  // sorted by message
    InlineVec<Election, kMaxElections> elections;  // sorted
    InlineVec<Log, kMaxAllLogs> all_logs;          // sorted
    // History: CompactLog steps taken so far, bounded by Params::max_snapshots.
    std::uint8_t snapshots_taken = 0;
    bool operator==(const State&) const = default;
};

// Bag operations (raft.tla's WithMessage / WithoutMessage; a count that reaches 0 leaves the
// bag's domain).
void bag_add(State& s, const Message& m);
void bag_remove(State& s, const Message& m);
std::uint32_t bag_total(const State& s);

// The canonical byte encoding of the variables that exist for `p.servers` servers: equal
// states, equal bytes. decode() inverts it.
void encode(const State& s, const Params& p, std::string& out);
State decode(std::string_view bytes, const Params& p);
// encode(permute(s, p, perm), p, out), without building the permuted state.
void encode_permuted(const State& s, const Params& p, const std::array<std::uint8_t, kMaxServers>& perm, std::string& out);

// The state with server ids renamed by `perm` (server i becomes perm[i]), sets re-sorted.
State permute(const State& s, const Params& p, const std::array<std::uint8_t, kMaxServers>& perm);

std::string server_name(std::uint32_t i);
std::string to_string(Role r);
std::string describe(const Message& m);
// Every variable, one per line, TLA+-style.
std::string describe(const State& s, const Params& p);

}  // namespace spec
