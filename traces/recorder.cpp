#include "traces/recorder.hpp"

#include <variant>
#include <vector>

namespace traces {
namespace {

std::string value_of(const raft::Entry& e) { return e.kind == raft::EntryKind::kNoop ? "noop" : e.command; }

bool is_append_request(const raft::Message& m) { return std::holds_alternative<raft::AppendEntries>(m.body); }
bool is_snapshot_request(const raft::Message& m) { return std::holds_alternative<raft::InstallSnapshot>(m.body); }
// What a leader sends to bring followers up to date: AppendEntries, or InstallSnapshot where
// the entry before nextIndex is compacted.
bool is_leader_send(const raft::Message& m) { return is_append_request(m) || is_snapshot_request(m); }
bool is_vote_request(const raft::Message& m) { return std::holds_alternative<raft::RequestVote>(m.body); }

}  // namespace

Role to_trace(raft::Role r) {
    switch (r) {
        case raft::Role::kFollower: return Role::kFollower;
        case raft::Role::kCandidate: return Role::kCandidate;
        case raft::Role::kLeader: return Role::kLeader;
    }
    return Role::kFollower;
}

Message to_trace(const raft::Message& m) {
    Message t;
    t.from = m.from.value + 1;
    t.to = m.to.value + 1;
    t.term = m.term.value;
    std::visit(
        [&](const auto& body) {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, raft::RequestVote>) {
                t.type = MsgType::kRequestVoteRequest;
                t.last_log_term = body.last_log_term.value;
                t.last_log_index = body.last_log_index.value;
            } else if constexpr (std::is_same_v<T, raft::RequestVoteReply>) {
                t.type = MsgType::kRequestVoteResponse;
                t.vote_granted = body.vote_granted;
            } else if constexpr (std::is_same_v<T, raft::AppendEntries>) {
                t.type = MsgType::kAppendEntriesRequest;
                t.prev_log_index = body.prev_log_index.value;
                t.prev_log_term = body.prev_log_term.value;
                t.commit_index = body.leader_commit.value;
                t.entries.reserve(body.entries.size());
                for (const raft::Entry& e : body.entries) t.entries.push_back({e.term.value, value_of(e)});
            } else if constexpr (std::is_same_v<T, raft::InstallSnapshot>) {
                t.type = MsgType::kInstallSnapshotRequest;
                t.last_included_index = body.last_included_index.value;
                t.last_included_term = body.last_included_term.value;
                // The spec's data is the log up to lastIncludedIndex; the implementation's is
                // the service's state. Left unseen: the index and term identify the prefix.
                t.unknown = kUnknownEntries;
            } else if constexpr (std::is_same_v<T, raft::InstallSnapshotReply>) {
                t.type = MsgType::kInstallSnapshotResponse;
                t.match_index = body.last_included_index.value;
            } else {
                t.type = MsgType::kAppendEntriesResponse;
                t.success = body.success;
                if (body.success) {
                    t.match_index = body.match_index.value;
                } else {
                    t.x_len = body.log_length.value;
                    t.x_term = body.conflict_term.value;
                    t.x_index = body.conflict_index.value;
                }
            }
        },
        m.body);
    return t;
}

Recorder::Recorder(Sink sink, RecorderOptions options) : sink_(std::move(sink)), options_(options) {}

Event Recorder::event(ActionKind action, std::uint32_t node) {
    Event e;
    e.action = action;
    e.node = node + 1;
    return e;
}

void Recorder::emit(Event& e) {
    e.clock = ++clock_;
    sink_(e);
}


void Recorder::observe(Event& e, const raft::NodeState& s) const {
    Observed& o = e.observed;
    o.term = s.current_term.value;
    o.role = to_trace(s.role);
    o.voted_for = s.voted_for ? std::optional<std::uint32_t>(s.voted_for->value + 1) : std::nullopt;
    o.commit_index = s.commit_index.value;
    o.log_length = s.log.last_index().value;
    o.last_log_term = s.log.last_term().value;
    // Only once there is one: absent is unchecked, and most traces have no snapshot.
    if (s.snapshot.last_included_index > raft::LogIndex{}) o.snapshot_index = s.snapshot.last_included_index.value;
    // The whole log, while nothing is compacted: the compacted entries' values are inside the
    // service's snapshot, where the recorder cannot read them.
    if (options_.full_log && s.snapshot.last_included_index == raft::LogIndex{}) {
        std::vector<Entry> log;
        for (raft::LogIndex k{1}; k <= s.log.last_index(); k = k.next()) {
            const raft::Entry& x = s.log.at(k);
            log.push_back({x.term.value, value_of(x)});
        }
        o.log = std::move(log);
    }
}

