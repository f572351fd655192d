#include "traces/etcd_translator.hpp"

#include <algorithm>

#include "traces/ndjson.hpp"

namespace traces {
namespace {

std::string set_of(const std::vector<std::uint64_t>& ids) {
    std::string out = "{";
    for (std::size_t k = 0; k < ids.size(); ++k) out += (k ? ", " : "") + std::to_string(ids[k]);
    return out + "}";
}

bool is_bootstrap(const std::string& name) {
    return name == "InitState" || name == "ApplyConfChange" || name == "BecomeFollower" || name == "Ready";
}

bool is_response(MsgType t) { return t == MsgType::kRequestVoteResponse || t == MsgType::kAppendEntriesResponse; }

bool is_self(const EtcdEvent& e) { return e.msg && e.msg->from == e.nid && e.msg->to == e.nid; }

}  // namespace

EtcdTranslator::EtcdTranslator(std::string file, std::vector<std::uint64_t> nodes) : file_(std::move(file)) {
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
    for (std::size_t k = 0; k < nodes.size(); ++k) index_[nodes[k]] = static_cast<std::uint32_t>(k + 1);
}

std::uint32_t EtcdTranslator::index_of(std::uint64_t nid) const {
    auto it = index_.find(nid);
    return it == index_.end() ? 0 : it->second;
}

bool EtcdTranslator::stop(const EtcdEvent& e, std::string why) {
    beyond_ = file_ + ":" + std::to_string(e.line) + ": " + e.name + " at node " + std::to_string(e.nid) + ": " + std::move(why);
    return false;
}

Observed EtcdTranslator::observed_of(const EtcdEvent& e) const {
    Observed o;
    o.term = e.term;
    if (e.role == "StateFollower") {
        o.role = Role::kFollower;
    } else if (e.role == "StateCandidate") {
        o.role = Role::kCandidate;
    } else if (e.role == "StateLeader") {
        o.role = Role::kLeader;
    }
    if (e.vote == 0) {
        o.voted_for = std::optional<std::uint32_t>();
    } else if (const std::uint32_t v = index_of(e.vote); v != 0) {
        o.voted_for = std::optional<std::uint32_t>(v);
    }
    o.commit_index = e.commit;
    o.log_length = e.log;
    return o;
}

Event EtcdTranslator::event(ActionKind kind, const EtcdEvent& e) const {
    Event ev;
    ev.line = e.line;
    ev.file = file_name_;
    ev.action = kind;
    ev.node = index_of(e.nid);
    ev.observed = observed_of(e);
    return ev;
}

std::optional<Message> EtcdTranslator::message_of(const EtcdMessage& m, const EtcdEvent& e) {
    Message out;
    out.from = index_of(m.from);
    out.to = index_of(m.to);
    if (out.from == 0 || out.to == 0) {
        stop(e, "a message between " + std::to_string(m.from) + " and " + std::to_string(m.to) + ", a node the first pass did not find");
        return std::nullopt;
    }
    out.term = m.term;
    if (m.type == "MsgVote") {
        out.type = MsgType::kRequestVoteRequest;
        out.last_log_term = m.log_term;
        out.last_log_index = m.index;
    } else if (m.type == "MsgVoteResp") {
        out.type = MsgType::kRequestVoteResponse;
        out.vote_granted = !m.reject;
    } else if (m.type == "MsgApp") {
        out.type = MsgType::kAppendEntriesRequest;
        out.prev_log_index = m.index;
        out.prev_log_term = m.log_term;
        out.commit_index = m.commit;
        out.unknown = kUnknownEntries;
        out.entry_count = m.entries;
    } else if (m.type == "MsgHeartbeat") {
        // A heartbeat vouches for the follower's log up to the commit index it carries.
        out.type = MsgType::kAppendEntriesRequest;
        out.heartbeat = true;
        out.prev_log_index = m.commit;
        out.commit_index = m.commit;
        out.unknown = kUnknownPrevLogTerm;
    } else if (m.type == "MsgAppResp") {
        out.type = MsgType::kAppendEntriesResponse;
        out.success = !m.reject;
        if (m.reject) {
            out.x_len = m.index;  // the rejected prevLogIndex, then etcd's hint
            out.x_index = m.reject_hint;
            out.x_term = m.log_term;
        } else {
            out.match_index = m.index;
        }
    } else if (m.type == "MsgHeartbeatResp") {
        out.type = MsgType::kAppendEntriesResponse;
        out.heartbeat = true;
        out.success = true;  // and no index: the spec's heartbeat answers carry matchIndex 0
    } else {
        stop(e, "message type " + m.type + " has no action in the spec (pre-vote, snapshots, read index and leader transfer are beyond it)");
        return std::nullopt;
    }
    return out;
}

bool EtcdTranslator::start(const EtcdEvent& first, std::vector<Event>& out) {
    started_ = true;
    voters_ = first.voters;
    std::sort(voters_.begin(), voters_.end());
    if (voters_.empty()) return stop(first, "no configuration: the event shows no voters");
    if (!first.outgoing_voters.empty()) return stop(first, "a joint configuration: membership changes are beyond the spec");
    if (index_.size() > 32) return stop(first, "more than 32 nodes");
    for (std::uint64_t v : voters_) {
        if (index_of(v) == 0) return stop(first, "voter " + std::to_string(v) + " never appears in the trace");
    }
    // The bootstrap: every voter must have started, all from the same state.
    const EtcdEvent* model = nullptr;
    for (std::uint64_t v : voters_) {
        const Node& n = nodes_[v];
        if (!n.seen) return stop(first, "node " + std::to_string(v) + " of the configuration " + set_of(voters_) + " logged no InitState");
        const EtcdEvent& s = n.last;
        if (s.vote != 0 || s.role != "StateFollower") return stop(first, "node " + std::to_string(v) + " did not start as a follower without a vote");
        if (model == nullptr) {
            model = &s;
        } else if (s.term != model->term || s.log != model->log || s.commit != model->commit) {
            return stop(first, "nodes " + std::to_string(model->nid) + " and " + std::to_string(v) +
                                   " start from different states (term, log, commit); the spec starts every node alike");
        }
    }
    Event init;
    init.line = model->line;
    init.file = file_name_;
    init.action = ActionKind::kInit;
    init.servers = static_cast<std::uint32_t>(index_.size());
    if (voters_.size() < index_.size()) {
        for (std::uint64_t v : voters_) init.voters.push_back(index_of(v));
    }
    init.observed.term = model->term;
    init.observed.commit_index = model->commit;
    init.observed.log_length = model->log;
    // etcd bootstraps its configuration as entries of the starting term.
    if (model->log > 0) init.observed.last_log_term = model->term;
    out.push_back(std::move(init));
    return true;
}

void EtcdTranslator::flush(Node& n, std::vector<Event>& out) {
    if (!n.pending) return;
    Pending p = std::move(*n.pending);
    n.pending.reset();
    ActionKind kind = ActionKind::kDropMessage;
    if (p.message.term < p.term_before) {
        // etcd ignores a message from an older term: to the spec, it was lost.
        kind = is_response(p.message.type) ? ActionKind::kDropStaleResponse : ActionKind::kDropMessage;
    } else {
        switch (p.message.type) {
            case MsgType::kRequestVoteRequest: kind = ActionKind::kHandleRequestVoteRequest; break;
            case MsgType::kRequestVoteResponse: kind = ActionKind::kHandleRequestVoteResponse; break;
            case MsgType::kAppendEntriesRequest: kind = ActionKind::kHandleAppendEntriesRequest; break;
            case MsgType::kAppendEntriesResponse: kind = ActionKind::kHandleAppendEntriesResponse; break;
            // etcd's MsgSnap is not translated (the reader never produces these).
            case MsgType::kInstallSnapshotRequest: kind = ActionKind::kHandleInstallSnapshotRequest; break;
            case MsgType::kInstallSnapshotResponse: kind = ActionKind::kHandleInstallSnapshotResponse; break;
        }
    }
    Event ev;
    ev.line = p.received.line;
    ev.file = file_name_;
    ev.action = kind;
    ev.node = index_of(p.received.nid);
    ev.message = std::move(p.message);
    out.push_back(std::move(ev));
}

void EtcdTranslator::finish(std::vector<Event>& out) {
    if (!beyond_.empty()) return;
    for (auto& [nid, n] : nodes_) flush(n, out);
}

bool EtcdTranslator::translate(const EtcdEvent& e, std::vector<Event>& out) {
    if (!beyond_.empty()) return false;
    Node& n = nodes_[e.nid];
    if (!started_) {
        if (is_bootstrap(e.name)) {
            n.seen = true;
            n.last = e;
            return true;
        }
        if (!start(e, out)) return false;
    }
    if (index_of(e.nid) == 0) return stop(e, "node " + std::to_string(e.nid) + " was not found by the first pass over the trace");
    if (e.role == "StatePreCandidate") return stop(e, "pre-vote is beyond the spec");
    if (e.role != "StateFollower" && e.role != "StateCandidate" && e.role != "StateLeader") {
        throw TraceError(file_, e.line, "role \"" + e.role + "\" is not one of etcd's (StateFollower, StateCandidate, StateLeader, StatePreCandidate)");
    }
    std::optional<Message> msg;
    if (e.msg) {
        msg = message_of(*e.msg, e);
        if (!msg) return false;
    }
    const std::string& name = e.name;
    const bool self = is_self(e);

    // A received message is handled at the node's next event: is this event that handling?
    if (n.pending) {
        Pending& p = *n.pending;
        if (name == "BecomeFollower") {
            if (p.message.term > p.term_before) {
                Event ev = event(ActionKind::kUpdateTerm, e);
                ev.line = e.line;
                ev.message = p.message;
                out.push_back(std::move(ev));
                p.term_before = e.term;
                return true;
            }
            if (p.message.type == MsgType::kAppendEntriesRequest && p.received.role == "StateCandidate" && p.message.term == e.term) {
                // A candidate hearing from the leader of its term steps down; the spec then
                // handles the same message again as a follower.
                Event ev = event(ActionKind::kHandleAppendEntriesRequest, e);
                ev.message = p.message;
                out.push_back(std::move(ev));
                p.received.role = e.role;
                return true;
            }
        }
        const bool vote_reply = name == "SendRequestVoteResponse" && p.message.type == MsgType::kRequestVoteRequest;
        const bool append_reply = name == "SendAppendEntriesResponse" && p.message.type == MsgType::kAppendEntriesRequest;
        if ((vote_reply || append_reply) && msg && msg->to == p.message.from && !self) {
            Event ev = event(vote_reply ? ActionKind::kHandleRequestVoteRequest : ActionKind::kHandleAppendEntriesRequest, e);
            ev.message = p.message;
            ev.reply = msg;
            // etcd logs a vote's reply before it records the vote.
            if (vote_reply) ev.observed.voted_for.reset();
            out.push_back(std::move(ev));
            n.pending.reset();
            return true;
        }
        flush(n, out);
    }

    if (name == "InitState" && !n.seen) {
        // A node joining the cluster: the spec has it, idle and empty, since Init.
        n.seen = true;
        out.push_back(event(ActionKind::kObserve, e));
    } else if (name == "InitState") {
        // A node restarting. etcd restores its commit index from disk; the spec's restart
        // forgets it (it is not persistent in Raft), so it is not compared.
        Event ev = event(ActionKind::kRestart, e);
        ev.observed.commit_index.reset();
        out.push_back(std::move(ev));
    } else if (name == "BecomeCandidate") {
        // etcd's candidate votes for itself at once; the spec's does so by message: a
        // request to itself, granted (the grant's reply is etcd's MsgVoteResp to itself).
        Event timeout = event(ActionKind::kTimeout, e);
        timeout.observed.voted_for.reset();
        out.push_back(std::move(timeout));
        Message ask;
        ask.type = MsgType::kRequestVoteRequest;
        ask.from = ask.to = index_of(e.nid);
        ask.term = e.term;
        ask.last_log_index = e.log;
        ask.unknown = kUnknownLastLogTerm;
        Event request = event(ActionKind::kRequestVote, e);
        request.message = ask;
        request.observed.voted_for.reset();
        out.push_back(std::move(request));
        Event grant = event(ActionKind::kHandleRequestVoteRequest, e);
        grant.message = ask;
        out.push_back(std::move(grant));
    } else if (name == "BecomeLeader") {
        out.push_back(event(ActionKind::kBecomeLeader, e));
    } else if (name == "BecomeFollower" || name == "Ready") {
        out.push_back(event(ActionKind::kObserve, e));
    } else if (name == "Replicate" || name == "ChangeConf") {
        // Logged before the entry is appended: the state before, then the append.
        out.push_back(event(ActionKind::kObserve, e));
        Event ev = event(ActionKind::kClientRequest, e);
        ev.observed.log_length.reset();
        ev.observed.commit_index.reset();
        out.push_back(std::move(ev));
    } else if (name == "Commit") {
        out.push_back(event(ActionKind::kAdvanceCommitIndex, e));
    } else if (name == "ApplyConfChange") {
        if (!e.outgoing_voters.empty()) return stop(e, "a joint configuration: membership changes are beyond the spec");
        if (!e.new_conf) {
            out.push_back(event(ActionKind::kObserve, e));  // an empty change
            return true;
        }
        Event ev = event(ActionKind::kChangeConfig, e);
        for (std::uint64_t v : *e.new_conf) {
            const std::uint32_t k = index_of(v);
            if (k == 0) return stop(e, "voter " + std::to_string(v) + " never appears in the trace");
            ev.voters.push_back(k);
        }
        std::sort(ev.voters.begin(), ev.voters.end());
        out.push_back(std::move(ev));
    } else if (name == "SendRequestVoteRequest" || name == "SendAppendEntriesRequest") {
        if (!msg) throw TraceError(file_, e.line, name + " without msg");
        Event ev = event(name == "SendRequestVoteRequest" ? ActionKind::kRequestVote : ActionKind::kAppendEntries, e);
        ev.message = msg;
        out.push_back(std::move(ev));
    } else if (name == "SendRequestVoteResponse") {
        if (!msg) throw TraceError(file_, e.line, name + " without msg");
        if (self) {
            // The reply of the grant emitted at BecomeCandidate: it must be in flight.
            Event ev = event(ActionKind::kObserve, e);
            out.push_back(std::move(ev));
            return true;
        }
        Event ev = event(ActionKind::kHandleRequestVoteRequest, e);
        ev.reply = msg;
        ev.observed.voted_for.reset();
        out.push_back(std::move(ev));
    } else if (name == "SendAppendEntriesResponse") {
        if (!msg) throw TraceError(file_, e.line, name + " without msg");
        if (self) return true;  // the leader's own acknowledgement: implicit in the spec
        Event ev = event(ActionKind::kHandleAppendEntriesRequest, e);
        ev.reply = msg;
        out.push_back(std::move(ev));
    } else if (name == "ReceiveRequestVoteRequest" || name == "ReceiveRequestVoteResponse" || name == "ReceiveAppendEntriesRequest" ||
               name == "ReceiveAppendEntriesResponse") {
        if (!msg) throw TraceError(file_, e.line, name + " without msg");
        if (self && msg->type == MsgType::kAppendEntriesResponse) return true;
        Event before = event(ActionKind::kObserve, e);  // the state before handling,
        before.message = msg;                            // with the message in flight
        out.push_back(std::move(before));
        n.pending = Pending{e, *msg, e.term};
    } else {
        throw TraceError(file_, e.line, "unknown etcd event \"" + name + "\"");
    }
    return true;
}

}  // namespace traces
