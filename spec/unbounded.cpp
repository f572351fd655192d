// The raft model's actions over unbounded variables; each mirrors its namesake in
// actions.cpp (Variant::kRaft), guard for guard.

#include "spec/unbounded.hpp"

#include <algorithm>
#include <bit>

namespace spec::unbounded {
namespace {

std::uint64_t bit(std::uint32_t k) { return std::uint64_t{1} << k; }
std::uint64_t last_term(const std::vector<Entry>& log) { return log.empty() ? 0 : log.back().term; }
// 1-based, as in TLA+.
std::uint64_t term_at(const std::vector<Entry>& log, std::uint64_t index) { return log[index - 1].term; }

void mix(std::size_t& h, std::uint64_t v) {
    h ^= static_cast<std::size_t>(v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2));
}

// Starts an effect on server i: remembers its variables (not its log) so undo() can put
// them back.
Server& touch(State& s, std::uint32_t i, Effect& e) {
    Server& v = s.servers[i];
    e.changed_server = true;
    e.server = i;
    e.before.current_term = v.current_term;
    e.before.role = v.role;
    e.before.voted_for = v.voted_for;
    e.before.commit_index = v.commit_index;
    e.before.snapshot_index = v.snapshot_index;
    e.before.votes_responded = v.votes_responded;
    e.before.votes_granted = v.votes_granted;
    e.before.next_index = v.next_index;
    e.before.match_index = v.match_index;
    e.before.config = v.config;
    e.log_kept = v.log.size();
    e.log_removed.clear();
    e.log_len_after = v.log.size();
    return v;
}

// Cuts server e.server's log to `keep` entries, remembering what went.
void truncate_log(Server& v, std::size_t keep, Effect& e) {
    if (keep >= v.log.size()) return;
    if (keep < e.log_kept) {
        e.log_removed.insert(e.log_removed.begin(), v.log.begin() + static_cast<std::ptrdiff_t>(keep),
                             v.log.begin() + static_cast<std::ptrdiff_t>(e.log_kept));
        e.log_kept = keep;
    }
    v.log.resize(keep);
}

void bag_add(State& s, const Message& m, Effect& e) {
    ++s.bag[m];
    ++s.in_flight;
    e.bag_changes.emplace_back(m, +1);
}

void bag_remove(State& s, const Message& m, Effect& e) {
    auto it = s.bag.find(m);
    SPEC_ASSERT(it != s.bag.end(), "removing a message that is not in flight");
    if (--it->second == 0) s.bag.erase(it);
    --s.in_flight;
    e.bag_changes.emplace_back(m, -1);
}

void send(State& s, const Message& m, Effect& e) {
    bag_add(s, m, e);
    e.sent = m;
}

Message reply_header(MsgType type, const Server& v, std::uint32_t i, std::uint32_t j) {
    Message r;
    r.type = type;
    r.term = v.current_term;
    r.source = i;
    r.dest = j;
    return r;
}

bool restart(State& s, std::uint32_t i, Effect& e) {
    Server& v = touch(s, i, e);
    v.role = Role::kFollower;
    v.votes_responded = 0;
    v.votes_granted = 0;
    std::fill(v.next_index.begin(), v.next_index.end(), 1);
    std::fill(v.match_index.begin(), v.match_index.end(), 0);
    v.commit_index = v.snapshot_index;  // the state machine is restored from the snapshot
    return true;
}

bool timeout(State& s, std::uint32_t i, Effect& e) {
    if (s.servers[i].role == Role::kLeader) return false;
    if (s.options.membership && !(s.servers[i].config & bit(i))) return false;  // not a voter
    Server& v = touch(s, i, e);
    v.role = Role::kCandidate;
    ++v.current_term;
    v.voted_for.reset();
    v.votes_responded = 0;
    v.votes_granted = 0;
    return true;
}

bool request_vote(State& s, std::uint32_t i, std::uint32_t j, Effect& e) {
    const Server& v = s.servers[i];
    if (v.role != Role::kCandidate || (v.votes_responded & bit(j))) return false;
    Message m;
    m.type = MsgType::kRequestVoteRequest;
    m.term = v.current_term;
    m.last_log_term = last_term(v.log);
    m.last_log_index = v.log.size();
    m.source = i;
    m.dest = j;
    send(s, m, e);
    return true;
}

bool append_entries(State& s, std::uint32_t i, std::uint32_t j, const std::optional<Action::Range>& range, Effect& e) {
    const Server& v = s.servers[i];
    if (i == j || v.role != Role::kLeader) return false;
    std::uint64_t prev = v.next_index[j] - 1;
    std::uint64_t last = v.log.size();
    std::uint64_t commit = v.commit_index;
    if (range) {
        const bool fits = range->prev <= v.log.size() && range->count <= v.log.size() - range->prev;
        if (!s.options.any_append_range || !fits || range->commit > v.commit_index) return false;
        if (range->heartbeat && (range->count != 0 || range->prev != range->commit)) return false;
        prev = range->prev;
        last = range->prev + range->count;
        commit = range->commit;
    }
    if (prev < v.snapshot_index) return false;  // prevLogTerm is compacted: InstallSnapshot instead
    Message m;
    m.type = MsgType::kAppendEntriesRequest;
    m.term = v.current_term;
    m.prev_log_index = prev;
    m.prev_log_term = prev > 0 ? term_at(v.log, prev) : 0;
    m.entries.assign(v.log.begin() + static_cast<std::ptrdiff_t>(prev), v.log.begin() + static_cast<std::ptrdiff_t>(last));
    m.commit_index = commit;
    m.heartbeat = range && range->heartbeat;
    m.source = i;
    m.dest = j;
    send(s, m, e);
    return true;
}

bool compact_log(State& s, std::uint32_t i, std::uint64_t k, Effect& e) {
    const Server& c = s.servers[i];
    if (k <= c.snapshot_index || k > c.commit_index) return false;
    touch(s, i, e).snapshot_index = k;
    return true;
}

bool install_snapshot(State& s, std::uint32_t i, std::uint32_t j, Effect& e) {
    const Server& v = s.servers[i];
    if (i == j || v.role != Role::kLeader || v.next_index[j] - 1 >= v.snapshot_index) return false;
    Message m;
    m.type = MsgType::kInstallSnapshotRequest;
    m.term = v.current_term;
    m.last_included_index = v.snapshot_index;
    m.last_included_term = term_at(v.log, v.snapshot_index);
    m.entries.assign(v.log.begin(), v.log.begin() + static_cast<std::ptrdiff_t>(v.snapshot_index));
    m.source = i;
    m.dest = j;
    send(s, m, e);
    return true;
}

bool become_leader(State& s, std::uint32_t i, Effect& e) {
    const Server& c = s.servers[i];
    if (c.role != Role::kCandidate || !is_quorum_at(s, i, c.votes_granted)) return false;
    Server& v = touch(s, i, e);
    v.role = Role::kLeader;
    std::fill(v.next_index.begin(), v.next_index.end(), v.log.size() + 1);
    std::fill(v.match_index.begin(), v.match_index.end(), 0);
    return true;
}

bool client_request(State& s, std::uint32_t i, std::uint64_t value, Effect& e) {
    if (s.servers[i].role != Role::kLeader) return false;
    Server& v = touch(s, i, e);
    v.log.push_back(Entry{v.current_term, value});
    e.log_len_after = v.log.size();
    return true;
}

bool advance_commit_index(State& s, std::uint32_t i, Effect& e) {
    const Server& c = s.servers[i];
    if (c.role != Role::kLeader) return false;
    // The highest index a quorum holds: the leader itself, and every matchIndex at or above.
    std::uint64_t max_agree = 0;
    for (std::uint64_t index = c.log.size(); index >= 1 && max_agree == 0; --index) {
        std::uint64_t agree = bit(i);
        for (std::uint32_t k = 0; k < s.servers.size(); ++k) {
            if (c.match_index[k] >= index) agree |= bit(k);
        }
        if (is_quorum_at(s, i, agree)) max_agree = index;
    }
    Server& v = touch(s, i, e);
    if (max_agree > 0 && term_at(v.log, max_agree) == v.current_term && max_agree > v.commit_index) v.commit_index = max_agree;
    return true;
}

bool update_term(State& s, std::uint32_t i, const Message& m, Effect& e) {
    Server& v = touch(s, i, e);
    v.current_term = m.term;
    v.role = Role::kFollower;
    v.voted_for.reset();
    return true;
}

bool handle_request_vote_request(State& s, std::uint32_t i, std::uint32_t j, const Message& m, Effect& e) {
    Server& v = touch(s, i, e);
    const std::uint64_t my_last_term = last_term(v.log);
    const bool log_ok = m.last_log_term > my_last_term || (m.last_log_term == my_last_term && m.last_log_index >= v.log.size());
    const bool grant = m.term == v.current_term && log_ok && (!v.voted_for || *v.voted_for == j);
    if (grant) v.voted_for = j;
    Message r = reply_header(MsgType::kRequestVoteResponse, v, i, j);
    r.vote_granted = grant;
    send(s, r, e);
    bag_remove(s, m, e);
    return true;
}

bool handle_request_vote_response(State& s, std::uint32_t i, std::uint32_t j, const Message& m, Effect& e) {
    Server& v = touch(s, i, e);
    v.votes_responded |= bit(j);
    if (m.vote_granted) v.votes_granted |= bit(j);
    bag_remove(s, m, e);
    return true;
}

// The term rules a request from a leader meets first (AppendEntries and InstallSnapshot
// alike): a stale request is answered with make_stale_reply(), whose term makes its sender
// step down (built only then: this runs on every request the validator tries); a candidate
// that hears from a leader of its own term becomes a follower and leaves the message to be
// handled again. `handled` says whether either happened; the result whether
// the handler goes on, the request being of the follower's own term.
template <class MakeStaleReply>
bool leader_request_term_rules(State& s, std::uint32_t i, const Message& m, MakeStaleReply make_stale_reply, Effect& e,
                               bool& handled) {
    const Server& c = s.servers[i];
    handled = false;
    if (m.term < c.current_term) {
        touch(s, i, e);
        send(s, make_stale_reply(), e);
        bag_remove(s, m, e);
        handled = true;
        return false;
    }
    if (m.term != c.current_term) return false;
    if (c.role == Role::kCandidate) {
        touch(s, i, e).role = Role::kFollower;
        handled = true;
        return false;
    }
    return c.role == Role::kFollower;
}

bool handle_append_entries_request(State& s, std::uint32_t i, std::uint32_t j, const Message& m, Effect& e) {
    const Server& c = s.servers[i];
    const auto stale = [&] {
        Message r = reply_header(MsgType::kAppendEntriesResponse, c, i, j);
        r.x_len = c.log.size();
        r.heartbeat = m.heartbeat;
        return r;
    };
    if (bool handled = false; !leader_request_term_rules(s, i, m, stale, e, handled)) return handled;
    const std::uint64_t prev = m.prev_log_index;
    if (s.options.stale_append_acks_commit && prev < c.commit_index) {
        Message r = reply_header(MsgType::kAppendEntriesResponse, c, i, j);
        r.success = true;
        r.match_index = m.heartbeat ? 0 : c.commit_index;
        r.heartbeat = m.heartbeat;
        touch(s, i, e);
        send(s, r, e);
        bag_remove(s, m, e);
        return true;
    }
    const std::uint64_t snap = c.snapshot_index;
    const bool has_prev = prev <= c.log.size();
    // Below the snapshot every entry is committed and matches: skipped below.
    if (prev >= snap && (!has_prev || (prev > 0 && term_at(c.log, prev) != m.prev_log_term))) {
        Message r = reply_header(MsgType::kAppendEntriesResponse, c, i, j);
        r.heartbeat = m.heartbeat;
        if (s.options.etcd_reject_hints) {
            r.x_len = prev;
            r.x_index = std::min<std::uint64_t>(prev, c.log.size());
            while (r.x_index > 0 && term_at(c.log, r.x_index) > m.prev_log_term) --r.x_index;
            r.x_term = r.x_index > 0 ? term_at(c.log, r.x_index) : 0;
        } else {
            r.x_len = c.log.size();
            if (has_prev) {
                r.x_term = term_at(c.log, prev);
                r.x_index = prev;
                while (r.x_index > snap + 1 && term_at(c.log, r.x_index - 1) == r.x_term) --r.x_index;
            }
        }
        touch(s, i, e);
        send(s, r, e);
        bag_remove(s, m, e);
        return true;
    }
    Server& v = touch(s, i, e);
    for (std::size_t k = 0; k < m.entries.size(); ++k) {
        const std::uint64_t index = prev + 1 + k;
        if (index <= snap) continue;  // compacted, committed, the same entry
        if (index <= v.log.size()) {
            if (term_at(v.log, index) == m.entries[k].term) continue;
            truncate_log(v, index - 1, e);  // a real conflict: it and all that follows go
        }
        v.log.push_back(m.entries[k]);
    }
    e.log_len_after = v.log.size();
    const std::uint64_t last_new = prev + m.entries.size();
    v.commit_index = std::max(v.commit_index, std::min(m.commit_index, last_new));
    Message r = reply_header(MsgType::kAppendEntriesResponse, v, i, j);
    r.success = true;
    r.match_index = m.heartbeat ? 0 : last_new;  // etcd's heartbeat answer carries no index
    r.heartbeat = m.heartbeat;
    send(s, r, e);
    bag_remove(s, m, e);
    return true;
}

bool handle_append_entries_response(State& s, std::uint32_t i, std::uint32_t j, const Message& m, Effect& e) {
    Server& v = touch(s, i, e);
    const std::uint64_t len = v.log.size();
    if (m.success) {
        v.match_index[j] = std::max(v.match_index[j], m.match_index);
        v.next_index[j] = std::max(v.next_index[j], v.match_index[j] + 1);
    } else {
        std::uint64_t next = m.x_len + 1;
        if (s.options.etcd_reject_hints) {
            next = m.x_index + 1;
        } else if (m.x_term != 0) {
            next = m.x_index;
            for (std::uint64_t k = len; k > v.snapshot_index; --k) {
                if (term_at(v.log, k) == m.x_term) {
                    next = k + 1;
                    break;
                }
            }
        }
        v.next_index[j] = std::clamp<std::uint64_t>(next, v.match_index[j] + 1, len + 1);
    }
    bag_remove(s, m, e);
    return true;
}

bool handle_install_snapshot_request(State& s, std::uint32_t i, std::uint32_t j, const Message& m, Effect& e) {
    const Server& c = s.servers[i];
    const auto stale = [&] { return reply_header(MsgType::kInstallSnapshotResponse, c, i, j); };
    if (bool handled = false; !leader_request_term_rules(s, i, m, stale, e, handled)) return handled;
    Server& v = touch(s, i, e);
    const std::uint64_t last = m.last_included_index;
    if (last > v.commit_index) {
        const bool holds_last = last <= v.log.size() && term_at(v.log, last) == m.last_included_term;
        if (!holds_last) {
            truncate_log(v, 0, e);
            v.log = m.entries;
            e.log_len_after = v.log.size();
        }
        v.snapshot_index = last;
        v.commit_index = last;
    }
    Message r = reply_header(MsgType::kInstallSnapshotResponse, v, i, j);
    r.match_index = last;
    send(s, r, e);
    bag_remove(s, m, e);
    return true;
}

bool handle_install_snapshot_response(State& s, std::uint32_t i, std::uint32_t j, const Message& m, Effect& e) {
    Server& v = touch(s, i, e);
    v.match_index[j] = std::max(v.match_index[j], m.match_index);
    v.next_index[j] = std::max(v.next_index[j], m.match_index + 1);
    bag_remove(s, m, e);
    return true;
}

bool receive(State& s, const Message& m, Effect& e) {
    const std::uint32_t i = m.dest;
    const std::uint32_t j = m.source;
    const Server& v = s.servers[i];
    if (m.term > v.current_term) return false;  // UpdateTerm comes first
    switch (m.type) {
        case MsgType::kRequestVoteRequest:
            return handle_request_vote_request(s, i, j, m, e);
        case MsgType::kRequestVoteResponse:
            return m.term == v.current_term && handle_request_vote_response(s, i, j, m, e);
        case MsgType::kAppendEntriesRequest:
            return handle_append_entries_request(s, i, j, m, e);
        case MsgType::kAppendEntriesResponse:
            return m.term == v.current_term && handle_append_entries_response(s, i, j, m, e);
        case MsgType::kInstallSnapshotRequest:
            return handle_install_snapshot_request(s, i, j, m, e);
        case MsgType::kInstallSnapshotResponse:
            return m.term == v.current_term && handle_install_snapshot_response(s, i, j, m, e);
    }
    return false;
}

bool is_response(const Message& m) {
    return m.type == MsgType::kRequestVoteResponse || m.type == MsgType::kAppendEntriesResponse ||
           m.type == MsgType::kInstallSnapshotResponse;
}

// The handler a received message goes to, given the state: the kind receive() would label it.
ActionKind receive_kind(const State& s, const Message& m) {
    const Server& v = s.servers[m.dest];
    if (m.term > v.current_term) return ActionKind::kUpdateTerm;
    if (is_response(m) && m.term < v.current_term) return ActionKind::kDropStaleResponse;
    switch (m.type) {
        case MsgType::kRequestVoteRequest: return ActionKind::kHandleRequestVoteRequest;
        case MsgType::kRequestVoteResponse: return ActionKind::kHandleRequestVoteResponse;
        case MsgType::kAppendEntriesRequest: return ActionKind::kHandleAppendEntriesRequest;
        case MsgType::kAppendEntriesResponse: return ActionKind::kHandleAppendEntriesResponse;
        case MsgType::kInstallSnapshotRequest: return ActionKind::kHandleInstallSnapshotRequest;
        case MsgType::kInstallSnapshotResponse: return ActionKind::kHandleInstallSnapshotResponse;
    }
    return ActionKind::kDropMessage;
}

std::string name(std::uint32_t i) { return "s" + std::to_string(i + 1); }

std::string type_name(MsgType t) {
    switch (t) {
        case MsgType::kRequestVoteRequest: return "RequestVoteRequest";
        case MsgType::kRequestVoteResponse: return "RequestVoteResponse";
        case MsgType::kAppendEntriesRequest: return "AppendEntriesRequest";
        case MsgType::kAppendEntriesResponse: return "AppendEntriesResponse";
        case MsgType::kInstallSnapshotRequest: return "InstallSnapshotRequest";
        case MsgType::kInstallSnapshotResponse: return "InstallSnapshotResponse";
    }
    return "?";
}

}  // namespace

