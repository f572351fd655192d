#pragma once
// The `raft` model of spec/actions.cpp over unbounded variables: terms, indexes and logs of
// any size, any number of messages in flight, up to 64 servers. The explorer needs the
// packed, bounded state of state.hpp; a recorded run of a real cluster needs this one. The
// two are kept in agreement by a differential test (tests/spec_unbounded_test.cpp) that
// replays random behaviours of the bounded model here.
//
// Actions are applied in place and return what they changed, so that a caller checking a
// long trace neither copies logs nor loses the state when an action turns out to be the
// wrong explanation (undo()). History variables (elections, allLogs, voterLog) are left out:
// they constrain no action, they only serve invariants.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "spec/actions.hpp"
#include "spec/state.hpp"

namespace spec::unbounded {

inline constexpr std::uint32_t kMaxServers = 64;  // vote sets are 64-bit masks

// What etcd-io/raft does that the raft model does not, as options of the spec (all off: the
// raft model exactly). Each is a behaviour that keeps every safety argument of Raft intact;
// README ("etcd's traces") says why.
struct Options {
    // AppendEntries may send any slice of the leader's log, with any commit index up to the
    // leader's: etcd's flow control (Progress: probe and replicate states, inflight limits,
    // size limits) decides what to send, and heartbeats carry min(match, commit). Such an
    // AppendEntries names its range in Action::range.
    bool any_append_range = false;
    // A rejected AppendEntries answers as etcd does: the rejected index, and a hint found by
    // walking the follower's log back from there to the last entry of a term no greater
    // than the request's prevLogTerm (x_len, x_index, x_term carry the three).
    bool etcd_reject_hints = false;
    // An AppendEntries whose prevLogIndex is below the follower's commitIndex is answered
    // with success and the commitIndex as matchIndex, changing nothing (every committed
    // entry is already the leader's).
    bool stale_append_acks_commit = false;
    // Each server has its own set of voters (Server::config), changed one server at a time
    // by ChangeConfig; elections and commits need a quorum of the acting server's voters,
    // and only a voter may stand for election. Off: every server is a voter, always.
    bool membership = false;
    bool operator==(const Options&) const = default;
};

struct Entry {
    std::uint64_t term = 0;
    std::uint64_t value = 0;  // opaque: values only ever compare equal or not
    bool operator==(const Entry&) const = default;
};

// Server ids are 0-based here, as in spec::State.
struct Message {
    MsgType type = MsgType::kRequestVoteRequest;
    std::uint32_t source = 0;
    std::uint32_t dest = 0;
    std::uint64_t term = 0;
    // RequestVoteRequest
    std::uint64_t last_log_term = 0;
    std::uint64_t last_log_index = 0;
    // RequestVoteResponse
    bool vote_granted = false;
    // InstallSnapshotRequest (the data, the log up to last_included_index, is in `entries`)
    std::uint64_t last_included_index = 0;
    std::uint64_t last_included_term = 0;
    // AppendEntriesRequest
    std::uint64_t prev_log_index = 0;
    std::uint64_t prev_log_term = 0;
    std::uint64_t commit_index = 0;
    std::vector<Entry> entries;  // AppendEntriesRequest; InstallSnapshotRequest: the data
    // AppendEntries request or response: an etcd heartbeat (any_append_range only), an
    // AppendEntries with no entries whose prevLogIndex is the commit index it carries.
    bool heartbeat = false;
    // AppendEntriesResponse
    bool success = false;
    std::uint64_t match_index = 0;  // success; InstallSnapshotResponse: the snapshot's last index
    std::uint64_t x_len = 0;        // rejection: the fast-backup hints
    std::uint64_t x_term = 0;
    std::uint64_t x_index = 0;
    bool operator==(const Message&) const = default;
};

struct MessageHash {
    std::size_t operator()(const Message& m) const;
};

struct Server {
    std::uint64_t current_term = 1;
    Role role = Role::kFollower;
    std::optional<std::uint32_t> voted_for;
    std::uint64_t commit_index = 0;
    // lastIncludedIndex of the server's snapshot: the log's entries up to here are compacted
    // (kept in `log`, since they are the snapshot's data, but read only to send or check it).
    std::uint64_t snapshot_index = 0;
    std::uint64_t votes_responded = 0;  // bit masks of servers
    std::uint64_t votes_granted = 0;
    std::vector<Entry> log;
    std::vector<std::uint64_t> next_index;
    std::vector<std::uint64_t> match_index;
    std::uint64_t config = 0;  // Options::membership: the voters this server knows (a mask)
    bool operator==(const Server&) const = default;
};

struct State {
    Options options;
    std::vector<Server> servers;
    std::unordered_map<Message, std::uint32_t, MessageHash> bag;  // message -> count
    std::uint64_t in_flight = 0;  // sum of the counts
    bool operator==(const State&) const = default;
};

struct Action {
    Action() = default;
    Action(ActionKind k, std::uint32_t server, std::uint32_t peer = 0, std::uint64_t v = 0) : kind(k), i(server), j(peer), value(v) {}
    ActionKind kind = ActionKind::kRestart;
    std::uint32_t i = 0;  // the server acting (the recipient, for a message)
    std::uint32_t j = 0;  // RequestVote / AppendEntries: the destination
    std::uint64_t value = 0;  // ClientRequest's value; CompactLog's index (the new snapshotIndex)
    std::uint64_t config = 0;  // ChangeConfig: the new voters (a mask)
    Message m;  // the message received, duplicated or dropped
    // AppendEntries under Options::any_append_range: entries prev+1 .. prev+count, and the
    // commit index sent. Without it, AppendEntries sends from nextIndex as the raft model does.
    struct Range {
        std::uint64_t prev = 0;
        std::uint64_t count = 0;
        std::uint64_t commit = 0;
        bool heartbeat = false;
    };
    std::optional<Range> range;
};

// What one applied action changed: enough to check it against a trace and to undo it.
struct Effect {
    bool changed_server = false;
    std::uint32_t server = 0;
    Server before;  // `server`'s variables before, except the log (see log_*)
    std::size_t log_kept = 0;               // the log's first log_kept entries were kept,
    std::vector<Entry> log_removed;         // these followed them and were removed,
    std::size_t log_len_after = 0;          // and the log ended up this long
    std::vector<std::pair<Message, int>> bag_changes;  // +1 added, -1 removed, in order
    std::optional<Message> sent;            // the message this action sent
};

State init(std::uint32_t servers, Options options = {});

// If `a` is enabled in `s`, applies it in place, describes the change in `effect` (which is
// reset first) and returns true; otherwise returns false and leaves `s` as it was.
bool apply(State& s, const Action& a, Effect& effect);
// Takes back the action `effect` describes; `s` must be the state apply() left.
void undo(State& s, const Effect& effect);

// Every enabled action instance of Next except ClientRequest (whose values are unbounded)
// and ChangeConfig (whose configurations come from the trace), in a fixed order.
std::vector<Action> enabled_actions(const State& s);

bool is_quorum(const State& s, std::uint64_t mask);
// The unbounded model does not count CompactLog steps (snapshotsTaken is a history variable
// of the bounded model only): CompactLog is enabled whenever snapshotIndex < k <= commitIndex.

// A quorum as server `i` counts it: of all servers, or under Options::membership of its voters.
bool is_quorum_at(const State& s, std::uint32_t i, std::uint64_t mask);
std::string describe(const Message& m);   // servers named s1, s2, ... as in TLA+
std::string describe(const Action& a);

}  // namespace spec::unbounded
