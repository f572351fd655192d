#include "spec/state.hpp"

#include <algorithm>

namespace spec {

std::string to_string(const Log& log) {
    std::string s = "<<";
    for (std::uint32_t k = 1; k <= log.len(); ++k) {
        if (k > 1) s += ", ";
        s += "t" + std::to_string(log.term(k)) + ":v" + std::to_string(log.value(k));
    }
    return s + ">>";
}

std::string validate(const Params& p) {
    if (p.servers < 1 || p.servers > kMaxServers) return "--servers must be between 1 and " + std::to_string(kMaxServers);
    if (p.values < 1 || p.values > kMaxValues) return "--values must be between 1 and " + std::to_string(kMaxValues);
    if (p.max_term < 1 || p.max_term + 1 > kMaxTermValue) {
        return "--max-term must be between 1 and " + std::to_string(kMaxTermValue - 1);
    }
    if (p.max_log + 1 > kMaxLogEntries) return "--max-log must be at most " + std::to_string(kMaxLogEntries - 1);
    if (p.max_msgs < 1 || p.max_msgs + 1 > kMaxBag) return "--max-msgs must be between 1 and " + std::to_string(kMaxBag - 1);
    if (p.max_copies < 1 || p.max_copies > p.max_msgs) return "--max-copies must be between 1 and --max-msgs";
    if (p.max_snapshots > kMaxSnapshots) return "--max-snapshots must be at most " + std::to_string(kMaxSnapshots);
    if (p.max_snapshots > 0 && p.variant != Variant::kRaft) return "--max-snapshots needs --model raft (raft.tla has no snapshots)";
    return "";
}

std::string variant_name(Variant v) {
    switch (v) {
        case Variant::kRaftTla: return "raft-tla";
        case Variant::kRaft: return "raft";
    }
    return "?";
}

std::optional<Variant> variant_named(const std::string& name) {
    for (Variant v : {Variant::kRaftTla, Variant::kRaft}) {
        if (variant_name(v) == name) return v;
    }
    return std::nullopt;
}

void bag_add(State& s, const Message& m) {
    auto& bag = s.messages;
    std::size_t i = 0;
    while (i < bag.size() && bag[i].m < m) ++i;
    if (i < bag.size() && bag[i].m == m) {
        ++bag[i].count;
        return;
    }
    bag.insert_at(i, BagItem{m, 1});
}

void bag_remove(State& s, const Message& m) {
    auto& bag = s.messages;
    for (std::size_t i = 0; i < bag.size(); ++i) {
        if (bag[i].m != m) continue;
        if (bag[i].count <= 1) {
            bag.erase_at(i);
        } else {
            --bag[i].count;
        }
        return;
    }
}

std::uint32_t bag_total(const State& s) {
    std::uint32_t total = 0;
    for (const BagItem& item : s.messages) total += item.count;
    return total;
}

namespace {

// Writes into a caller's buffer through a raw cursor: encoding runs once per generated state
// (and once per permutation under symmetry), so it must not grow a string byte by byte.
class Writer {
public:
    explicit Writer(char* buf) : p_(buf) {}
    void u8(std::uint8_t v) { *p_++ = static_cast<char>(v); }
    void u64(std::uint64_t v) {
        for (int k = 0; k < 8; ++k) *p_++ = static_cast<char>((v >> (8 * k)) & 0xFF);
    }
    char* pos() const { return p_; }

private:
    char* p_;
};

class Reader {
public:
    explicit Reader(std::string_view s) : s_(s) {}
    std::uint8_t u8() {
        SPEC_ASSERT(pos_ < s_.size(), "truncated state encoding");
        return static_cast<std::uint8_t>(s_[pos_++]);
    }
    std::uint64_t u64() {
        std::uint64_t v = 0;
        for (int k = 0; k < 8; ++k) v |= std::uint64_t{u8()} << (8 * k);
        return v;
    }
    Log log() { return Log::from_bits(u64()); }

private:
    std::string_view s_;
    std::size_t pos_ = 0;
};

void put_message(Writer& w, const Message& m) {
    w.u8(static_cast<std::uint8_t>(m.type));
    w.u8(m.term);
    w.u8(m.source);
    w.u8(m.dest);
    w.u8(m.f1);
    w.u8(m.f2);
    w.u8(m.f3);
    w.u8(m.f4);
    w.u64(m.entries.bits());
    w.u64(m.mlog.bits());
}

Message get_message(Reader& r) {
    Message m;
    m.type = static_cast<MsgType>(r.u8());
    m.term = r.u8();
    m.source = r.u8();
    m.dest = r.u8();
    m.f1 = r.u8();
    m.f2 = r.u8();
    m.f3 = r.u8();
    m.f4 = r.u8();
    m.entries = r.log();
    m.mlog = r.log();
    return m;
}

using Perm = std::array<std::uint8_t, kMaxServers>;

std::uint8_t map_id(std::uint8_t id, const Perm& perm) { return id == kNil ? kNil : perm[id]; }

std::uint8_t map_mask(std::uint8_t mask, const Perm& perm, std::uint32_t n) {
    std::uint8_t out = 0;
    for (std::uint32_t j = 0; j < n; ++j) {
        if (mask >> j & 1) out = static_cast<std::uint8_t>(out | (1u << perm[j]));
    }
    return out;
}

// The largest encoding a state can have, with room to spare.
constexpr std::size_t kMaxEncoding =
    kMaxServers * (17 + kMaxServers * 10) + 1 + 1 + kMaxBag * 26 + 1 + kMaxElections * (12 + kMaxServers * 8) + 1 + kMaxAllLogs * 8;

}  // namespace

namespace {

// kIdentity: the state as it is. Its bag and sets are already sorted and no id needs
// renaming, which makes plain encoding (the common case) about twice as fast.
template <bool kIdentity>
void encode_impl(const State& s, const Params& p, const std::array<std::uint8_t, kMaxServers>& perm, std::string& out) {
    const std::uint32_t n = p.servers;
    auto id = [&](std::uint8_t x) -> std::uint8_t {
        if constexpr (kIdentity) return x;
        return map_id(x, perm);
    };
    auto mask = [&](std::uint8_t m) -> std::uint8_t {
        if constexpr (kIdentity) return m;
        return map_mask(m, perm, n);
    };
    Perm inverse{};
    for (std::uint32_t i = 0; i < n; ++i) inverse[perm[i]] = static_cast<std::uint8_t>(i);
    char buf[kMaxEncoding];
    Writer w(buf);
    // Server k of the permuted state is server inverse[k] of s.
    for (std::uint32_t k = 0; k < n; ++k) {
        const Server& v = s.servers[inverse[k]];
        w.u8(v.current_term);
        w.u8(static_cast<std::uint8_t>(v.role));
        w.u8(id(v.voted_for));
        w.u8(v.commit_index);
        w.u8(mask(v.votes_responded));
        w.u8(mask(v.votes_granted));
        // Only with snapshots: without them the encoding, and so every fingerprint, is the
        // one the model had before snapshots existed.
        if (p.max_snapshots > 0) w.u8(v.snapshot_index);
        const std::uint8_t voter_mask = mask(v.voter_log_mask);
        w.u8(voter_mask);
        w.u64(v.log.bits());
        for (std::uint32_t j = 0; j < n; ++j) {
            const std::uint8_t from = inverse[j];
            w.u8(v.next_index[from]);
            w.u8(v.match_index[from]);
            if (voter_mask >> j & 1) w.u64(v.voter_log[from].bits());
        }
    }
    // Scratch arrays, reused: default-constructing them on every call costs more than the
    // encoding itself.
    thread_local std::array<BagItem, kMaxBag> bag;
    thread_local std::array<Election, kMaxElections> elections;
    const BagItem* bag_items = s.messages.begin();
    const Election* election_items = s.elections.begin();
    if constexpr (!kIdentity) {
        for (std::size_t k = 0; k < s.messages.size(); ++k) {
            bag[k] = s.messages[k];
            bag[k].m.source = perm[bag[k].m.source];
            bag[k].m.dest = perm[bag[k].m.dest];
        }
        std::sort(bag.begin(), bag.begin() + static_cast<std::ptrdiff_t>(s.messages.size()));
        bag_items = bag.data();
        for (std::size_t k = 0; k < s.elections.size(); ++k) {
            const Election& e = s.elections[k];
            Election& f = elections[k];
            f = e;
            f.leader = perm[e.leader];
            f.votes = map_mask(e.votes, perm, n);
            f.voter_mask = map_mask(e.voter_mask, perm, n);
            for (std::uint32_t j = 0; j < n; ++j) f.voter_logs[perm[j]] = e.voter_logs[j];
        }
        std::sort(elections.begin(), elections.begin() + static_cast<std::ptrdiff_t>(s.elections.size()));
        election_items = elections.data();
    }
    w.u8(static_cast<std::uint8_t>(s.messages.size()));
    for (std::size_t k = 0; k < s.messages.size(); ++k) {
        put_message(w, bag_items[k].m);
        w.u8(bag_items[k].count);
    }
    w.u8(static_cast<std::uint8_t>(s.elections.size()));
    for (std::size_t k = 0; k < s.elections.size(); ++k) {
        const Election& e = election_items[k];
        w.u8(e.term);
        w.u8(e.leader);
        w.u8(e.votes);
        w.u8(e.voter_mask);
        w.u64(e.log.bits());
        for (std::uint32_t j = 0; j < n; ++j) {
            if (e.voter_mask >> j & 1) w.u64(e.voter_logs[j].bits());
        }
    }
    w.u8(static_cast<std::uint8_t>(s.all_logs.size()));
    for (const Log& l : s.all_logs) w.u64(l.bits());
    if (p.max_snapshots > 0) w.u8(s.snapshots_taken);
    out.assign(buf, static_cast<std::size_t>(w.pos() - buf));
}

}  // namespace

void encode_permuted(const State& s, const Params& p, const std::array<std::uint8_t, kMaxServers>& perm, std::string& out) {
    encode_impl<false>(s, p, perm, out);
}

void encode(const State& s, const Params& p, std::string& out) {
    static constexpr Perm kIdentityPerm = {0, 1, 2, 3, 4};
    static_assert(kMaxServers == 5, "kIdentityPerm lists every server");
    encode_impl<true>(s, p, kIdentityPerm, out);
}

State decode(std::string_view bytes, const Params& p) {
    State s;
    Reader r(bytes);
    const std::uint32_t n = p.servers;
    for (std::uint32_t i = 0; i < n; ++i) {
        Server& v = s.servers[i];
        v.current_term = r.u8();
        v.role = static_cast<Role>(r.u8());
        v.voted_for = r.u8();
        v.commit_index = r.u8();
        v.votes_responded = r.u8();
        v.votes_granted = r.u8();
        if (p.max_snapshots > 0) v.snapshot_index = r.u8();
        v.voter_log_mask = r.u8();
        v.log = r.log();
        for (std::uint32_t j = 0; j < n; ++j) {
            v.next_index[j] = r.u8();
            v.match_index[j] = r.u8();
            if (v.voter_log_mask >> j & 1) v.voter_log[j] = r.log();
        }
    }
    const std::uint8_t bag_size = r.u8();
    for (std::uint8_t k = 0; k < bag_size; ++k) {
        const Message m = get_message(r);
        s.messages.push_back(BagItem{m, r.u8()});
    }
    const std::uint8_t elections = r.u8();
    for (std::uint8_t k = 0; k < elections; ++k) {
        Election e;
        e.term = r.u8();
        e.leader = r.u8();
        e.votes = r.u8();
        e.voter_mask = r.u8();
        e.log = r.log();
        for (std::uint32_t j = 0; j < n; ++j) {
            if (e.voter_mask >> j & 1) e.voter_logs[j] = r.log();
        }
        s.elections.push_back(e);
    }
    const std::uint8_t logs = r.u8();
    for (std::uint8_t k = 0; k < logs; ++k) s.all_logs.push_back(r.log());
    if (p.max_snapshots > 0) s.snapshots_taken = r.u8();
    return s;
}

namespace {

template <class T>
std::array<T, kMaxServers> permute_array(const std::array<T, kMaxServers>& a, const Perm& perm, std::uint32_t n) {
    std::array<T, kMaxServers> out = a;
    for (std::uint32_t j = 0; j < n; ++j) out[perm[j]] = a[j];
    return out;
}

}  // namespace

State permute(const State& s, const Params& p, const std::array<std::uint8_t, kMaxServers>& perm) {
    const std::uint32_t n = p.servers;
    State out;
    for (std::uint32_t i = 0; i < n; ++i) {
        const Server& v = s.servers[i];
        Server w = v;
        w.voted_for = map_id(v.voted_for, perm);
        w.votes_responded = map_mask(v.votes_responded, perm, n);
        w.votes_granted = map_mask(v.votes_granted, perm, n);
        w.voter_log_mask = map_mask(v.voter_log_mask, perm, n);
        w.voter_log = permute_array(v.voter_log, perm, n);
        w.next_index = permute_array(v.next_index, perm, n);
        w.match_index = permute_array(v.match_index, perm, n);
        out.servers[perm[i]] = w;
    }
    for (const BagItem& item : s.messages) {
        Message m = item.m;
        m.source = perm[m.source];
        m.dest = perm[m.dest];
        for (std::uint8_t c = 0; c < item.count; ++c) bag_add(out, m);
    }
    for (const Election& e : s.elections) {
        Election f = e;
        f.leader = perm[e.leader];
        f.votes = map_mask(e.votes, perm, n);
        f.voter_mask = map_mask(e.voter_mask, perm, n);
        f.voter_logs = permute_array(e.voter_logs, perm, n);
        set_insert(out.elections, f);
    }
    out.all_logs = s.all_logs;  // logs name no servers
    out.snapshots_taken = s.snapshots_taken;
    return out;
}

std::string server_name(std::uint32_t i) { return i == kNil ? "Nil" : "s" + std::to_string(i + 1); }

std::string to_string(Role r) {
    switch (r) {
        case Role::kFollower: return "Follower";
        case Role::kCandidate: return "Candidate";
        case Role::kLeader: return "Leader";
    }
    return "?";
}

std::string describe(const Message& m) {
    const std::string head = " term=" + std::to_string(m.term) + " " + server_name(m.source) + "->" + server_name(m.dest);
    switch (m.type) {
        case MsgType::kRequestVoteRequest:
            return "RequestVoteRequest" + head + " lastLogTerm=" + std::to_string(m.last_log_term()) +
                   " lastLogIndex=" + std::to_string(m.last_log_index());
        case MsgType::kRequestVoteResponse:
            return "RequestVoteResponse" + head + " granted=" + (m.vote_granted() ? "TRUE" : "FALSE") +
                   " mlog=" + to_string(m.mlog);
        case MsgType::kAppendEntriesRequest:
            return "AppendEntriesRequest" + head + " prevLogIndex=" + std::to_string(m.prev_log_index()) +
                   " prevLogTerm=" + std::to_string(m.prev_log_term()) + " entries=" + to_string(m.entries) +
                   " commitIndex=" + std::to_string(m.commit_index()) + " mlog=" + to_string(m.mlog);
        case MsgType::kAppendEntriesResponse:
            if (!m.success() && (m.x_len() != 0 || m.x_term() != 0)) {
                return "AppendEntriesResponse" + head + " success=FALSE xterm=" + std::to_string(m.x_term()) +
                       " xindex=" + std::to_string(m.x_index()) + " xlen=" + std::to_string(m.x_len());
            }
            return "AppendEntriesResponse" + head + " success=" + (m.success() ? "TRUE" : "FALSE") +
                   " matchIndex=" + std::to_string(m.match_index());
        case MsgType::kInstallSnapshotRequest:
            return "InstallSnapshotRequest" + head + " lastIncludedIndex=" + std::to_string(m.last_included_index()) +
                   " lastIncludedTerm=" + std::to_string(m.last_included_term()) + " data=" + to_string(m.entries);
        case MsgType::kInstallSnapshotResponse:
            return "InstallSnapshotResponse" + head + " matchIndex=" + std::to_string(m.match_index());
    }
    return "?";
}

namespace {

std::string mask_string(std::uint8_t mask, std::uint32_t n) {
    std::string s = "{";
    for (std::uint32_t j = 0; j < n; ++j) {
        if (!(mask >> j & 1)) continue;
        if (s.size() > 1) s += ", ";
        s += server_name(j);
    }
    return s + "}";
}

template <class F>
std::string per_server(std::uint32_t n, F f) {
    std::string s;
    for (std::uint32_t i = 0; i < n; ++i) s += (i ? " @@ " : "") + server_name(i) + " :> " + f(i);
    return "(" + s + ")";
}

}  // namespace

std::string describe(const State& s, const Params& p) {
    const std::uint32_t n = p.servers;
    std::string out;
    out += "currentTerm = " + per_server(n, [&](std::uint32_t i) { return std::to_string(s.servers[i].current_term); }) + "\n";
    out += "state = " + per_server(n, [&](std::uint32_t i) { return to_string(s.servers[i].role); }) + "\n";
    out += "votedFor = " + per_server(n, [&](std::uint32_t i) { return server_name(s.servers[i].voted_for); }) + "\n";
    out += "log = " + per_server(n, [&](std::uint32_t i) { return to_string(s.servers[i].log); }) + "\n";
    out += "commitIndex = " + per_server(n, [&](std::uint32_t i) { return std::to_string(s.servers[i].commit_index); }) + "\n";
    if (p.max_snapshots > 0) {
        out += "snapshotIndex = " + per_server(n, [&](std::uint32_t i) { return std::to_string(s.servers[i].snapshot_index); }) + "\n";
    }
    out += "votesResponded = " + per_server(n, [&](std::uint32_t i) { return mask_string(s.servers[i].votes_responded, n); }) + "\n";
    out += "votesGranted = " + per_server(n, [&](std::uint32_t i) { return mask_string(s.servers[i].votes_granted, n); }) + "\n";
    out += "nextIndex = " + per_server(n, [&](std::uint32_t i) {
               return per_server(n, [&](std::uint32_t j) { return std::to_string(s.servers[i].next_index[j]); });
           }) + "\n";
    out += "matchIndex = " + per_server(n, [&](std::uint32_t i) {
               return per_server(n, [&](std::uint32_t j) { return std::to_string(s.servers[i].match_index[j]); });
           }) + "\n";
    out += "messages =";
    if (s.messages.empty()) out += " (empty)";
    for (const BagItem& item : s.messages) out += "\n  " + std::to_string(item.count) + " x " + describe(item.m);
    out += "\nelections =";
    for (const Election& e : s.elections) {
        out += " [term " + std::to_string(e.term) + " leader " + server_name(e.leader) + " votes " + mask_string(e.votes, n) +
               " log " + to_string(e.log) + "]";
    }
    out += "\nallLogs = {";
    for (std::size_t k = 0; k < s.all_logs.size(); ++k) out += (k ? ", " : "") + to_string(s.all_logs[k]);
    out += "}\n";
    if (p.max_snapshots > 0) out += "snapshotsTaken = " + std::to_string(s.snapshots_taken) + "\n";
    return out;
}

}  // namespace spec
