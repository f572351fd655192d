// The actions of raft.tla, one function each. `base` is the current state with the history
// variable allLogs already extended (raft.tla conjoins that update with every Next step), so
// each action copies it and changes only what its TLA+ definition primes.

#include "spec/actions.hpp"

#include <algorithm>
#include <bit>

namespace spec {
namespace {

using u8 = std::uint8_t;

struct Ctx {
    const State& s;     // the current state, unprimed
    const State& base;  // s with allLogs' already computed
    const Params& p;
    Emitter& e;
    std::uint32_t n() const { return p.servers; }
    bool raft() const { return p.variant == Variant::kRaft; }
    bool is_quorum(std::uint8_t mask) const { return static_cast<std::uint32_t>(std::popcount(mask)) * 2 > p.servers; }
};

void emit(Ctx& c, const Action& a, State& t) { c.e.emit(a, t); }

// ---- Server actions ----

// Server i restarts from stable storage: it keeps currentTerm, votedFor, log and snapshot.
void restart(Ctx& c, u8 i) {
    State t = c.base;
    restart_server(t.servers[i], c.p);
    emit(c, Action{ActionKind::kRestart, i}, t);
}

// Server i times out and starts a new election (it votes for itself by message, later).
void timeout(Ctx& c, u8 i) {
    if (c.s.servers[i].role == Role::kLeader) return;
    State t = c.base;
    Server& v = t.servers[i];
    v.role = Role::kCandidate;
    v.current_term = static_cast<u8>(v.current_term + 1);
    v.voted_for = kNil;
    v.votes_responded = 0;
    v.votes_granted = 0;
    v.voter_log_mask = 0;
    v.voter_log = {};
    emit(c, Action{ActionKind::kTimeout, i}, t);
}

// Candidate i sends j a RequestVote request (j may be i itself).
void request_vote(Ctx& c, u8 i, u8 j) {
    const Server& v = c.s.servers[i];
    if (v.role != Role::kCandidate || (v.votes_responded >> j & 1)) return;
    State t = c.base;
    Message m;
    m.type = MsgType::kRequestVoteRequest;
    m.term = v.current_term;
    m.f1 = static_cast<u8>(v.log.last_term());
    m.f2 = static_cast<u8>(v.log.len());
    m.source = i;
    m.dest = j;
    bag_add(t, m);
    emit(c, Action{ActionKind::kRequestVote, i, j}, t);
}

// Leader i sends j an AppendEntries request with at most one entry.
void append_entries(Ctx& c, u8 i, u8 j) {
    const Server& v = c.s.servers[i];
    if (i == j || v.role != Role::kLeader) return;
    const std::uint32_t next = v.next_index[j];
    const std::uint32_t prev_index = next - 1;
    if (prev_index < v.snapshot_index) return;  // prevLogTerm is compacted: InstallSnapshot instead
    const std::uint32_t prev_term = prev_index > 0 ? v.log.term(prev_index) : 0;
    // raft.tla sends at most one entry; the raft model sends every entry from nextIndex on.
    const std::uint32_t last_entry = c.raft() ? v.log.len() : std::min(v.log.len(), next);
    State t = c.base;
    Message m;
    m.type = MsgType::kAppendEntriesRequest;
    m.term = v.current_term;
    m.f1 = static_cast<u8>(prev_index);
    m.f2 = static_cast<u8>(prev_term);
    m.entries = v.log.sub_seq(next, last_entry);
    m.mlog = v.log;
    m.f3 = static_cast<u8>(c.raft() ? v.commit_index : std::min<std::uint32_t>(v.commit_index, last_entry));
    m.source = i;
    m.dest = j;
    bag_add(t, m);
    emit(c, Action{ActionKind::kAppendEntries, i, j}, t);
}

// Server i snapshots its log up to a committed index k: the entries up to k are compacted.
// snapshotsTaken counts these steps against Params::max_snapshots.
void compact_log(Ctx& c, u8 i, u8 k) {
    const Server& v = c.s.servers[i];
    if (c.s.snapshots_taken >= c.p.max_snapshots || k <= v.snapshot_index || k > v.commit_index) return;
    State t = c.base;
    t.servers[i].snapshot_index = k;
    t.snapshots_taken = static_cast<u8>(c.s.snapshots_taken + 1);
    emit(c, Action{ActionKind::kCompactLog, i, 0, k}, t);
}

// Leader i cannot send j the entry before nextIndex (it is compacted), so it sends its
// snapshot: the committed prefix up to snapshotIndex, and that entry's index and term.
void install_snapshot(Ctx& c, u8 i, u8 j) {
    const Server& v = c.s.servers[i];
    if (i == j || v.role != Role::kLeader || v.next_index[j] - 1u >= v.snapshot_index) return;
    State t = c.base;
    Message m;
    m.type = MsgType::kInstallSnapshotRequest;
    m.term = v.current_term;
    m.f1 = v.snapshot_index;
    m.f2 = static_cast<u8>(v.log.term(v.snapshot_index));
    m.entries = v.log.prefix(v.snapshot_index);
    m.source = i;
    m.dest = j;
    bag_add(t, m);
    emit(c, Action{ActionKind::kInstallSnapshot, i, j}, t);
}

// Candidate i becomes leader with a quorum of votes; the `elections` history records it.
void become_leader(Ctx& c, u8 i) {
    const Server& v = c.s.servers[i];
    if (v.role != Role::kCandidate || !c.is_quorum(v.votes_granted)) return;
    State t = c.base;
    Server& w = t.servers[i];
    w.role = Role::kLeader;
    for (std::uint32_t j = 0; j < c.n(); ++j) {
        w.next_index[j] = static_cast<u8>(v.log.len() + 1);
        w.match_index[j] = 0;
    }
    Election e;
    e.term = v.current_term;
    e.leader = i;
    e.log = v.log;
    e.votes = v.votes_granted;
    e.voter_mask = v.voter_log_mask;
    e.voter_logs = v.voter_log;
    set_insert(t.elections, e);
    emit(c, Action{ActionKind::kBecomeLeader, i}, t);
}

// Leader i appends value v to its log.
void client_request(Ctx& c, u8 i, u8 value) {
    const Server& v = c.s.servers[i];
    if (v.role != Role::kLeader) return;
    State t = c.base;
    t.servers[i].log = v.log.append(v.current_term, value);
    emit(c, Action{ActionKind::kClientRequest, i, 0, value}, t);
}

// Leader i commits the highest index a quorum agrees on, if that entry is of its term.
void advance_commit_index(Ctx& c, u8 i) {
    const Server& v = c.s.servers[i];
    if (v.role != Role::kLeader) return;
    std::uint32_t max_agree = 0;
    for (std::uint32_t index = 1; index <= v.log.len(); ++index) {
        std::uint8_t agree = static_cast<u8>(1u << i);
        for (std::uint32_t k = 0; k < c.n(); ++k) {
            if (v.match_index[k] >= index) agree = static_cast<u8>(agree | (1u << k));
        }
        if (c.is_quorum(agree)) max_agree = index;
    }
    State t = c.base;
    if (max_agree > 0 && v.log.term(max_agree) == v.current_term && (!c.raft() || max_agree > v.commit_index)) {
        t.servers[i].commit_index = static_cast<u8>(max_agree);
    }
    emit(c, Action{ActionKind::kAdvanceCommitIndex, i}, t);
}

// ---- Message handlers: i = recipient, j = sender ----

Message reply_header(MsgType type, const Server& v, u8 i, u8 j) {
    Message r;
    r.type = type;
    r.term = v.current_term;
    r.source = i;
    r.dest = j;
    return r;
}

// Raft.tla's Reply: add the response, then remove the request.
void reply(State& t, const Message& response, const Message& request) {
    bag_add(t, response);
    bag_remove(t, request);
}

void update_term(Ctx& c, const Action& a, const Message& m) {
    State t = c.base;
    Server& v = t.servers[a.i];
    v.current_term = m.term;
    v.role = Role::kFollower;
    v.voted_for = kNil;
    emit(c, Action{ActionKind::kUpdateTerm, a.i, a.j, 0, m}, t);
}

void handle_request_vote_request(Ctx& c, u8 i, u8 j, const Message& m) {
    const Server& v = c.s.servers[i];
    const std::uint32_t last_term = v.log.last_term();
    const bool log_ok = m.last_log_term() > last_term || (m.last_log_term() == last_term && m.last_log_index() >= v.log.len());
    const bool grant = m.term == v.current_term && log_ok && (v.voted_for == kNil || v.voted_for == j);
    State t = c.base;
    if (grant) t.servers[i].voted_for = j;
    Message r = reply_header(MsgType::kRequestVoteResponse, v, i, j);
    r.f1 = grant ? 1 : 0;
    r.mlog = v.log;
    reply(t, r, m);
    emit(c, Action{ActionKind::kHandleRequestVoteRequest, i, j, 0, m}, t);
}

void handle_request_vote_response(Ctx& c, u8 i, u8 j, const Message& m) {
    State t = c.base;
    Server& v = t.servers[i];
    v.votes_responded = static_cast<u8>(v.votes_responded | (1u << j));
    if (m.vote_granted()) {
        v.votes_granted = static_cast<u8>(v.votes_granted | (1u << j));
        // voterLog[i] @@ (j :> m.mlog): an existing entry for j wins.
        if (!(v.voter_log_mask >> j & 1)) {
            v.voter_log_mask = static_cast<u8>(v.voter_log_mask | (1u << j));
            v.voter_log[j] = m.mlog;
        }
    }
    bag_remove(t, m);
    emit(c, Action{ActionKind::kHandleRequestVoteResponse, i, j, 0, m}, t);
}

void drop_stale_response(Ctx& c, u8 i, u8 j, const Message& m) {
    State t = c.base;
    bag_remove(t, m);
    emit(c, Action{ActionKind::kDropStaleResponse, i, j, 0, m}, t);
}

void handle_append_entries_request(Ctx& c, u8 i, u8 j, const Message& m) {
    const Server& v = c.s.servers[i];
    const std::uint32_t prev = m.prev_log_index();
    const bool log_ok = prev == 0 || (prev <= v.log.len() && m.prev_log_term() == v.log.term(prev));
    const Action a{ActionKind::kHandleAppendEntriesRequest, i, j, 0, m};
    if (m.term < v.current_term || (m.term == v.current_term && v.role == Role::kFollower && !log_ok)) {
        State t = c.base;  // reject
        Message r = reply_header(MsgType::kAppendEntriesResponse, v, i, j);
        reply(t, r, m);
        emit(c, a, t);
        return;
    }
    if (m.term != v.current_term) return;
    if (v.role == Role::kCandidate) {
        State t = c.base;  // return to follower state; the message stays to be handled again
        t.servers[i].role = Role::kFollower;
        emit(c, a, t);
        return;
    }
    if (v.role != Role::kFollower || !log_ok) return;  // a leader of this term: nothing is enabled
    const std::uint32_t index = prev + 1;
    const bool has_entry = m.entries.len() > 0;
    if (!has_entry || (v.log.len() >= index && v.log.term(index) == m.entries.term(1))) {
        State t = c.base;  // already done with the request
        t.servers[i].commit_index = m.commit_index();
        Message r = reply_header(MsgType::kAppendEntriesResponse, v, i, j);
        r.f1 = 1;
        r.f2 = static_cast<u8>(prev + m.entries.len());
        reply(t, r, m);
        emit(c, a, t);
    } else if (v.log.len() >= index) {
        State t = c.base;  // conflict: remove the last entry; the message stays
        t.servers[i].log = v.log.prefix(v.log.len() - 1);
        emit(c, a, t);
    } else if (v.log.len() == prev) {
        State t = c.base;  // no conflict: append the entry; the message stays
        t.servers[i].log = v.log.append(m.entries.term(1), m.entries.value(1));
        emit(c, a, t);
    }
}

// The term rules a request from a leader meets first, in the raft model's AppendEntries and
// InstallSnapshot alike: a stale request is answered with `stale_reply`, whose term makes its
// sender step down; a candidate that hears from a leader of its own term becomes a follower
// and leaves the message to be handled again. True when the handler goes on: the request is
// of the follower's own term.
bool leader_request_term_rules(Ctx& c, const Action& a, const Message& m, const Message& stale_reply) {
    const Server& v = c.s.servers[a.i];
    if (m.term < v.current_term) {
        State t = c.base;
        reply(t, stale_reply, m);
        emit(c, a, t);
        return false;
    }
    if (m.term != v.current_term) return false;
    if (v.role == Role::kCandidate) {
        State t = c.base;
        t.servers[a.i].role = Role::kFollower;
        emit(c, a, t);
        return false;
    }
    return v.role == Role::kFollower;
}

// The raft model's follower: the consistency check with fast-backup hints on rejection, and
// on success the whole request at once: truncate at the first real conflict (never on a
// stale or duplicated request whose entries already match), append what is new, move
// commitIndex up to min(leaderCommit, last new entry), acknowledge.
void handle_append_entries_request_raft(Ctx& c, u8 i, u8 j, const Message& m) {
    const Server& v = c.s.servers[i];
    const Action a{ActionKind::kHandleAppendEntriesRequest, i, j, 0, m};
    Message r = reply_header(MsgType::kAppendEntriesResponse, v, i, j);
    Message stale = r;
    stale.f2 = static_cast<u8>(v.log.len());
    if (!leader_request_term_rules(c, a, m, stale)) return;
    const std::uint32_t prev = m.prev_log_index();
    const std::uint32_t snap = v.snapshot_index;
    const bool has_prev = prev <= v.log.len();
    // Below the snapshot every entry is committed, so it matches any current leader's: the
    // check passes, and the entries up to the snapshot are skipped below.
    if (prev >= snap && (!has_prev || (prev > 0 && v.log.term(prev) != m.prev_log_term()))) {
        State t = c.base;
        r.f2 = static_cast<u8>(v.log.len());  // XLen
        if (has_prev) {
            const std::uint32_t x_term = v.log.term(prev);
            std::uint32_t x_index = prev;
            // The run of XTerm is searched among the entries the follower still holds.
            while (x_index > snap + 1 && v.log.term(x_index - 1) == x_term) --x_index;
            r.f3 = static_cast<u8>(x_term);
            r.f4 = static_cast<u8>(x_index);
        }
        reply(t, r, m);
        emit(c, a, t);
        return;
    }
    Log log = v.log;
    for (std::uint32_t k = 1; k <= m.entries.len(); ++k) {
        const std::uint32_t index = prev + k;
        if (index <= snap) continue;  // compacted, committed, the same entry
        if (index <= log.len()) {
            if (log.term(index) == m.entries.term(k)) continue;
            log = log.prefix(index - 1);  // a real conflict: drop it and all that follows
        }
        log = log.append(m.entries.term(k), m.entries.value(k));
    }
    const std::uint32_t last_new = prev + m.entries.len();
    State t = c.base;
    Server& w = t.servers[i];
    w.log = log;
    w.commit_index = static_cast<u8>(std::max<std::uint32_t>(v.commit_index, std::min<std::uint32_t>(m.commit_index(), last_new)));
    r.f1 = 1;
    r.f2 = static_cast<u8>(last_new);
    reply(t, r, m);
    emit(c, a, t);
}

void handle_append_entries_response_raft(Ctx& c, u8 i, u8 j, const Message& m) {
    State t = c.base;
    Server& v = t.servers[i];
    const std::uint32_t len = v.log.len();
    if (m.success()) {
        // Replies arrive late or twice: only ever move forward.
        v.match_index[j] = std::max(v.match_index[j], m.match_index());
        v.next_index[j] = std::max<u8>(v.next_index[j], static_cast<u8>(v.match_index[j] + 1));
    } else {
        std::uint32_t next = m.x_len() + 1u;  // the follower's log is too short
        if (m.x_term() != 0) {
            next = m.x_index();
            for (std::uint32_t k = len; k > v.snapshot_index; --k) {  // the entries it still holds
                if (v.log.term(k) == m.x_term()) {
                    next = k + 1;  // just past the leader's last entry of XTerm
                    break;
                }
            }
        }
        next = std::clamp<std::uint32_t>(next, v.match_index[j] + 1u, len + 1);
        v.next_index[j] = static_cast<u8>(next);
    }
    bag_remove(t, m);
    emit(c, Action{ActionKind::kHandleAppendEntriesResponse, i, j, 0, m}, t);
}

void handle_append_entries_response(Ctx& c, u8 i, u8 j, const Message& m) {
    State t = c.base;
    Server& v = t.servers[i];
    if (m.success()) {
        v.next_index[j] = static_cast<u8>(m.match_index() + 1);
        v.match_index[j] = m.match_index();
    } else {
        v.next_index[j] = static_cast<u8>(std::max(v.next_index[j] - 1, 1));
    }
    bag_remove(t, m);
    emit(c, Action{ActionKind::kHandleAppendEntriesResponse, i, j, 0, m}, t);
}

// A follower takes a leader's snapshot unless it has committed that far already. Its log
// stays if it holds the snapshot's last entry (the prefix up to it is then the data, by Log
// Matching), and becomes the data otherwise. It answers with the snapshot's index either way.
void handle_install_snapshot_request(Ctx& c, u8 i, u8 j, const Message& m) {
    const Server& v = c.s.servers[i];
    const Action a{ActionKind::kHandleInstallSnapshotRequest, i, j, 0, m};
    Message r = reply_header(MsgType::kInstallSnapshotResponse, v, i, j);
    if (!leader_request_term_rules(c, a, m, r)) return;
    const std::uint32_t last = m.last_included_index();
    State t = c.base;
    if (last > v.commit_index) {
        Server& w = t.servers[i];
        const bool holds_last = last <= v.log.len() && v.log.term(last) == m.last_included_term();
        if (!holds_last) w.log = m.entries;
        w.snapshot_index = static_cast<u8>(last);
        w.commit_index = static_cast<u8>(last);
    }
    r.f2 = static_cast<u8>(last);
    reply(t, r, m);
    emit(c, a, t);
}

// Like a successful AppendEntries reply: only ever moves matchIndex and nextIndex forward.
void handle_install_snapshot_response(Ctx& c, u8 i, u8 j, const Message& m) {
    State t = c.base;
    Server& v = t.servers[i];
    v.match_index[j] = std::max(v.match_index[j], m.match_index());
    v.next_index[j] = std::max<u8>(v.next_index[j], static_cast<u8>(m.match_index() + 1));
    bag_remove(t, m);
    emit(c, Action{ActionKind::kHandleInstallSnapshotResponse, i, j, 0, m}, t);
}

void receive(Ctx& c, const Message& m) {
    const u8 i = m.dest;
    const u8 j = m.source;
    const Server& v = c.s.servers[i];
    if (m.term > v.current_term) {
        update_term(c, Action{ActionKind::kUpdateTerm, i, j}, m);
        return;
    }
    switch (m.type) {
        case MsgType::kRequestVoteRequest:
            handle_request_vote_request(c, i, j, m);
            break;
        case MsgType::kRequestVoteResponse:
            if (m.term < v.current_term) {
                drop_stale_response(c, i, j, m);
            } else {
                handle_request_vote_response(c, i, j, m);
            }
            break;
        case MsgType::kAppendEntriesRequest:
            if (c.raft()) {
                handle_append_entries_request_raft(c, i, j, m);
            } else {
                handle_append_entries_request(c, i, j, m);
            }
            break;
        case MsgType::kAppendEntriesResponse:
            if (m.term < v.current_term) {
                drop_stale_response(c, i, j, m);
            } else if (c.raft()) {
                handle_append_entries_response_raft(c, i, j, m);
            } else {
                handle_append_entries_response(c, i, j, m);
            }
            break;
        case MsgType::kInstallSnapshotRequest:
            handle_install_snapshot_request(c, i, j, m);
            break;
        case MsgType::kInstallSnapshotResponse:
            if (m.term < v.current_term) {
                drop_stale_response(c, i, j, m);
            } else {
                handle_install_snapshot_response(c, i, j, m);
            }
            break;
    }
}

// ---- Network actions ----

void duplicate_message(Ctx& c, const Message& m) {
    State t = c.base;
    bag_add(t, m);
    emit(c, Action{ActionKind::kDuplicateMessage, m.dest, m.source, 0, m}, t);
}

void drop_message(Ctx& c, const Message& m) {
    State t = c.base;
    bag_remove(t, m);
    emit(c, Action{ActionKind::kDropMessage, m.dest, m.source, 0, m}, t);
}

}  // namespace

void restart_server(Server& v, const Params& p) {
    v.role = Role::kFollower;
    v.votes_responded = 0;
    v.votes_granted = 0;
    v.voter_log_mask = 0;
    v.voter_log = {};
    for (std::uint32_t j = 0; j < p.servers; ++j) {
        v.next_index[j] = 1;
        v.match_index[j] = 0;
    }
    v.commit_index = v.snapshot_index;
}

State init(const Params& p) {
    State s;
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        Server& v = s.servers[i];
        v = Server{};
        for (std::uint32_t j = 0; j < p.servers; ++j) {
            v.next_index[j] = 1;
            v.match_index[j] = 0;
        }
    }
    return s;
}

