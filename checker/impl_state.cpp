#include "checker/impl_state.hpp"

#include <algorithm>
#include <numeric>

namespace checker::impl {
namespace {

enum class Kind : std::uint8_t {
    kRequestVote = 1,
    kRequestVoteReply,
    kAppendEntries,
    kAppendEntriesReply,
    kInstallSnapshot,
    kInstallSnapshotReply,
};

// Bit 7 of a node's role byte (and of a stored state's vote byte): a snapshot follows. Never
// set without one, so that the encoding of a cluster without snapshots is what it always was.
constexpr std::uint8_t kHasSnapshot = 0x80;

// Every number the encoding writes must fit its byte: the bounds keep them small, and a
// successor is at most one step beyond the bounds.
std::uint8_t byte(std::uint64_t v) {
    RAFT_ASSERT(v < 256, "a bounded model's number fits a byte");
    return static_cast<std::uint8_t>(v);
}

std::uint8_t id_byte(const std::optional<raft::NodeId>& id, const Perm& perm) {
    return id ? static_cast<std::uint8_t>(perm[id->value] + 1) : 0;
}

std::uint8_t permute_mask(std::uint32_t mask, const Perm& perm) {
    std::uint32_t out = 0;
    for (std::uint32_t i = 0; i < kMaxServers; ++i) {
        if ((mask >> i) & 1u) out |= 1u << perm[i];
    }
    return static_cast<std::uint8_t>(out);
}

// The full log: its length, then every entry, the snapshot's (its data) first. Where the
// snapshot ends is written by the caller (after the kHasSnapshot flag).
void put_log(const raft::Log& log, const raft::Snapshot& snap, std::string& out) {
    out += static_cast<char>(byte(log.last_index().value));
    if (snap.last_included_index.value > 0) {
        RAFT_ASSERT(snap.data.size() == 2 * snap.last_included_index.value, "a model snapshot holds its entries");
        out += snap.data;
    }
    for (const raft::Entry& e : log.entries()) {
        out += static_cast<char>(byte(e.term.value));
        out += static_cast<char>(value_of(e));
    }
}

void put_node(const raft::NodeState& n, std::uint32_t servers, const Perm& perm, const Perm& inv, std::string& out) {
    RAFT_ASSERT(!n.leader, "the model forgets NodeState::leader");
    RAFT_ASSERT(n.last_applied == n.commit_index, "step applies everything committed");
    const raft::LogIndex snap = n.snapshot.last_included_index;
    out += static_cast<char>(byte(n.current_term.value));
    out += static_cast<char>(id_byte(n.voted_for, perm));
    out += static_cast<char>(static_cast<std::uint8_t>(n.role) | (snap.value > 0 ? kHasSnapshot : 0));
    if (snap.value > 0) out += static_cast<char>(byte(snap.value));
    out += static_cast<char>(byte(n.commit_index.value));
    if (n.role == raft::Role::kCandidate) out += static_cast<char>(permute_mask(n.votes_granted.bits, perm));
    if (n.role == raft::Role::kLeader) {
        for (std::uint32_t k = 0; k < servers; ++k) {
            out += static_cast<char>(byte(n.next_index[inv[k]].value));
            out += static_cast<char>(byte(n.match_index[inv[k]].value));
        }
    }
    put_log(n.log, n.snapshot, out);
}

void put_stored(const raft::PersistentState& st, const Perm& perm, std::string& out) {
    const raft::LogIndex snap = st.snapshot.last_included_index;
    out += static_cast<char>(byte(st.current_term.value));
    out += static_cast<char>(id_byte(st.voted_for, perm) | (snap.value > 0 ? kHasSnapshot : 0));
    if (snap.value > 0) out += static_cast<char>(byte(snap.value));
    put_log(st.log, st.snapshot, out);
}

// Reads the encoding back; every read is checked against the end, so a corrupt frontier
// cannot read out of bounds.
struct Reader {
    std::string_view bytes;
    std::size_t pos = 0;
    std::uint8_t next() {
        RAFT_ASSERT(pos < bytes.size(), "encoded cluster state is complete");
        return static_cast<std::uint8_t>(bytes[pos++]);
    }
    std::optional<raft::NodeId> id() {
        const std::uint8_t b = next();
        return b == 0 ? std::nullopt : std::optional<raft::NodeId>(raft::NodeId{b - 1u});
    }
    // A full log of which the first `snap` entries are the snapshot's.
    void log(raft::Log& log, raft::Snapshot& snapshot, std::uint8_t snap) {
        const std::uint8_t n = next();
        RAFT_ASSERT(snap <= n, "a snapshot ends inside its full log");
        for (std::uint8_t k = 0; k < snap; ++k) {
            snapshot.data += static_cast<char>(next());
            snapshot.data += static_cast<char>(next());
        }
        if (snap > 0) {
            snapshot.last_included_index = raft::LogIndex{snap};
            snapshot.last_included_term = raft::Term{static_cast<std::uint8_t>(snapshot.data[2 * snap - 2])};
            log.reset_to(snapshot.last_included_index, snapshot.last_included_term);
        }
        for (std::uint8_t k = snap; k < n; ++k) {
            const std::uint8_t term = next();
            const std::uint8_t value = next();
            log.append(entry_of(EntryKey{term, value}));
        }
    }
};

}  // namespace

std::string validate(const Params& p) {
    if (p.servers < 1 || p.servers > kMaxServers) return "--servers must be 1.." + std::to_string(kMaxServers);
    if (p.values < 1 || p.values > kMaxValues) return "--values must be 1.." + std::to_string(kMaxValues);
    if (p.max_term < 1 || p.max_term > kMaxTerm) return "--max-term must be 1.." + std::to_string(kMaxTerm);
    if (p.max_log > kMaxLog) return "--max-log must be at most " + std::to_string(kMaxLog);
    if (p.max_msgs < 1 || p.max_msgs > 16) return "--max-msgs must be 1..16";
    if (p.max_copies < 1 || p.max_copies > p.max_msgs) return "--max-copies must be 1..max-msgs";
    if (p.max_crashes > 15) return "--max-crashes must be at most 15";
    if (p.max_proposals > 15) return "--max-proposals must be at most 15";
    if (p.max_snapshots > 15) return "--max-snapshots must be at most 15";
    return {};
}

Perm identity_perm() {
    Perm p{};
    std::iota(p.begin(), p.end(), 0);
    return p;
}

std::uint8_t value_of(const raft::Entry& e) {
    if (e.kind == raft::EntryKind::kNoop) return 0;
    RAFT_ASSERT(e.command.size() == 2 && e.command[0] == 'v' && e.command[1] >= '1' && e.command[1] <= '9',
                "the model proposes only commands v1..v9");
    return static_cast<std::uint8_t>(e.command[1] - '0');
}

raft::Command command_of(std::uint32_t value) {
    RAFT_ASSERT(value >= 1 && value <= kMaxValues, "value in range");
    return raft::Command{'v', static_cast<char>('0' + value)};
}

WireMsg to_wire(const raft::Message& m, const Perm& perm) {
    WireMsg w;
    std::size_t n = 1;
    auto put = [&](std::uint64_t v) {
        RAFT_ASSERT(n < WireMsg::kCapacity, "message fits its wire form");
        w.bytes[n++] = byte(v);
    };
    put(std::uint32_t{perm[m.from.value]} << 4 | perm[m.to.value]);
    std::visit(
        [&](const auto& body) {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, raft::RequestVote>) {
                put(static_cast<std::uint8_t>(Kind::kRequestVote));
                put(m.term.value);
                put(body.last_log_index.value);
                put(body.last_log_term.value);
            } else if constexpr (std::is_same_v<T, raft::RequestVoteReply>) {
                put(static_cast<std::uint8_t>(Kind::kRequestVoteReply));
                put(m.term.value);
                put(body.vote_granted);
            } else if constexpr (std::is_same_v<T, raft::AppendEntries>) {
                put(static_cast<std::uint8_t>(Kind::kAppendEntries));
                put(m.term.value);
                put(body.prev_log_index.value);
                put(body.prev_log_term.value);
                put(body.leader_commit.value);
                put(body.entries.size());
                for (const raft::Entry& e : body.entries) {
                    put(e.term.value);
                    put(value_of(e));
                }
            } else if constexpr (std::is_same_v<T, raft::AppendEntriesReply>) {
                put(static_cast<std::uint8_t>(Kind::kAppendEntriesReply));
                put(m.term.value);
                put(body.success);
                put(body.match_index.value);
                put(body.conflict_term.value);
                put(body.conflict_index.value);
                put(body.log_length.value);
            } else if constexpr (std::is_same_v<T, raft::InstallSnapshot>) {
                put(static_cast<std::uint8_t>(Kind::kInstallSnapshot));
                put(m.term.value);
                put(body.last_included_index.value);
                put(body.last_included_term.value);
                RAFT_ASSERT(body.data.size() == 2 * body.last_included_index.value, "a model snapshot holds its entries");
                for (const char c : body.data) put(static_cast<std::uint8_t>(c));
            } else {
                static_assert(std::is_same_v<T, raft::InstallSnapshotReply>);
                put(static_cast<std::uint8_t>(Kind::kInstallSnapshotReply));
                put(m.term.value);
                put(body.last_included_index.value);
            }
        },
        m.body);
    w.bytes[0] = static_cast<std::uint8_t>(n);
    return w;
}

