#include "raft/io.hpp"

namespace raft {

void apply_persist(PersistentState& storage, const Persist& persist) {
    if (persist.snapshot) {
        const Snapshot& snap = *persist.snapshot;
        RAFT_ASSERT(snap.last_included_index >= storage.snapshot.last_included_index, "a stored snapshot never goes back");
        // The same choice the node made in memory, on the same log (storage held what memory did).
        if (snap.last_included_index <= storage.log.last_index() &&
            storage.log.term_at(snap.last_included_index) == snap.last_included_term) {
            storage.log.compact_to(snap.last_included_index);
        } else {
            storage.log.reset_to(snap.last_included_index, snap.last_included_term);
        }
        storage.snapshot = snap;
    }
    if (persist.hard_state) {
        RAFT_ASSERT(persist.hard_state->current_term >= storage.current_term, "a persisted term never goes back");
        storage.current_term = persist.hard_state->current_term;
        storage.voted_for = persist.hard_state->voted_for;
    }
    if (persist.log) {
        storage.log.truncate_from(persist.log->from);
        for (const Entry& e : persist.log->entries) storage.log.append(e);
    }
}

std::string describe(const Input& input) {
    if (const auto* m = std::get_if<Message>(&input)) return "receive " + describe(*m);
    if (std::holds_alternative<ElectionTimeout>(input)) return "election timeout";
    if (std::holds_alternative<HeartbeatTimeout>(input)) return "heartbeat timeout";
    if (const auto* p = std::get_if<Propose>(&input)) return "propose " + describe(Entry{Term{}, EntryKind::kCommand, p->command}).substr(3);
    if (const auto* c = std::get_if<CompactLog>(&input)) {
        return "compact log to " + to_string(c->index) + " (" + std::to_string(c->snapshot.size()) + "B snapshot)";
    }
    const auto& r = std::get<Restart>(input);
    const LogIndex snap = r.persisted.snapshot.last_included_index;
    return "restart from term=" + to_string(r.persisted.current_term) +
           " vote=" + (r.persisted.voted_for ? to_string(*r.persisted.voted_for) : "-") +
           " log=" + to_string(r.persisted.log.last_index()) + (snap > LogIndex{} ? " snap=" + to_string(snap) : "");
}

std::string describe(const Notice& n) {
    switch (n.kind) {
        case NoticeKind::kBecameCandidate: return "became candidate in term " + to_string(n.term);
        case NoticeKind::kBecameLeader: return "became leader in term " + to_string(n.term);
        case NoticeKind::kSteppedDown: return "stepped down in term " + to_string(n.term);
    }
    return "?";
}

}  // namespace raft