void next(const State& s, const Params& p, Emitter& e) {
    // allLogs' = allLogs \cup {log[i] : i \in Server}, conjoined with every step.
    State base = s;
    for (std::uint32_t i = 0; i < p.servers; ++i) set_insert(base.all_logs, s.servers[i].log);
    Ctx c{s, base, p, e};
    const auto n = static_cast<u8>(p.servers);
    for (u8 i = 0; i < n; ++i) restart(c, i);
    for (u8 i = 0; i < n; ++i) timeout(c, i);
    for (u8 i = 0; i < n; ++i) {
        for (u8 j = 0; j < n; ++j) request_vote(c, i, j);
    }
    for (u8 i = 0; i < n; ++i) become_leader(c, i);
    for (u8 i = 0; i < n; ++i) {
        for (u8 v = 1; v <= p.values; ++v) client_request(c, i, v);
    }
    for (u8 i = 0; i < n; ++i) advance_commit_index(c, i);
    for (u8 i = 0; i < n; ++i) {
        for (u8 j = 0; j < n; ++j) append_entries(c, i, j);
    }
    if (p.max_snapshots > 0) {
        for (u8 i = 0; i < n; ++i) {
            for (u8 k = static_cast<u8>(s.servers[i].snapshot_index + 1); k <= s.servers[i].commit_index; ++k) compact_log(c, i, k);
        }
        for (u8 i = 0; i < n; ++i) {
            for (u8 j = 0; j < n; ++j) install_snapshot(c, i, j);
        }
    }
    for (const BagItem& item : s.messages) receive(c, item.m);
    for (const BagItem& item : s.messages) duplicate_message(c, item.m);
    for (const BagItem& item : s.messages) drop_message(c, item.m);
}

