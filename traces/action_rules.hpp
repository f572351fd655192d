#pragma once
// Which fields of a trace line each action needs or allows, and which messages it carries:
// the table that both the parser (to reject a line) and the writer (to skip what does not
// apply) follow. traces/FORMAT.md states the same rules for people.

#include <cstdint>
#include <string_view>

#include "traces/event.hpp"

namespace traces {

// The top-level fields of a line, as bits.
enum class Field : std::uint8_t { kClock, kNode, kAction, kMsg, kReply, kPeer, kValue, kServers, kState, kConfig, kIndex };
inline constexpr int kFields = 11;
using FieldSet = std::uint16_t;
constexpr FieldSet bit(Field f) { return static_cast<FieldSet>(1u << static_cast<unsigned>(f)); }

inline constexpr std::string_view kFieldNames[kFields] = {
    "clock", "node", "action", "msg", "reply", "peer", "value", "servers", "state", "config", "index",
};

using MsgTypeSet = std::uint8_t;
constexpr MsgTypeSet bit(MsgType t) { return static_cast<MsgTypeSet>(1u << static_cast<unsigned>(t)); }
inline constexpr MsgTypeSet kAnyMsgType = 0x3F;

struct ActionRule {
    FieldSet allowed = 0;
    FieldSet required = 0;
    MsgTypeSet msg_types = 0;  // the types `msg` may have, where allowed
    // true: `msg` is sent by `node` (msg.from == node); false: received (msg.to == node).
    bool sends = false;
    MsgType reply_type = MsgType::kRequestVoteResponse;  // where `reply` is allowed
};

constexpr ActionRule rule_of(ActionKind k) {
    constexpr FieldSet kBase = bit(Field::kClock) | bit(Field::kAction);
    constexpr FieldSet kNodeAction = kBase | bit(Field::kNode) | bit(Field::kState);
    constexpr FieldSet kNeeds = bit(Field::kAction) | bit(Field::kNode);
    constexpr FieldSet kReceive = kNodeAction | bit(Field::kMsg);
    constexpr FieldSet kNeedsMsg = kNeeds | bit(Field::kMsg);
    constexpr FieldSet kSend = kNodeAction | bit(Field::kMsg) | bit(Field::kPeer);
    constexpr MsgTypeSet kResponses =
        bit(MsgType::kRequestVoteResponse) | bit(MsgType::kAppendEntriesResponse) | bit(MsgType::kInstallSnapshotResponse);
    switch (k) {
        case ActionKind::kInit:
            // Init's state: what every node starts with (an implementation may start at term 0
            // where raft.tla starts at 1).
            return {kBase | bit(Field::kServers) | bit(Field::kState) | bit(Field::kConfig), bit(Field::kAction) | bit(Field::kServers)};
        case ActionKind::kChangeConfig:
            return {kNodeAction | bit(Field::kConfig), kNeeds | bit(Field::kConfig)};
        case ActionKind::kRestart:
        case ActionKind::kTimeout:
        case ActionKind::kBecomeLeader:
        case ActionKind::kAdvanceCommitIndex:
        case ActionKind::kObserve:
            return {kNodeAction, kNeeds};
        case ActionKind::kClientRequest:
            return {kNodeAction | bit(Field::kValue), kNeeds};
        case ActionKind::kRequestVote:
            return {kSend, kNeeds, bit(MsgType::kRequestVoteRequest), true};
        case ActionKind::kAppendEntries:
            return {kSend, kNeeds, bit(MsgType::kAppendEntriesRequest), true};
        case ActionKind::kCompactLog:
            return {kNodeAction | bit(Field::kIndex), kNeeds | bit(Field::kIndex)};
        case ActionKind::kInstallSnapshot:
            return {kSend, kNeeds, bit(MsgType::kInstallSnapshotRequest), true};
        case ActionKind::kUpdateTerm:
        case ActionKind::kDuplicateMessage:
        case ActionKind::kDropMessage:
            return {kReceive, kNeedsMsg, kAnyMsgType};
        case ActionKind::kHandleRequestVoteRequest:
            return {kReceive | bit(Field::kReply), kNeedsMsg, bit(MsgType::kRequestVoteRequest), false,
                    MsgType::kRequestVoteResponse};
        case ActionKind::kHandleRequestVoteResponse:
            return {kReceive, kNeedsMsg, bit(MsgType::kRequestVoteResponse)};
        case ActionKind::kDropStaleResponse:
            return {kReceive, kNeedsMsg, kResponses};
        case ActionKind::kHandleAppendEntriesRequest:
            return {kReceive | bit(Field::kReply), kNeedsMsg, bit(MsgType::kAppendEntriesRequest), false,
                    MsgType::kAppendEntriesResponse};
        case ActionKind::kHandleAppendEntriesResponse:
            return {kReceive, kNeedsMsg, bit(MsgType::kAppendEntriesResponse)};
        case ActionKind::kHandleInstallSnapshotRequest:
            return {kReceive | bit(Field::kReply), kNeedsMsg, bit(MsgType::kInstallSnapshotRequest), false,
                    MsgType::kInstallSnapshotResponse};
        case ActionKind::kHandleInstallSnapshotResponse:
            return {kReceive, kNeedsMsg, bit(MsgType::kInstallSnapshotResponse)};
    }
    return {};
}

// The fields of a message, as bits.
enum class MsgField : std::uint8_t {
    kType,
    kFrom,
    kTo,
    kTerm,
    kLastLogTerm,
    kLastLogIndex,
    kVoteGranted,
    kPrevLogIndex,
    kPrevLogTerm,
    kEntries,
    kCommitIndex,
    kSuccess,
    kMatchIndex,
    kXLen,
    kXTerm,
    kXIndex,
    kLastIncludedIndex,
    kLastIncludedTerm,
    kData,
};
inline constexpr int kMsgFields = 19;
using MsgFieldSet = std::uint32_t;
constexpr MsgFieldSet bit(MsgField f) { return 1u << static_cast<unsigned>(f); }

inline constexpr std::string_view kMsgFieldNames[kMsgFields] = {
    "type",         "from",        "to",      "term",        "lastLogTerm", "lastLogIndex",
    "voteGranted",  "prevLogIndex", "prevLogTerm", "entries", "commitIndex", "success",
    "matchIndex",   "xLen",        "xTerm",   "xIndex",      "lastIncludedIndex", "lastIncludedTerm",
    "data",
};

// The fields a message of type `t` has: all required (but InstallSnapshotRequest's data, which
// a trace may omit: unseen), no others. For AppendEntriesResponse they depend on `success`.
constexpr MsgFieldSet msg_fields_of(MsgType t, bool success) {
    constexpr MsgFieldSet kHeader = bit(MsgField::kType) | bit(MsgField::kFrom) | bit(MsgField::kTo) | bit(MsgField::kTerm);
    switch (t) {
        case MsgType::kRequestVoteRequest:
            return kHeader | bit(MsgField::kLastLogTerm) | bit(MsgField::kLastLogIndex);
        case MsgType::kRequestVoteResponse:
            return kHeader | bit(MsgField::kVoteGranted);
        case MsgType::kAppendEntriesRequest:
            return kHeader | bit(MsgField::kPrevLogIndex) | bit(MsgField::kPrevLogTerm) | bit(MsgField::kEntries) |
                   bit(MsgField::kCommitIndex);
        case MsgType::kAppendEntriesResponse:
            return kHeader | bit(MsgField::kSuccess) |
                   (success ? bit(MsgField::kMatchIndex)
                            : bit(MsgField::kXLen) | bit(MsgField::kXTerm) | bit(MsgField::kXIndex));
        case MsgType::kInstallSnapshotRequest:
            return kHeader | bit(MsgField::kLastIncludedIndex) | bit(MsgField::kLastIncludedTerm) | bit(MsgField::kData);
        case MsgType::kInstallSnapshotResponse:
            return kHeader | bit(MsgField::kMatchIndex);
    }
    return kHeader;
}

// The variables of `state`, as bits.
enum class StateField : std::uint8_t { kTerm, kRole, kVotedFor, kCommitIndex, kLogLength, kLastLogTerm, kLog, kSnapshotIndex };
inline constexpr int kStateFields = 8;
inline constexpr std::string_view kStateFieldNames[kStateFields] = {
    "term", "role", "votedFor", "commitIndex", "logLength", "lastLogTerm", "log", "snapshotIndex",
};

}  // namespace traces