raft::Message from_wire(const WireMsg& w) {
    Reader r{w.view(), 1};
    raft::Message m;
    const std::uint8_t ends = r.next();
    m.from = raft::NodeId{static_cast<std::uint32_t>(ends >> 4u)};
    m.to = raft::NodeId{static_cast<std::uint32_t>(ends & 0xFu)};
    const auto kind = static_cast<Kind>(r.next());
    m.term = raft::Term{r.next()};
    switch (kind) {
        case Kind::kRequestVote: {
            raft::RequestVote rv;
            rv.last_log_index = raft::LogIndex{r.next()};
            rv.last_log_term = raft::Term{r.next()};
            m.body = rv;
            break;
        }
        case Kind::kRequestVoteReply: m.body = raft::RequestVoteReply{r.next() != 0}; break;
        case Kind::kAppendEntries: {
            raft::AppendEntries ae;
            ae.prev_log_index = raft::LogIndex{r.next()};
            ae.prev_log_term = raft::Term{r.next()};
            ae.leader_commit = raft::LogIndex{r.next()};
            const std::uint8_t n = r.next();
            ae.entries.reserve(n);
            for (std::uint8_t k = 0; k < n; ++k) {
                const std::uint8_t term = r.next();
                const std::uint8_t value = r.next();
                ae.entries.push_back(value == 0 ? raft::Entry{raft::Term{term}, raft::EntryKind::kNoop, {}}
                                                : raft::Entry{raft::Term{term}, raft::EntryKind::kCommand, command_of(value)});
            }
            m.body = std::move(ae);
            break;
        }
        case Kind::kAppendEntriesReply: {
            raft::AppendEntriesReply rep;
            rep.success = r.next() != 0;
            rep.match_index = raft::LogIndex{r.next()};
            rep.conflict_term = raft::Term{r.next()};
            rep.conflict_index = raft::LogIndex{r.next()};
            rep.log_length = raft::LogIndex{r.next()};
            m.body = rep;
            break;
        }
        case Kind::kInstallSnapshot: {
            raft::InstallSnapshot is;
            is.last_included_index = raft::LogIndex{r.next()};
            is.last_included_term = raft::Term{r.next()};
            for (std::uint64_t k = 0; k < 2 * is.last_included_index.value; ++k) is.data += static_cast<char>(r.next());
            m.body = std::move(is);
            break;
        }
        case Kind::kInstallSnapshotReply: m.body = raft::InstallSnapshotReply{raft::LogIndex{r.next()}}; break;
        default: RAFT_ASSERT(false, "a wire message names a known kind");
    }
    RAFT_ASSERT(r.pos == w.size(), "a wire message is read whole");
    return m;
}