bool within_bounds(const State& s, const Params& p) {
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (s.servers[i].current_term > p.max_term || s.servers[i].log.len() > p.max_log) return false;
    }
    std::uint32_t total = 0;
    for (const BagItem& item : s.messages) {
        if (item.count > p.max_copies) return false;
        total += item.count;
    }
    return total <= p.max_msgs;
}

std::string action_name(ActionKind k) {
    switch (k) {
        case ActionKind::kRestart: return "Restart";
        case ActionKind::kTimeout: return "Timeout";
        case ActionKind::kRequestVote: return "RequestVote";
        case ActionKind::kBecomeLeader: return "BecomeLeader";
        case ActionKind::kClientRequest: return "ClientRequest";
        case ActionKind::kAdvanceCommitIndex: return "AdvanceCommitIndex";
        case ActionKind::kAppendEntries: return "AppendEntries";
        case ActionKind::kUpdateTerm: return "UpdateTerm";
        case ActionKind::kHandleRequestVoteRequest: return "HandleRequestVoteRequest";
        case ActionKind::kHandleRequestVoteResponse: return "HandleRequestVoteResponse";
        case ActionKind::kDropStaleResponse: return "DropStaleResponse";
        case ActionKind::kHandleAppendEntriesRequest: return "HandleAppendEntriesRequest";
        case ActionKind::kHandleAppendEntriesResponse: return "HandleAppendEntriesResponse";
        case ActionKind::kCompactLog: return "CompactLog";
        case ActionKind::kInstallSnapshot: return "InstallSnapshot";
        case ActionKind::kHandleInstallSnapshotRequest: return "HandleInstallSnapshotRequest";
        case ActionKind::kHandleInstallSnapshotResponse: return "HandleInstallSnapshotResponse";
        case ActionKind::kDuplicateMessage: return "DuplicateMessage";
        case ActionKind::kDropMessage: return "DropMessage";
        case ActionKind::kChangeConfig: return "ChangeConfig";
    }
    return "?";
}

std::string describe(const Action& a) {
    switch (a.kind) {
        case ActionKind::kRestart:
        case ActionKind::kTimeout:
        case ActionKind::kBecomeLeader:
        case ActionKind::kAdvanceCommitIndex:
            return action_name(a.kind) + "(" + server_name(a.i) + ")";
        case ActionKind::kRequestVote:
        case ActionKind::kAppendEntries:
        case ActionKind::kInstallSnapshot:
            return action_name(a.kind) + "(" + server_name(a.i) + ", " + server_name(a.j) + ")";
        case ActionKind::kCompactLog:
            return action_name(a.kind) + "(" + server_name(a.i) + ", " + std::to_string(a.v) + ")";
        case ActionKind::kClientRequest:
            return action_name(a.kind) + "(" + server_name(a.i) + ", v" + std::to_string(a.v) + ")";
        default:
            return action_name(a.kind) + "(" + describe(a.m) + ")";
    }
}

}  // namespace spec
