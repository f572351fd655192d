#include "raft/log.hpp"

namespace raft {

std::string to_string(Term t) { return std::to_string(t.value); }
std::string to_string(LogIndex i) { return std::to_string(i.value); }
std::string to_string(NodeId n) { return "n" + std::to_string(n.value); }

std::size_t Log::offset(LogIndex index) const {
    RAFT_ASSERT(index >= first_index() && index <= last_index(), "index outside the stored log");
    return static_cast<std::size_t>(index.value - first_index().value);
}

std::optional<Term> Log::term_at(LogIndex index) const {
    if (index == base_index_) return base_term_;
    if (index < base_index_ || index > last_index()) return std::nullopt;
    return entries_[offset(index)].term;
}

const Entry& Log::at(LogIndex index) const { return entries_[offset(index)]; }

LogIndex Log::first_index_of_term_at(LogIndex from) const {
    const Term term = at(from).term;
    LogIndex i = from;
    while (i > first_index() && at(i.prev()).term == term) i = i.prev();
    return i;
}

std::optional<LogIndex> Log::last_index_of_term(Term term) const {
    // Terms never decrease along a log, so scan down from the end and stop early.
    for (LogIndex i = last_index(); i >= first_index() && i.value > 0; i = i.prev()) {
        const Term t = at(i).term;
        if (t == term) return i;
        if (t < term) return std::nullopt;
    }
    return std::nullopt;
}

std::vector<Entry> Log::slice_from(LogIndex from) const {
    RAFT_ASSERT(from >= first_index(), "slice starts inside the compacted prefix");
    if (from > last_index()) return {};
    return std::vector<Entry>(entries_.begin() + static_cast<std::ptrdiff_t>(offset(from)), entries_.end());
}

void Log::append(Entry entry) {
    RAFT_ASSERT(entry.term >= last_term(), "terms along a log never decrease");
    entries_.push_back(std::move(entry));
}

void Log::truncate_from(LogIndex index) {
    RAFT_ASSERT(index >= first_index() && index <= last_index().next(), "truncation point outside the log");
    entries_.resize(static_cast<std::size_t>(index.value - first_index().value));
}

void Log::compact_to(LogIndex index) {
    RAFT_ASSERT(index >= base_index_ && index <= last_index(), "compaction point outside the log");
    const Term term = *term_at(index);
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(index.value - base_index_.value));
    base_index_ = index;
    base_term_ = term;
}

void Log::reset_to(LogIndex index, Term term) {
    RAFT_ASSERT(index >= base_index_, "a log's base never moves back");
    RAFT_ASSERT(index > LogIndex{} || term == Term{}, "index 0 has term 0");
    entries_.clear();
    base_index_ = index;
    base_term_ = term;
}

bool log_is_up_to_date(Term candidate_last_term, LogIndex candidate_last_index, const Log& voter_log) {
    if (candidate_last_term != voter_log.last_term()) return candidate_last_term > voter_log.last_term();
    return candidate_last_index >= voter_log.last_index();
}

}  // namespace raft