std::string snapshot_data(const raft::NodeState& n, raft::LogIndex upto) {
    std::string data;
    for (std::uint64_t k = 1; k <= upto.value; ++k) {
        const EntryKey e = entry_key(n, k);
        data += static_cast<char>(e.term);
        data += static_cast<char>(e.value);
    }
    return data;
}

EntryKey entry_key(const raft::Entry& e) { return EntryKey{byte(e.term.value), value_of(e)}; }

EntryKey entry_key(const raft::NodeState& n, std::uint64_t index) {
    RAFT_ASSERT(index >= 1 && index <= n.log.last_index().value, "an entry of the full log");
    if (index > n.log.base_index().value) return entry_key(n.log.at(raft::LogIndex{index}));
    const std::string& d = n.snapshot.data;
    RAFT_ASSERT(d.size() >= 2 * index, "a model snapshot holds its entries");
    return EntryKey{static_cast<std::uint8_t>(d[2 * index - 2]), static_cast<std::uint8_t>(d[2 * index - 1])};
}

raft::Entry entry_of(EntryKey k) {
    return k.value == 0 ? raft::Entry{raft::Term{k.term}, raft::EntryKind::kNoop, {}}
                        : raft::Entry{raft::Term{k.term}, raft::EntryKind::kCommand, command_of(k.value)};
}

