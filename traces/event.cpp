// Names of actions, roles and message types: the spellings of traces/FORMAT.md, which are the
// spec's (spec/actions.hpp) and the TLA+ module's.

#include "traces/event.hpp"

#include <array>
#include <mutex>
#include <ostream>
#include <set>
#include <string_view>

#include "traces/event_names.hpp"

namespace traces {
namespace {

// Indexed by the enums' values, so that the name of a kind is one array access.
constexpr std::array<std::string_view, kActionKinds> kActionNames = {
    "Init",
    "Restart",
    "Timeout",
    "RequestVote",
    "BecomeLeader",
    "ClientRequest",
    "AdvanceCommitIndex",
    "AppendEntries",
    "CompactLog",
    "InstallSnapshot",
    "UpdateTerm",
    "HandleRequestVoteRequest",
    "HandleRequestVoteResponse",
    "DropStaleResponse",
    "HandleAppendEntriesRequest",
    "HandleAppendEntriesResponse",
    "HandleInstallSnapshotRequest",
    "HandleInstallSnapshotResponse",
    "DuplicateMessage",
    "DropMessage",
    "Observe",
    "ChangeConfig",
};
static_assert(static_cast<int>(ActionKind::kChangeConfig) + 1 == kActionKinds);

constexpr std::array<std::string_view, 3> kRoleNames = {"Follower", "Candidate", "Leader"};
static_assert(static_cast<int>(Role::kLeader) == 2);

constexpr std::array<std::string_view, 6> kMsgTypeNames = {
    "RequestVoteRequest",
    "RequestVoteResponse",
    "AppendEntriesRequest",
    "AppendEntriesResponse",
    "InstallSnapshotRequest",
    "InstallSnapshotResponse",
};
static_assert(static_cast<int>(MsgType::kInstallSnapshotResponse) == 5);

template <typename Enum, std::size_t N>
std::string_view name_in(const std::array<std::string_view, N>& names, Enum value) {
    const auto i = static_cast<std::size_t>(value);
    return i < N ? names[i] : std::string_view("?");
}

template <typename Enum, std::size_t N>
std::optional<Enum> find_in(const std::array<std::string_view, N>& names, std::string_view name) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == name) return static_cast<Enum>(i);
    }
    return std::nullopt;
}

}  // namespace

std::string_view action_name_view(ActionKind k) { return name_in(kActionNames, k); }
std::optional<ActionKind> find_action(std::string_view name) { return find_in<ActionKind>(kActionNames, name); }
std::string_view role_name_view(Role r) { return name_in(kRoleNames, r); }
std::optional<Role> find_role(std::string_view name) { return find_in<Role>(kRoleNames, name); }
std::string_view msg_type_name_view(MsgType t) { return name_in(kMsgTypeNames, t); }
std::optional<MsgType> find_msg_type(std::string_view name) { return find_in<MsgType>(kMsgTypeNames, name); }

FileName::FileName(const std::string& name) {
    // A node-based set keeps each name at one address for the life of the process; names are
    // few (the files of a run), so the table never needs to shrink.
    static std::mutex mu;
    static std::set<std::string> names;
    std::lock_guard lock(mu);
    name_ = &*names.insert(name).first;
}

const std::string& FileName::str() const {
    static const std::string empty;
    return name_ ? *name_ : empty;
}

std::ostream& operator<<(std::ostream& os, const FileName& f) { return os << f.str(); }

std::string action_name(ActionKind k) { return std::string(action_name_view(k)); }
std::optional<ActionKind> action_named(const std::string& name) { return find_action(name); }
std::string to_string(Role r) { return std::string(role_name_view(r)); }
std::string to_string(MsgType t) { return std::string(msg_type_name_view(t)); }

}  // namespace traces