std::size_t MessageHash::operator()(const Message& m) const {
    std::size_t h = static_cast<std::size_t>(m.type);
    for (std::uint64_t v : {std::uint64_t{m.source}, std::uint64_t{m.dest}, m.term, m.last_log_term, m.last_log_index,
                            std::uint64_t{m.vote_granted}, m.prev_log_index, m.prev_log_term, m.commit_index,
                            std::uint64_t{m.success}, m.match_index, m.x_len, m.x_term, m.x_index, std::uint64_t{m.heartbeat},
                            m.last_included_index, m.last_included_term}) {
        mix(h, v);
    }
    // The entries by their count and the two ends only: equality compares them all, and a
    // message of hundreds of entries (a follower catching up) hashed whole cost the trace
    // validator a tenth of its time, as every event looks its message up in the bag.
    mix(h, m.entries.size());
    if (!m.entries.empty()) {
        mix(h, m.entries.front().term);
        mix(h, m.entries.front().value);
        mix(h, m.entries.back().term);
        mix(h, m.entries.back().value);
    }
    return h;
}

bool is_quorum(const State& s, std::uint64_t mask) { return static_cast<std::size_t>(std::popcount(mask)) * 2 > s.servers.size(); }

bool is_quorum_at(const State& s, std::uint32_t i, std::uint64_t mask) {
    if (!s.options.membership) return is_quorum(s, mask);
    const std::uint64_t voters = s.servers[i].config;
    return voters != 0 && std::popcount(mask & voters) * 2 > std::popcount(voters);
}