raft::PersistentState ClusterState::stored(std::uint32_t i) const {
    return storage[i] ? *storage[i] : raft::persistent_part(nodes[i]);
}

ClusterState initial_cluster(const Params& p) {
    ClusterState s;
    s.nodes.reserve(p.servers);  // decode() builds every state from here: no regrowth
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        s.nodes.push_back(raft::initial_state(raft::Config{raft::NodeId{i}, p.servers, false}));
    }
    s.storage.resize(p.servers);
    return s;
}

void forget_unread(raft::NodeState& n) { n.leader.reset(); }

void encode_node(const raft::NodeState& n, std::uint32_t servers, std::string& out) {
    const Perm id = identity_perm();
    put_node(n, servers, id, id, out);
}

void encode_persistent(const raft::PersistentState& st, std::string& out) { put_stored(st, identity_perm(), out); }

void encode(const ClusterState& s, const Params& p, const Perm& perm, std::string& out) {
    out.clear();
    Perm inv{};
    for (std::uint32_t i = 0; i < p.servers; ++i) inv[perm[i]] = static_cast<std::uint8_t>(i);
    for (std::uint32_t j = 0; j < p.servers; ++j) {
        put_node(s.nodes[inv[j]], p.servers, perm, inv, out);
        out += static_cast<char>(s.restarts[inv[j]]);
    }
    std::uint8_t diverged = 0;
    for (std::uint32_t i = 0; i < p.servers; ++i) diverged |= s.storage[i] ? 1u << perm[i] : 0u;
    out += static_cast<char>(diverged);
    for (std::uint32_t j = 0; j < p.servers; ++j) {
        if (!s.storage[inv[j]]) continue;
        put_stored(*s.storage[inv[j]], perm, out);
    }
    for (std::uint32_t t = 1; t <= p.max_term + 1; ++t) out += static_cast<char>(permute_mask(s.elected[t], perm));
    out += static_cast<char>(byte(s.committed.size()));
    for (const CommittedEntry& c : s.committed) {
        out += static_cast<char>(c.term);
        out += static_cast<char>(c.value);
        out += static_cast<char>(c.commit_term);
    }
    out += static_cast<char>(s.proposals);
    if (p.max_snapshots > 0) out += static_cast<char>(s.snapshots);
    out += static_cast<char>(s.alarm);
    out += static_cast<char>(byte(s.network.size()));
    const bool renamed = perm != identity_perm();
    if (!renamed) {
        for (const WireMsg& m : s.network) out.append(m.view());
        return;
    }
    // Renaming changes the order of the bag: sort the renamed messages.
    std::array<WireMsg, 32> renamed_msgs;
    RAFT_ASSERT(s.network.size() <= renamed_msgs.size(), "the bag is bounded");
    for (std::size_t k = 0; k < s.network.size(); ++k) {
        renamed_msgs[k] = s.network[k];
        const std::uint32_t from = s.network[k].from(), to = s.network[k].to();
        renamed_msgs[k].bytes[1] = static_cast<std::uint8_t>(perm[from] << 4 | perm[to]);
    }
    std::sort(renamed_msgs.begin(), renamed_msgs.begin() + static_cast<std::ptrdiff_t>(s.network.size()));
    for (std::size_t k = 0; k < s.network.size(); ++k) out.append(renamed_msgs[k].view());
}