void Recorder::step(const raft::NodeState& before, const raft::Input& input, const raft::StepResult& result) {
    const raft::NodeState& after = result.state;
    const raft::Outputs& out = result.outputs;
    const std::uint32_t i = after.config.id.value;
    if (clock_ == 0) {
        Event init;
        init.action = ActionKind::kInit;
        init.servers = after.config.cluster_size;
        init.observed.term = raft::initial_state(after.config).current_term.value;  // 0 here, 1 in raft.tla
        emit(init);
    }
    std::vector<Event> group;
    // The sends of this step that the spec makes separate actions of.
    auto send_events = [&](bool (*wanted)(const raft::Message&), ActionKind kind) {
        for (const raft::Message& m : out.messages) {
            if (!wanted(m)) continue;
            Event e = event(kind, i);
            e.message = to_trace(m);
            group.push_back(std::move(e));
        }
    };
    auto leader_sends = [&] {
        for (const raft::Message& m : out.messages) {
            if (!is_leader_send(m)) continue;
            Event e = event(is_snapshot_request(m) ? ActionKind::kInstallSnapshot : ActionKind::kAppendEntries, i);
            e.message = to_trace(m);
            group.push_back(std::move(e));
        }
    };
    auto commit_moved = [&](raft::LogIndex from) {
        if (after.commit_index != from) group.push_back(event(ActionKind::kAdvanceCommitIndex, i));
    };
    auto became_leader = [&](raft::LogIndex commit_before) {
        group.push_back(event(ActionKind::kBecomeLeader, i));
        if (after.config.noop_on_election) {
            Event e = event(ActionKind::kClientRequest, i);
            e.value = "noop";
            group.push_back(std::move(e));
        }
        leader_sends();
        commit_moved(commit_before);
    };
    auto reply = [&]() -> std::optional<Message> {
        if (out.messages.empty()) return std::nullopt;
        return to_trace(out.messages.front());
    };

    if (const auto* c = std::get_if<raft::CompactLog>(&input)) {
        if (out.refused) return;  // the node took no snapshot: no step
        Event e = event(ActionKind::kCompactLog, i);
        e.index = c->index.value;
        group.push_back(std::move(e));
    } else if (std::holds_alternative<raft::Restart>(input)) {
        // From a snapshot or not: the spec's Restart restores commitIndex from snapshotIndex.
        group.push_back(event(ActionKind::kRestart, i));
    } else if (std::holds_alternative<raft::ElectionTimeout>(input)) {
        if (before.role == raft::Role::kLeader) return;
        group.push_back(event(ActionKind::kTimeout, i));
        // The vote for itself, by message, as the spec casts it.
        Message own;
        own.type = MsgType::kRequestVoteRequest;
        own.from = own.to = i + 1;
        own.term = after.current_term.value;
        own.last_log_term = after.log.last_term().value;
        own.last_log_index = after.log.last_index().value;
        Message granted;
        granted.type = MsgType::kRequestVoteResponse;
        granted.from = granted.to = i + 1;
        granted.term = own.term;
        granted.vote_granted = true;
        Event ask = event(ActionKind::kRequestVote, i);
        ask.message = own;
        Event vote = event(ActionKind::kHandleRequestVoteRequest, i);
        vote.message = own;
        vote.reply = granted;
        Event tally = event(ActionKind::kHandleRequestVoteResponse, i);
        tally.message = granted;
        group.push_back(std::move(ask));
        group.push_back(std::move(vote));
        group.push_back(std::move(tally));
        if (after.role == raft::Role::kLeader) {
            became_leader(before.commit_index);
        } else {
            send_events(is_vote_request, ActionKind::kRequestVote);
        }
    } else if (std::holds_alternative<raft::HeartbeatTimeout>(input)) {
        leader_sends();
    } else if (const auto* p = std::get_if<raft::Propose>(&input)) {
        if (!out.proposal_index) return;
        Event e = event(ActionKind::kClientRequest, i);
        e.value = p->command;
        group.push_back(std::move(e));
        leader_sends();
        commit_moved(before.commit_index);
    } else {
        const raft::Message& m = std::get<raft::Message>(input);
        if (out.alarm) return;  // refused outright: the implementation took no step
        const Message received = to_trace(m);
        raft::Term term = before.current_term;
        raft::Role role = before.role;
        if (m.term > term) {
            Event e = event(ActionKind::kUpdateTerm, i);
            e.message = received;
            group.push_back(std::move(e));
            term = m.term;
            role = raft::Role::kFollower;
        }
        auto handle = [&](ActionKind kind, std::optional<Message> r) {
            Event e = event(kind, i);
            e.message = received;
            e.reply = std::move(r);
            group.push_back(std::move(e));
        };
        const bool request = raft::is_request(m);
        if (m.term < term && !request) {
            handle(ActionKind::kDropStaleResponse, std::nullopt);
        } else if (is_vote_request(m)) {
            handle(ActionKind::kHandleRequestVoteRequest, reply());
        } else if (is_append_request(m) || is_snapshot_request(m)) {
            const ActionKind kind =
                is_append_request(m) ? ActionKind::kHandleAppendEntriesRequest : ActionKind::kHandleInstallSnapshotRequest;
            // A candidate first returns to follower (the message stays), then handles it.
            if (m.term == term && role == raft::Role::kCandidate) handle(kind, std::nullopt);
            handle(kind, reply());
        } else if (std::holds_alternative<raft::InstallSnapshotReply>(m.body)) {
            handle(ActionKind::kHandleInstallSnapshotResponse, std::nullopt);
            commit_moved(before.commit_index);
            leader_sends();
        } else if (std::holds_alternative<raft::RequestVoteReply>(m.body)) {
            handle(ActionKind::kHandleRequestVoteResponse, std::nullopt);
            if (role != raft::Role::kLeader && after.role == raft::Role::kLeader) became_leader(before.commit_index);
        } else {
            handle(ActionKind::kHandleAppendEntriesResponse, std::nullopt);
            commit_moved(before.commit_index);
            leader_sends();
        }
    }
    if (group.empty()) return;
    observe(group.back(), after);
    for (Event& e : group) emit(e);
}

void Recorder::dropped(const raft::Message& m) {
    Event e = event(ActionKind::kDropMessage, m.to.value);
    e.message = to_trace(m);
    emit(e);
}

}  // namespace traces
