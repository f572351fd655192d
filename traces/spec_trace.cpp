#include "traces/spec_trace.hpp"

namespace traces {
namespace {

std::vector<Entry> entries_of(const spec::Log& log) {
    std::vector<Entry> out;
    for (std::uint32_t k = 1; k <= log.len(); ++k) out.push_back({log.term(k), "v" + std::to_string(log.value(k))});
    return out;
}

Role role_of(spec::Role r) {
    switch (r) {
        case spec::Role::kFollower: return Role::kFollower;
        case spec::Role::kCandidate: return Role::kCandidate;
        case spec::Role::kLeader: return Role::kLeader;
    }
    return Role::kFollower;
}

ActionKind kind_of(spec::ActionKind k) {
    switch (k) {
        case spec::ActionKind::kRestart: return ActionKind::kRestart;
        case spec::ActionKind::kTimeout: return ActionKind::kTimeout;
        case spec::ActionKind::kRequestVote: return ActionKind::kRequestVote;
        case spec::ActionKind::kBecomeLeader: return ActionKind::kBecomeLeader;
        case spec::ActionKind::kClientRequest: return ActionKind::kClientRequest;
        case spec::ActionKind::kAdvanceCommitIndex: return ActionKind::kAdvanceCommitIndex;
        case spec::ActionKind::kAppendEntries: return ActionKind::kAppendEntries;
        case spec::ActionKind::kUpdateTerm: return ActionKind::kUpdateTerm;
        case spec::ActionKind::kHandleRequestVoteRequest: return ActionKind::kHandleRequestVoteRequest;
        case spec::ActionKind::kHandleRequestVoteResponse: return ActionKind::kHandleRequestVoteResponse;
        case spec::ActionKind::kDropStaleResponse: return ActionKind::kDropStaleResponse;
        case spec::ActionKind::kHandleAppendEntriesRequest: return ActionKind::kHandleAppendEntriesRequest;
        case spec::ActionKind::kHandleAppendEntriesResponse: return ActionKind::kHandleAppendEntriesResponse;
        case spec::ActionKind::kDuplicateMessage: return ActionKind::kDuplicateMessage;
        case spec::ActionKind::kDropMessage: return ActionKind::kDropMessage;
        case spec::ActionKind::kChangeConfig: return ActionKind::kChangeConfig;
        case spec::ActionKind::kCompactLog: return ActionKind::kCompactLog;
        case spec::ActionKind::kInstallSnapshot: return ActionKind::kInstallSnapshot;
        case spec::ActionKind::kHandleInstallSnapshotRequest: return ActionKind::kHandleInstallSnapshotRequest;
        case spec::ActionKind::kHandleInstallSnapshotResponse: return ActionKind::kHandleInstallSnapshotResponse;
    }
    return ActionKind::kObserve;
}

// The message the step added to the bag, if any: the one whose count grew.
std::optional<spec::Message> sent_by(const spec::State& before, const spec::State& after) {
    for (const spec::BagItem& b : after.messages) {
        std::uint8_t was = 0;
        for (const spec::BagItem& a : before.messages) {
            if (a.m == b.m) was = a.count;
        }
        if (b.count > was) return b.m;
    }
    return std::nullopt;
}

}  // namespace

Message trace_message(const spec::Message& m) {
    Message out;
    out.from = m.source + 1u;
    out.to = m.dest + 1u;
    out.term = m.term;
    switch (m.type) {
        case spec::MsgType::kRequestVoteRequest:
            out.type = MsgType::kRequestVoteRequest;
            out.last_log_term = m.last_log_term();
            out.last_log_index = m.last_log_index();
            break;
        case spec::MsgType::kRequestVoteResponse:
            out.type = MsgType::kRequestVoteResponse;
            out.vote_granted = m.vote_granted();
            break;
        case spec::MsgType::kAppendEntriesRequest:
            out.type = MsgType::kAppendEntriesRequest;
            out.prev_log_index = m.prev_log_index();
            out.prev_log_term = m.prev_log_term();
            out.entries = entries_of(m.entries);
            out.commit_index = m.commit_index();
            break;
        case spec::MsgType::kAppendEntriesResponse:
            out.type = MsgType::kAppendEntriesResponse;
            out.success = m.success();
            if (out.success) {
                out.match_index = m.match_index();
            } else {
                out.x_len = m.x_len();
                out.x_term = m.x_term();
                out.x_index = m.x_index();
            }
            break;
        case spec::MsgType::kInstallSnapshotRequest:
            out.type = MsgType::kInstallSnapshotRequest;
            out.last_included_index = m.last_included_index();
            out.last_included_term = m.last_included_term();
            out.entries = entries_of(m.entries);
            break;
        case spec::MsgType::kInstallSnapshotResponse:
            out.type = MsgType::kInstallSnapshotResponse;
            out.match_index = m.match_index();
            break;
    }
    return out;
}

Event init_event(const spec::Params& p) {
    Event e;
    e.action = ActionKind::kInit;
    e.servers = p.servers;
    return e;
}

Event step_event(const spec::State& before, const spec::Action& a, const spec::State& after, const spec::Params& p) {
    Event e;
    e.action = kind_of(a.kind);
    e.node = a.i + 1u;
    const std::optional<spec::Message> sent = sent_by(before, after);
    switch (a.kind) {
        case spec::ActionKind::kRequestVote:
        case spec::ActionKind::kAppendEntries:
        case spec::ActionKind::kInstallSnapshot:
            if (sent) e.message = trace_message(*sent);
            e.peer = a.j + 1u;
            break;
        case spec::ActionKind::kClientRequest:
            e.value = "v" + std::to_string(a.v);
            break;
        case spec::ActionKind::kCompactLog:
            e.index = a.v;
            break;
        case spec::ActionKind::kHandleRequestVoteRequest:
        case spec::ActionKind::kHandleAppendEntriesRequest:
        case spec::ActionKind::kHandleInstallSnapshotRequest:
            e.message = trace_message(a.m);
            if (sent) e.reply = trace_message(*sent);
            break;
        case spec::ActionKind::kUpdateTerm:
        case spec::ActionKind::kHandleRequestVoteResponse:
        case spec::ActionKind::kDropStaleResponse:
        case spec::ActionKind::kHandleAppendEntriesResponse:
        case spec::ActionKind::kHandleInstallSnapshotResponse:
        case spec::ActionKind::kDuplicateMessage:
        case spec::ActionKind::kDropMessage:
            e.message = trace_message(a.m);
            break;
        default:
            break;
    }
    const spec::Server& v = after.servers[a.i];
    e.observed.term = v.current_term;
    e.observed.role = role_of(v.role);
    e.observed.voted_for = v.voted_for == spec::kNil ? std::optional<std::uint32_t>() : std::optional<std::uint32_t>(v.voted_for + 1u);
    e.observed.commit_index = v.commit_index;
    if (p.max_snapshots > 0) e.observed.snapshot_index = v.snapshot_index;
    e.observed.log_length = v.log.len();
    e.observed.last_log_term = v.log.last_term();
    e.observed.log = entries_of(v.log);
    return e;
}

}  // namespace traces