ClusterState decode(std::string_view bytes, const Params& p) {
    Reader r{bytes};
    ClusterState s = initial_cluster(p);
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        raft::NodeState& n = s.nodes[i];
        n.current_term = raft::Term{r.next()};
        n.voted_for = r.id();
        const std::uint8_t role = r.next();
        n.role = static_cast<raft::Role>(role & ~kHasSnapshot);
        const std::uint8_t snap = (role & kHasSnapshot) ? r.next() : 0;
        n.commit_index = raft::LogIndex{r.next()};
        n.last_applied = n.commit_index;
        if (n.role == raft::Role::kCandidate) n.votes_granted.bits = r.next();
        if (n.role == raft::Role::kLeader) {
            n.next_index.resize(p.servers);
            n.match_index.resize(p.servers);
            for (std::uint32_t k = 0; k < p.servers; ++k) {
                n.next_index[k] = raft::LogIndex{r.next()};
                n.match_index[k] = raft::LogIndex{r.next()};
            }
        }
        r.log(n.log, n.snapshot, snap);
        s.restarts[i] = r.next();
    }
    const std::uint8_t diverged = r.next();
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        if (!((diverged >> i) & 1u)) continue;
        raft::PersistentState st;
        st.current_term = raft::Term{r.next()};
        const std::uint8_t vote = r.next();
        const std::uint8_t id = vote & ~kHasSnapshot;
        st.voted_for = id == 0 ? std::nullopt : std::optional<raft::NodeId>(raft::NodeId{id - 1u});
        r.log(st.log, st.snapshot, (vote & kHasSnapshot) ? r.next() : 0);
        s.storage[i] = std::move(st);
    }
    for (std::uint32_t t = 1; t <= p.max_term + 1; ++t) s.elected[t] = r.next();
    const std::uint8_t committed = r.next();
    for (std::uint8_t k = 0; k < committed; ++k) {
        CommittedEntry c;
        c.term = r.next();
        c.value = r.next();
        c.commit_term = r.next();
        s.committed.push_back(c);
    }
    s.proposals = r.next();
    if (p.max_snapshots > 0) s.snapshots = r.next();
    s.alarm = r.next() != 0;
    const std::uint8_t msgs = r.next();
    for (std::uint8_t k = 0; k < msgs; ++k) {
        WireMsg w;
        const std::uint8_t len = static_cast<std::uint8_t>(r.bytes.size() > r.pos ? r.bytes[r.pos] : 0);
        RAFT_ASSERT(len >= 4 && len <= WireMsg::kCapacity, "a wire message has a valid length");
        for (std::uint8_t b = 0; b < len; ++b) w.bytes[b] = r.next();
        s.network.push_back(w);
    }
    RAFT_ASSERT(r.pos == bytes.size(), "an encoded cluster state is read whole");
    return s;
}