State init(std::uint32_t servers, Options options) {
    SPEC_ASSERT(servers >= 1 && servers <= kMaxServers, "cluster size out of range");
    State s;
    s.options = options;
    s.servers.resize(servers);
    const std::uint64_t everyone = servers == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << servers) - 1;
    for (Server& v : s.servers) {
        v.next_index.assign(servers, 1);
        v.match_index.assign(servers, 0);
        v.config = everyone;
    }
    return s;
}

bool apply(State& s, const Action& a, Effect& e) {
    e.changed_server = false;
    e.bag_changes.clear();
    e.sent.reset();
    const auto n = static_cast<std::uint32_t>(s.servers.size());
    if (a.i >= n || a.j >= n) return false;
    const bool message_action = a.kind >= ActionKind::kUpdateTerm && a.kind <= ActionKind::kDropMessage;
    if (message_action && (a.m.source >= n || a.m.dest >= n || !s.bag.contains(a.m))) return false;
    switch (a.kind) {
        case ActionKind::kRestart: return restart(s, a.i, e);
        case ActionKind::kTimeout: return timeout(s, a.i, e);
        case ActionKind::kRequestVote: return request_vote(s, a.i, a.j, e);
        case ActionKind::kBecomeLeader: return become_leader(s, a.i, e);
        case ActionKind::kClientRequest: return client_request(s, a.i, a.value, e);
        case ActionKind::kAdvanceCommitIndex: return advance_commit_index(s, a.i, e);
        case ActionKind::kAppendEntries: return append_entries(s, a.i, a.j, a.range, e);
        case ActionKind::kCompactLog: return compact_log(s, a.i, a.value, e);
        case ActionKind::kInstallSnapshot: return install_snapshot(s, a.i, a.j, e);
        case ActionKind::kUpdateTerm:
            return a.m.term > s.servers[a.m.dest].current_term && update_term(s, a.m.dest, a.m, e);
        case ActionKind::kDropStaleResponse:
            if (!is_response(a.m) || a.m.term >= s.servers[a.m.dest].current_term) return false;
            bag_remove(s, a.m, e);
            return true;
        case ActionKind::kHandleRequestVoteRequest:
        case ActionKind::kHandleRequestVoteResponse:
        case ActionKind::kHandleAppendEntriesRequest:
        case ActionKind::kHandleAppendEntriesResponse:
        case ActionKind::kHandleInstallSnapshotRequest:
        case ActionKind::kHandleInstallSnapshotResponse:
            return receive_kind(s, a.m) == a.kind && receive(s, a.m, e);
        case ActionKind::kDuplicateMessage:
            bag_add(s, a.m, e);
            return true;
        case ActionKind::kDropMessage:
            bag_remove(s, a.m, e);
            return true;
        case ActionKind::kChangeConfig: {
            // One server in or out at a time: any two successive configurations then share
            // a voter with every quorum of the other.
            const std::uint64_t everyone = n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
            if (!s.options.membership || (a.config & ~everyone) != 0) return false;
            if (std::popcount(s.servers[a.i].config ^ a.config) > 1) return false;
            touch(s, a.i, e).config = a.config;
            return true;
        }
    }
    return false;
}

