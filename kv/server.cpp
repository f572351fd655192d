#include "kv/server.hpp"

#include "kv/snapshot.hpp"

namespace kv {

Server::Server(ApplyFn apply, std::int64_t maxraftstate) : apply_(std::move(apply)), maxraftstate_(maxraftstate) {
    RAFT_ASSERT(maxraftstate_ >= -1, "maxraftstate is a size in bytes, or -1 for never");
    if (!apply_) apply_ = [](StateMachine& sm, const Op& op) { return sm.apply(op); };
}

Reply Server::reply_to(const Request& request, Err err, std::string value) {
    return Reply{request.op.client, request.op.seq, request.attempt, err, std::move(value)};
}

std::optional<Reply> Server::proposed(const Request& request, std::optional<raft::LogIndex> index, raft::Term term) {
    if (!index) return reply_to(request, Err::kWrongLeader);
    // A leader appends past everything committed, and so past everything applied.
    RAFT_ASSERT(*index > last_applied_, "a proposal lands beyond the applied prefix");
    for (const auto& [i, p] : pending_) RAFT_ASSERT(p.term == term, "pending requests are all of the leader's term");
    const bool fresh = pending_.emplace(*index, Pending{request, term}).second;
    RAFT_ASSERT(fresh, "a leader hands out each index once per term");
    return std::nullopt;
}

std::vector<Reply> Server::applied(const raft::Applied& a) {
    RAFT_ASSERT(a.index == last_applied_.next(), "entries are applied in log order, without gaps");
    last_applied_ = a.index;
    std::optional<Op> op;
    std::optional<std::string> result;
    if (a.entry.kind == raft::EntryKind::kCommand) {
        op = decode(a.entry.command);
        // Only servers propose, and they propose only what encode() produced.
        RAFT_ASSERT(op.has_value(), "every command in the log is an encoded Op");
        result = apply_(state_machine_, *op);
    }
    std::vector<Reply> replies;
    const auto it = pending_.find(a.index);
    if (it == pending_.end()) return replies;
    const Request& req = it->second.request;
    const bool same = op && op->client == req.op.client && op->seq == req.op.seq;
    if (!same) {
        replies.push_back(reply_to(req, Err::kWrongLeader));
    } else if (result) {
        replies.push_back(reply_to(req, Err::kOk, *result));
    }
    // (same op but no result: the clerk has finished this operation already; nobody waits.)
    pending_.erase(it);
    RAFT_ASSERT(pending_.empty() || pending_.begin()->first > last_applied_, "nothing pending at or below the applied index");
    return replies;
}

std::vector<Reply> Server::install_snapshot(const raft::Snapshot& snapshot) {
    RAFT_ASSERT(snapshot.last_included_index > last_applied_, "a snapshot handed up moves the service forward");
    std::optional<StateMachine> state = decode_snapshot(snapshot.data);
    RAFT_ASSERT(state.has_value(), "every snapshot in raft's storage is an encoded state machine");
    state_machine_ = std::move(*state);
    last_applied_ = snapshot.last_included_index;
    snapshot_index_ = snapshot.last_included_index;
    std::vector<Reply> replies;
    while (!pending_.empty() && pending_.begin()->first <= last_applied_) {
        replies.push_back(reply_to(pending_.begin()->second.request, Err::kWrongLeader));
        pending_.erase(pending_.begin());
    }
    return replies;
}

std::optional<raft::CompactLog> Server::compaction(std::size_t raft_state_bytes) {
    if (maxraftstate_ < 0 || raft_state_bytes <= static_cast<std::size_t>(maxraftstate_)) return std::nullopt;
    // Nothing applied since the last snapshot: compacting again would not shrink the log (what
    // is left is not applied yet), and raft refuses an index not past its snapshot.
    if (last_applied_ <= snapshot_index_) return std::nullopt;
    snapshot_index_ = last_applied_;
    return raft::CompactLog{last_applied_, encode_snapshot(state_machine_)};
}

std::vector<Reply> Server::raft_status(raft::Term term, bool leader) {
    std::vector<Reply> replies;
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (leader && it->second.term == term) {
            ++it;
            continue;
        }
        replies.push_back(reply_to(it->second.request, Err::kWrongLeader));
        it = pending_.erase(it);
    }
    return replies;
}

}  // namespace kv
