#pragma once
// The replicated log. Indexes are global and start at 1; the log remembers the index and term
// of the entry just before its first stored one (0/0 until log compaction moves it), so that
// index arithmetic never changes when a prefix is compacted away.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "raft/types.hpp"

namespace raft {

// A client command: opaque bytes to Raft. The key/value service encodes its operations in it.
using Command = std::string;

enum class EntryKind : std::uint8_t {
    kCommand,  // carries a client command
    kNoop,     // appended by a new leader (Config::noop_on_election) to commit earlier terms
};

struct Entry {
    Term term;
    EntryKind kind = EntryKind::kCommand;
    Command command;
    bool operator==(const Entry&) const = default;
    auto operator<=>(const Entry&) const = default;
};

class Log {
public:
    Log() = default;

    LogIndex first_index() const { return base_index_.next(); }
    // The entry just before the first stored one: 0/0, or the last entry a snapshot covers.
    LogIndex base_index() const { return base_index_; }
    Term base_term() const { return base_term_; }
    LogIndex last_index() const { return base_index_ + entries_.size(); }
    Term last_term() const { return entries_.empty() ? base_term_ : entries_.back().term; }
    bool empty() const { return entries_.empty(); }

    // The term of the entry at `index`, if this log knows it (0 is known: term 0).
    std::optional<Term> term_at(LogIndex index) const;
    // REQUIRES: first_index() <= index <= last_index().
    const Entry& at(LogIndex index) const;
    // The first index holding an entry of `term`, searching down from `from`. REQUIRES: the entry
    // at `from` has term `term`.
    LogIndex first_index_of_term_at(LogIndex from) const;
    // The last stored index holding an entry of `term`, if any. The base is not searched: the
    // leader's fast backup then falls back to XIndex, as the spec's HandleAppendEntriesResponse
    // does (it searches above the snapshot only), and the follower gets a snapshot if needed.
    std::optional<LogIndex> last_index_of_term(Term term) const;
    // Entries [from, last_index()], for sending. REQUIRES: first_index() <= from.
    std::vector<Entry> slice_from(LogIndex from) const;

    void append(Entry entry);
    // Drops every entry at or after `index`. REQUIRES: first_index() <= index <= last_index()+1.
    void truncate_from(LogIndex index);
    // Log compaction: drops every entry at or before `index`, which becomes the base (its term
    // is remembered). REQUIRES: base_index() <= index <= last_index().
    void compact_to(LogIndex index);
    // Drops every entry and starts over after (index, term): what a follower does when a
    // snapshot's last entry is not in its log. REQUIRES: index >= base_index().
    void reset_to(LogIndex index, Term term);

    const std::vector<Entry>& entries() const { return entries_; }

    bool operator==(const Log&) const = default;

private:
    std::size_t offset(LogIndex index) const;

    LogIndex base_index_;
    Term base_term_;
    std::vector<Entry> entries_;
};

// Raft's "at least as up-to-date" order on logs (paper, 5.4.1): later last term wins, then
// the longer log.
bool log_is_up_to_date(Term candidate_last_term, LogIndex candidate_last_index, const Log& voter_log);

}  // namespace raft