void undo(State& s, const Effect& e) {
    for (auto it = e.bag_changes.rbegin(); it != e.bag_changes.rend(); ++it) {
        if (it->second > 0) {
            auto found = s.bag.find(it->first);
            if (--found->second == 0) s.bag.erase(found);
            --s.in_flight;
        } else {
            ++s.bag[it->first];
            ++s.in_flight;
        }
    }
    if (!e.changed_server) return;
    Server& v = s.servers[e.server];
    v.current_term = e.before.current_term;
    v.role = e.before.role;
    v.voted_for = e.before.voted_for;
    v.commit_index = e.before.commit_index;
    v.snapshot_index = e.before.snapshot_index;
    v.votes_responded = e.before.votes_responded;
    v.votes_granted = e.before.votes_granted;
    v.next_index = e.before.next_index;
    v.match_index = e.before.match_index;
    v.config = e.before.config;
    v.log.resize(e.log_kept);
    v.log.insert(v.log.end(), e.log_removed.begin(), e.log_removed.end());
}

std::vector<Action> enabled_actions(const State& s) {
    std::vector<Action> out;
    const auto n = static_cast<std::uint32_t>(s.servers.size());
    State scratch = s;
    Effect e;
    auto try_add = [&](const Action& a) {
        if (apply(scratch, a, e)) {
            undo(scratch, e);
            out.push_back(a);
        }
    };
    for (std::uint32_t i = 0; i < n; ++i) try_add(Action{ActionKind::kRestart, i});
    for (std::uint32_t i = 0; i < n; ++i) try_add(Action{ActionKind::kTimeout, i});
    for (std::uint32_t i = 0; i < n; ++i) {
        for (std::uint32_t j = 0; j < n; ++j) try_add(Action{ActionKind::kRequestVote, i, j});
    }
    for (std::uint32_t i = 0; i < n; ++i) try_add(Action{ActionKind::kBecomeLeader, i});
    for (std::uint32_t i = 0; i < n; ++i) try_add(Action{ActionKind::kAdvanceCommitIndex, i});
    for (std::uint32_t i = 0; i < n; ++i) {
        for (std::uint32_t j = 0; j < n; ++j) try_add(Action{ActionKind::kAppendEntries, i, j});
    }
    for (std::uint32_t i = 0; i < n; ++i) {
        for (std::uint64_t k = s.servers[i].snapshot_index + 1; k <= s.servers[i].commit_index; ++k) {
            try_add(Action{ActionKind::kCompactLog, i, 0, k});
        }
    }
    for (std::uint32_t i = 0; i < n; ++i) {
        for (std::uint32_t j = 0; j < n; ++j) try_add(Action{ActionKind::kInstallSnapshot, i, j});
    }
    // Messages in a fixed order, whatever the hash table's.
    std::vector<Message> in_flight;
    for (const auto& [m, count] : s.bag) in_flight.push_back(m);
    std::sort(in_flight.begin(), in_flight.end(), [](const Message& a, const Message& b) { return describe(a) < describe(b); });
    for (const Message& m : in_flight) {
        Action a;
        a.i = m.dest;
        a.j = m.source;
        a.m = m;
        a.kind = receive_kind(s, m);
        try_add(a);
    }
    for (ActionKind k : {ActionKind::kDuplicateMessage, ActionKind::kDropMessage}) {
        for (const Message& m : in_flight) {
            Action a;
            a.kind = k;
            a.i = m.dest;
            a.j = m.source;
            a.m = m;
            try_add(a);
        }
    }
    return out;
}

