#pragma once
// The RPCs of Figure 2, one struct per kind. Every message carries the sender's term in its
// envelope, because the term rules apply to all of them before anything else.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "raft/log.hpp"

namespace raft {

struct RequestVote {
    LogIndex last_log_index;
    Term last_log_term;
    bool operator==(const RequestVote&) const = default;
};

struct RequestVoteReply {
    bool vote_granted = false;
    bool operator==(const RequestVoteReply&) const = default;
};

// Also the heartbeat: a heartbeat is an AppendEntries with no entries.
struct AppendEntries {
    LogIndex prev_log_index;
    Term prev_log_term;
    std::vector<Entry> entries;
    LogIndex leader_commit;
    bool operator==(const AppendEntries&) const = default;
};

struct AppendEntriesReply {
    bool success = false;
    // On success: the index of the last entry known to match the leader's log
    // (prev_log_index + entries.size() of the request). Lets the leader ignore stale replies.
    LogIndex match_index;
    // On rejection, the fast-backup hints of the 6.824 labs:
    //   conflict_term  (XTerm)  term of the follower's entry at prev_log_index; 0 if it has none
    //   conflict_index (XIndex) first index the follower holds of conflict_term
    //   log_length     (XLen)   the follower's last log index
    Term conflict_term;
    LogIndex conflict_index;
    LogIndex log_length;
    bool operator==(const AppendEntriesReply&) const = default;
};

// Sent instead of AppendEntries when the entry before a follower's nextIndex was compacted
// into the leader's snapshot (Figure 13, in one message: the service's snapshots are small).
struct InstallSnapshot {
    LogIndex last_included_index;
    Term last_included_term;
    std::string data;
    bool operator==(const InstallSnapshot&) const = default;
};

// Echoes the request's index, so that the leader knows what the follower now holds even when
// replies arrive late or twice (0 in the answer to a request of a stale term: nothing was
// installed, and the reply's term deposes the sender).
struct InstallSnapshotReply {
    LogIndex last_included_index;
    bool operator==(const InstallSnapshotReply&) const = default;
};

using MessageBody =
    std::variant<RequestVote, RequestVoteReply, AppendEntries, AppendEntriesReply, InstallSnapshot, InstallSnapshotReply>;

struct Message {
    NodeId from;
    NodeId to;
    Term term;
    MessageBody body;
    bool operator==(const Message&) const = default;
};

bool is_request(const Message& m);
// Bytes this message would take on a wire, for RPC budgets (6.824's RPCBytes test).
std::size_t wire_size(const Message& m);
// One stable line, used in logs, golden tests and counterexamples.
std::string describe(const Message& m);
std::string describe(const Entry& e);

}  // namespace raft