std::string describe(const WireMsg& m) { return raft::describe(from_wire(m)); }

std::string describe(const ClusterState& s, const Params& p) {
    // The full log; a snapshot's entries come first, then "|".
    auto log_text = [](const raft::Log& log, const raft::Snapshot& snap) {
        std::string out = "<";
        auto add = [&](const raft::Entry& e) {
            if (out.size() > 1 && out.back() != '|') out += " ";
            out += "t" + std::to_string(e.term.value) + ":" + (e.kind == raft::EntryKind::kNoop ? "noop" : e.command);
        };
        for (std::uint64_t k = 0; k < snap.last_included_index.value; ++k) {
            add(entry_of(EntryKey{static_cast<std::uint8_t>(snap.data[2 * k]), static_cast<std::uint8_t>(snap.data[2 * k + 1])}));
        }
        if (snap.last_included_index.value > 0) out += " |";
        for (const raft::Entry& e : log.entries()) add(e);
        return out + ">";
    };
    std::string out;
    for (std::uint32_t i = 0; i < p.servers; ++i) {
        const raft::NodeState& n = s.nodes[i];
        out += "n" + std::to_string(i) + " = " + raft::to_string(n.role) + " term=" + std::to_string(n.current_term.value) +
               " vote=" + (n.voted_for ? "n" + std::to_string(n.voted_for->value) : "-") +
               " commit=" + std::to_string(n.commit_index.value) + " log=" + log_text(n.log, n.snapshot);
        if (n.snapshot.last_included_index.value > 0) out += " snapshot=" + std::to_string(n.snapshot.last_included_index.value);
        if (n.role == raft::Role::kCandidate) out += " votes=" + std::to_string(n.votes_granted.size());
        if (n.role == raft::Role::kLeader) {
            out += " next=[";
            for (std::uint32_t k = 0; k < p.servers; ++k) out += (k ? "," : "") + std::to_string(n.next_index[k].value);
            out += "] match=[";
            for (std::uint32_t k = 0; k < p.servers; ++k) out += (k ? "," : "") + std::to_string(n.match_index[k].value);
            out += "]";
        }
        if (s.restarts[i] != 0) out += " restarts=" + std::to_string(s.restarts[i]);
        out += "\n";
        if (s.storage[i]) {
            const raft::PersistentState& st = *s.storage[i];
            out += "n" + std::to_string(i) + ".storage = term=" + std::to_string(st.current_term.value) +
                   " vote=" + (st.voted_for ? "n" + std::to_string(st.voted_for->value) : "-") +
                   " log=" + log_text(st.log, st.snapshot) +
                   (st.snapshot.last_included_index.value > 0 ? " snapshot=" + std::to_string(st.snapshot.last_included_index.value) : "") +
                   " (differs from memory)\n";
        }
    }
    out += "network = " + std::to_string(s.network.size()) + " in flight\n";
    for (const WireMsg& m : s.network) out += "  " + describe(m) + "\n";
    std::string elected;
    for (std::uint32_t t = 1; t <= p.max_term + 1; ++t) {
        for (std::uint32_t i = 0; i < p.servers; ++i) {
            if ((s.elected[t] >> i) & 1u) elected += (elected.empty() ? "" : ", ") + ("n" + std::to_string(i) + "@t" + std::to_string(t));
        }
    }
    out += "elected = {" + elected + "}\n";
    std::string committed;
    for (const CommittedEntry& c : s.committed) {
        committed += (committed.empty() ? "" : " ") + ("t" + std::to_string(c.term) + ":" +
                                                       (c.value == 0 ? std::string("noop") : command_of(c.value)));
    }
    out += "committed = <" + committed + ">\n";
    if (s.proposals != 0) out += "proposals = " + std::to_string(s.proposals) + "\n";
    if (s.snapshots != 0) out += "snapshots = " + std::to_string(s.snapshots) + "\n";
    if (s.alarm) out += "alarm = raised\n";
    return out;
}

}  // namespace checker::impl