std::string describe(const Message& m) {
    std::string out = "[" + std::string(m.heartbeat ? "Heartbeat " : "") + type_name(m.type) + " " + name(m.source) + "->" + name(m.dest) + " term " + std::to_string(m.term);
    switch (m.type) {
        case MsgType::kRequestVoteRequest:
            out += " lastLogTerm " + std::to_string(m.last_log_term) + " lastLogIndex " + std::to_string(m.last_log_index);
            break;
        case MsgType::kRequestVoteResponse:
            out += m.vote_granted ? " granted" : " denied";
            break;
        case MsgType::kAppendEntriesRequest: {
            out += " prevLogIndex " + std::to_string(m.prev_log_index) + " prevLogTerm " + std::to_string(m.prev_log_term) + " entries <<";
            for (std::size_t k = 0; k < m.entries.size(); ++k) out += (k ? ", " : "") + std::to_string(m.entries[k].term);
            out += ">> commitIndex " + std::to_string(m.commit_index);
            break;
        }
        case MsgType::kInstallSnapshotRequest: {
            out += " lastIncludedIndex " + std::to_string(m.last_included_index) + " lastIncludedTerm " +
                   std::to_string(m.last_included_term) + " data <<";
            for (std::size_t k = 0; k < m.entries.size(); ++k) out += (k ? ", " : "") + std::to_string(m.entries[k].term);
            out += ">>";
            break;
        }
        case MsgType::kInstallSnapshotResponse:
            out += " matchIndex " + std::to_string(m.match_index);
            break;
        case MsgType::kAppendEntriesResponse:
            if (m.success) {
                out += " success matchIndex " + std::to_string(m.match_index);
            } else {
                out += " reject xLen " + std::to_string(m.x_len) + " xTerm " + std::to_string(m.x_term) + " xIndex " + std::to_string(m.x_index);
            }
            break;
    }
    return out + "]";
}

