#pragma once
// One event of a recorded run, as `traces/FORMAT.md` defines it: which node did what (named
// after the spec's actions), the message if the action sends or receives one, and whatever
// the recorder saw of the node's variables after the action. Every observed variable is
// optional: a trace may show full state, or only terms and roles, or only messages.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace traces {

// The spec's actions (spec/actions.hpp), plus Init: the first line of a trace, which gives
// the cluster size.
enum class ActionKind : std::uint8_t {
    kInit,
    kRestart,
    kTimeout,
    kRequestVote,
    kBecomeLeader,
    kClientRequest,
    kAdvanceCommitIndex,
    kAppendEntries,
    kCompactLog,       // snapshots (the spec's --max-snapshots)
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
    // Not a spec action: the node's variables as the recorder saw them, between actions (a
    // stutter step). etcd's Ready events, and the state it logs before handling a message.
    kObserve,
    // A node adopts a new set of voters (etcd applying a configuration change): the spec's
    // ChangeConfig, under its membership option.
    kChangeConfig,
};
inline constexpr int kActionKinds = 22;

enum class Role : std::uint8_t { kFollower, kCandidate, kLeader };
enum class MsgType : std::uint8_t {
    kRequestVoteRequest,
    kRequestVoteResponse,
    kAppendEntriesRequest,
    kAppendEntriesResponse,
    kInstallSnapshotRequest,
    kInstallSnapshotResponse,
};

// The name of the file an event came from, interned: every event carries a pointer to one
// process-wide copy of the name, not a copy of its own (a million events from one file would
// otherwise copy its name a million times, which costs as much as a tenth of reading them).
class FileName {
public:
    FileName() = default;
    FileName(const std::string& name);  // NOLINT: implicit, a name is a name
    FileName(const char* name) : FileName(std::string(name)) {}  // NOLINT
    const std::string& str() const;
    operator const std::string&() const { return str(); }  // NOLINT
    bool operator==(const FileName& o) const { return name_ == o.name_ || str() == o.str(); }

private:
    const std::string* name_ = nullptr;  // owned by the intern table, never freed
};
std::ostream& operator<<(std::ostream& os, const FileName& f);

// Values are opaque to the protocol: a command's text as the recorder wrote it.
struct Entry {
    std::uint64_t term = 0;
    std::string value;
    bool operator==(const Entry&) const = default;
};

// Node ids are 1-based in traces ("s1" is node 1), as in the TLA+ modules.
struct Message {
    MsgType type = MsgType::kRequestVoteRequest;
    std::uint32_t from = 0;
    std::uint32_t to = 0;
    std::uint64_t term = 0;
    // RequestVoteRequest
    std::uint64_t last_log_term = 0;
    std::uint64_t last_log_index = 0;
    // RequestVoteResponse
    bool vote_granted = false;
    // AppendEntriesRequest
    std::uint64_t prev_log_index = 0;
    std::uint64_t prev_log_term = 0;
    std::vector<Entry> entries;
    std::uint64_t commit_index = 0;
    // AppendEntriesResponse: on success the match index; on rejection the fast-backup hints
    // XLen (the follower's last index), XTerm (its term at prevLogIndex, 0 if none) and
    // XIndex (its first index of XTerm, 0 if none).
    bool success = false;
    std::uint64_t match_index = 0;
    std::uint64_t x_len = 0;
    std::uint64_t x_term = 0;
    std::uint64_t x_index = 0;
    // InstallSnapshotRequest: the snapshot's last index and term; its data (the log up to
    // there) is `entries`, unseen (kUnknownEntries) when the trace omits it.
    // InstallSnapshotResponse: match_index, the snapshot's last index.
    std::uint64_t last_included_index = 0;
    std::uint64_t last_included_term = 0;
    // AppendEntries request or response: an etcd heartbeat (see spec::unbounded::Options).
    bool heartbeat = false;
    // Fields the recorder did not see (bits of Unknown): a message read from another
    // system's trace may show less than this format can say. The NDJSON parser sets only
    // kUnknownEntries, for an InstallSnapshotRequest without its data.
    std::uint8_t unknown = 0;
    std::uint64_t entry_count = 0;  // with kEntryTerms: how many entries, their terms unseen
    bool operator==(const Message&) const = default;
};

enum Unknown : std::uint8_t {
    kUnknownLastLogTerm = 1,  // RequestVoteRequest
    kUnknownPrevLogTerm = 2,  // AppendEntriesRequest
    kUnknownEntries = 4,      // AppendEntriesRequest: only entry_count is known; InstallSnapshotRequest: no data
    kUnknownMatchIndex = 8,   // AppendEntriesResponse
};

// What the recorder saw of the node after the action. Absent: not recorded.
struct Observed {
    std::optional<std::uint64_t> term;
    std::optional<Role> role;
    std::optional<std::optional<std::uint32_t>> voted_for;  // engaged but empty: null (no vote)
    std::optional<std::uint64_t> commit_index;
    std::optional<std::uint64_t> log_length;
    std::optional<std::uint64_t> last_log_term;
    std::optional<std::vector<Entry>> log;  // the whole log
    std::optional<std::uint64_t> snapshot_index;  // the last index its snapshot covers
    bool operator==(const Observed&) const = default;
};

struct Event {
    std::uint64_t line = 0;  // 1-based line in its file (0: not from a file)
    FileName file;
    ActionKind action = ActionKind::kInit;
    std::uint32_t node = 0;  // the acting node (the receiver, for a received message); 0 for Init
    std::optional<std::uint64_t> clock;  // timestamp or Lamport clock; orders merged files
    // Init: the cluster size.
    std::uint32_t servers = 0;
    // RequestVote / AppendEntries without a message: the destination.
    std::optional<std::uint32_t> peer;
    // ClientRequest: the value appended.
    std::optional<std::string> value;
    // CompactLog: the index the snapshot covers from now on (the new snapshotIndex).
    std::optional<std::uint64_t> index;
    // The message sent (RequestVote, AppendEntries), received (Handle*, UpdateTerm,
    // DropStaleResponse), duplicated or dropped.
    std::optional<Message> message;
    // Handle* actions that reply: the reply sent.
    std::optional<Message> reply;
    // Init: the first configuration's voters, if not every node (the others start empty,
    // at term 0, knowing no voters); ChangeConfig: the node's voters from now on.
    std::vector<std::uint32_t> voters;
    Observed observed;
    bool operator==(const Event&) const = default;
};

std::string action_name(ActionKind k);
// The action named `name`, if it is one.
std::optional<ActionKind> action_named(const std::string& name);
std::string to_string(Role r);
std::string to_string(MsgType t);

}  // namespace traces