std::string describe(const Action& a) {
    const std::string n = action_name(a.kind);
    switch (a.kind) {
        case ActionKind::kRestart:
        case ActionKind::kTimeout:
        case ActionKind::kBecomeLeader:
        case ActionKind::kAdvanceCommitIndex:
            return n + "(" + name(a.i) + ")";
        case ActionKind::kRequestVote:
        case ActionKind::kInstallSnapshot:
            return n + "(" + name(a.i) + ", " + name(a.j) + ")";
        case ActionKind::kCompactLog:
            return n + "(" + name(a.i) + ", " + std::to_string(a.value) + ")";
        case ActionKind::kAppendEntries:
            if (a.range) {
                return n + "(" + name(a.i) + ", " + name(a.j) + ", prevLogIndex " + std::to_string(a.range->prev) + ", " +
                       std::to_string(a.range->count) + " entries, commitIndex " + std::to_string(a.range->commit) +
                       (a.range->heartbeat ? ", heartbeat" : "") + ")";
            }
            return n + "(" + name(a.i) + ", " + name(a.j) + ")";
        case ActionKind::kClientRequest:
            return n + "(" + name(a.i) + ")";
        case ActionKind::kChangeConfig: {
            std::string voters;
            for (std::uint32_t k = 0; k < 64; ++k) {
                if (a.config & bit(k)) voters += (voters.empty() ? "" : ", ") + name(k);
            }
            return n + "(" + name(a.i) + ", {" + voters + "})";
        }
        default:
            return n + "(" + describe(a.m) + ")";
    }
}

}  // namespace spec::unbounded
