// Unit tests of raft::Log: global 1-based indexes, the lookups the step function relies on
// for the consistency check and fast backup, and the "at least as up-to-date" order.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "raft/log.hpp"

namespace raft {
namespace {

Entry entry(std::uint64_t term, std::string command = "") { return Entry{Term{term}, EntryKind::kCommand, std::move(command)}; }

// A log holding one entry per term in `terms`, in order, at indexes 1, 2, ...
Log log_of_terms(const std::vector<std::uint64_t>& terms) {
    Log log;
    for (std::size_t i = 0; i < terms.size(); ++i) log.append(entry(terms[i], "c" + std::to_string(i + 1)));
    return log;
}

TEST(Log, EmptyLogEndsAtIndexZeroTermZero) {
    const Log log;
    EXPECT_TRUE(log.empty());
    EXPECT_EQ(log.first_index(), LogIndex{1});
    EXPECT_EQ(log.last_index(), LogIndex{0});
    EXPECT_EQ(log.last_term(), Term{0});
    EXPECT_TRUE(log.entries().empty());
}

TEST(Log, IndexesStartAtOne) {
    Log log;
    log.append(entry(1, "a"));
    EXPECT_FALSE(log.empty());
    EXPECT_EQ(log.first_index(), LogIndex{1});
    EXPECT_EQ(log.last_index(), LogIndex{1});
    EXPECT_EQ(log.at(LogIndex{1}), entry(1, "a"));
    log.append(entry(1, "b"));
    EXPECT_EQ(log.at(LogIndex{2}), entry(1, "b"));
}

TEST(Log, LastIndexAndLastTermFollowTheLastEntry) {
    const Log log = log_of_terms({1, 1, 2, 4});
    EXPECT_EQ(log.last_index(), LogIndex{4});
    EXPECT_EQ(log.last_term(), Term{4});
}

TEST(Log, TermAtZeroIsTermZero) {
    // Index 0 is "before the first entry": the consistency check of the first AppendEntries
    // compares against it, so it must be known on every log, empty or not.
    EXPECT_EQ(Log{}.term_at(LogIndex{0}), Term{0});
    EXPECT_EQ(log_of_terms({3, 3}).term_at(LogIndex{0}), Term{0});
}

TEST(Log, TermAtReturnsTheTermOfStoredEntries) {
    const Log log = log_of_terms({1, 2, 2, 5});
    EXPECT_EQ(log.term_at(LogIndex{1}), Term{1});
    EXPECT_EQ(log.term_at(LogIndex{2}), Term{2});
    EXPECT_EQ(log.term_at(LogIndex{3}), Term{2});
    EXPECT_EQ(log.term_at(LogIndex{4}), Term{5});
}

TEST(Log, TermAtBeyondTheEndIsUnknown) {
    EXPECT_EQ(Log{}.term_at(LogIndex{1}), std::nullopt);
    const Log log = log_of_terms({1, 2});
    EXPECT_EQ(log.term_at(LogIndex{3}), std::nullopt);
    EXPECT_EQ(log.term_at(LogIndex{100}), std::nullopt);
}

TEST(Log, TruncateFromDropsThatEntryAndAllAfterIt) {
    Log log = log_of_terms({1, 1, 2, 3});
    log.truncate_from(LogIndex{3});
    EXPECT_EQ(log.last_index(), LogIndex{2});
    EXPECT_EQ(log.last_term(), Term{1});
    EXPECT_EQ(log.term_at(LogIndex{3}), std::nullopt);
    EXPECT_EQ(log, log_of_terms({1, 1}));
}

TEST(Log, TruncateFromOnePastTheEndIsANoop) {
    Log log = log_of_terms({1, 2});
    log.truncate_from(LogIndex{3});
    EXPECT_EQ(log, log_of_terms({1, 2}));
}

TEST(Log, TruncateFromFirstIndexEmptiesTheLog) {
    Log log = log_of_terms({1, 2});
    log.truncate_from(LogIndex{1});
    EXPECT_TRUE(log.empty());
    EXPECT_EQ(log.last_index(), LogIndex{0});
    EXPECT_EQ(log.last_term(), Term{0});
    // A truncated log accepts entries of any term again, older ones included.
    log.append(entry(1));
    EXPECT_EQ(log.last_term(), Term{1});
}

TEST(Log, SliceFromReturnsTheSuffix) {
    const Log log = log_of_terms({1, 2, 3});
    EXPECT_EQ(log.slice_from(LogIndex{1}), log.entries());
    EXPECT_EQ(log.slice_from(LogIndex{2}), (std::vector<Entry>{entry(2, "c2"), entry(3, "c3")}));
    EXPECT_EQ(log.slice_from(LogIndex{3}), std::vector<Entry>{entry(3, "c3")});
    // One past the end is what a heartbeat sends: nothing.
    EXPECT_TRUE(log.slice_from(LogIndex{4}).empty());
    EXPECT_TRUE(log.slice_from(LogIndex{9}).empty());
    EXPECT_TRUE(Log{}.slice_from(LogIndex{1}).empty());
}

TEST(Log, FirstIndexOfTermAtSearchesDownToTheStartOfTheTerm) {
    const Log log = log_of_terms({1, 2, 2, 2, 3, 3});
    EXPECT_EQ(log.first_index_of_term_at(LogIndex{1}), LogIndex{1});
    EXPECT_EQ(log.first_index_of_term_at(LogIndex{2}), LogIndex{2});
    EXPECT_EQ(log.first_index_of_term_at(LogIndex{4}), LogIndex{2});
    EXPECT_EQ(log.first_index_of_term_at(LogIndex{6}), LogIndex{5});
    // A term that starts the log stops at the first index.
    EXPECT_EQ(log_of_terms({4, 4, 4}).first_index_of_term_at(LogIndex{3}), LogIndex{1});
}

TEST(Log, LastIndexOfTermFindsTheLastEntryOfThatTerm) {
    const Log log = log_of_terms({1, 1, 3, 3, 3, 5});
    EXPECT_EQ(log.last_index_of_term(Term{1}), LogIndex{2});
    EXPECT_EQ(log.last_index_of_term(Term{3}), LogIndex{5});
    EXPECT_EQ(log.last_index_of_term(Term{5}), LogIndex{6});
}

TEST(Log, LastIndexOfTermIsNulloptForAbsentTerms) {
    const Log log = log_of_terms({1, 1, 3, 5});
    EXPECT_EQ(log.last_index_of_term(Term{0}), std::nullopt);
    EXPECT_EQ(log.last_index_of_term(Term{2}), std::nullopt);  // a gap between present terms
    EXPECT_EQ(log.last_index_of_term(Term{4}), std::nullopt);
    EXPECT_EQ(log.last_index_of_term(Term{6}), std::nullopt);  // above the last term
    EXPECT_EQ(Log{}.last_index_of_term(Term{1}), std::nullopt);
}

TEST(LogIsUpToDate, LaterLastTermWinsWhateverTheLengths) {
    const Log voter = log_of_terms({1, 1, 1, 2});
    // Candidate's last term 3 beats the voter's 2, even with a much shorter log.
    EXPECT_TRUE(log_is_up_to_date(Term{3}, LogIndex{1}, voter));
    // Candidate's last term 1 loses to the voter's 2, even with a much longer log.
    EXPECT_FALSE(log_is_up_to_date(Term{1}, LogIndex{10}, voter));
}

TEST(LogIsUpToDate, EqualLastTermsLongerOrEqualLogWins) {
    const Log voter = log_of_terms({1, 2, 2});
    EXPECT_TRUE(log_is_up_to_date(Term{2}, LogIndex{4}, voter));   // longer
    EXPECT_TRUE(log_is_up_to_date(Term{2}, LogIndex{3}, voter));   // equal
    EXPECT_FALSE(log_is_up_to_date(Term{2}, LogIndex{2}, voter));  // shorter
}

TEST(LogIsUpToDate, AnyLogIsAtLeastAsUpToDateAsAnEmptyOne) {
    EXPECT_TRUE(log_is_up_to_date(Term{0}, LogIndex{0}, Log{}));
    EXPECT_TRUE(log_is_up_to_date(Term{1}, LogIndex{1}, Log{}));
    EXPECT_FALSE(log_is_up_to_date(Term{0}, LogIndex{0}, log_of_terms({1})));
}

// ---- Log against a dumb reference model ----

// The reference: a plain vector, entry at index i stored at [i-1].
struct ReferenceLog {
    std::vector<Entry> entries;

    std::uint64_t last_index() const { return entries.size(); }
    Term last_term() const { return entries.empty() ? Term{0} : entries.back().term; }
    std::optional<Term> term_at(std::uint64_t i) const {
        if (i == 0) return Term{0};
        if (i > entries.size()) return std::nullopt;
        return entries[i - 1].term;
    }
    std::optional<LogIndex> last_index_of_term(Term t) const {
        for (std::uint64_t i = entries.size(); i >= 1; --i) {
            if (entries[i - 1].term == t) return LogIndex{i};
        }
        return std::nullopt;
    }
    LogIndex first_index_of_term_at(std::uint64_t i) const {
        const Term t = entries[i - 1].term;
        while (i > 1 && entries[i - 2].term == t) --i;
        return LogIndex{i};
    }
};

// Everything observable of `log` agrees with the reference.
void expect_same(const Log& log, const ReferenceLog& ref) {
    ASSERT_EQ(log.last_index(), LogIndex{ref.last_index()});
    ASSERT_EQ(log.last_term(), ref.last_term());
    ASSERT_EQ(log.entries(), ref.entries);
    ASSERT_EQ(log.empty(), ref.entries.empty());
    for (std::uint64_t i = 0; i <= ref.last_index() + 2; ++i) ASSERT_EQ(log.term_at(LogIndex{i}), ref.term_at(i)) << i;
    for (std::uint64_t i = 1; i <= ref.last_index(); ++i) {
        ASSERT_EQ(log.at(LogIndex{i}), ref.entries[i - 1]) << i;
        ASSERT_EQ(log.first_index_of_term_at(LogIndex{i}), ref.first_index_of_term_at(i)) << i;
    }
    for (std::uint64_t i = 1; i <= ref.last_index() + 1; ++i) {
        ASSERT_EQ(log.slice_from(LogIndex{i}), std::vector<Entry>(ref.entries.begin() + static_cast<std::ptrdiff_t>(i - 1), ref.entries.end()));
    }
    for (std::uint64_t t = 0; t <= ref.last_term().value + 1; ++t) {
        ASSERT_EQ(log.last_index_of_term(Term{t}), ref.last_index_of_term(Term{t})) << t;
    }
}

TEST(Log, AgreesWithAVectorModelUnderRandomAppendsAndTruncations) {
    std::mt19937 rng(20240611);  // fixed seed: the test is reproducible
    auto uniform = [&](std::uint64_t lo, std::uint64_t hi) { return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng); };

    Log log;
    ReferenceLog ref;
    for (int op = 0; op < 400; ++op) {
        // Three appends for each truncation, so that the log grows and terms repeat.
        if (uniform(0, 3) != 0) {
            // Terms never decrease along a log: stay on the last term or move up a little.
            const Entry e = entry(ref.last_term().value + uniform(0, 1) * uniform(1, 2), "op" + std::to_string(op));
            log.append(e);
            ref.entries.push_back(e);
        } else {
            const std::uint64_t from = uniform(1, ref.last_index() + 1);
            log.truncate_from(LogIndex{from});
            ref.entries.resize(from - 1);
        }
        SCOPED_TRACE("after operation " + std::to_string(op));
        expect_same(log, ref);
        if (HasFatalFailure()) return;
    }
}

// ---- Compaction ----

TEST(LogCompaction, CompactToDropsThePrefixAndKeepsGlobalIndexes) {
    Log log = log_of_terms({1, 1, 2, 3});
    log.compact_to(LogIndex{2});
    EXPECT_EQ(log.base_index(), LogIndex{2});
    EXPECT_EQ(log.base_term(), Term{1});
    EXPECT_EQ(log.first_index(), LogIndex{3});
    EXPECT_EQ(log.last_index(), LogIndex{4});
    EXPECT_EQ(log.at(LogIndex{3}), entry(2, "c3"));
    EXPECT_EQ(log.term_at(LogIndex{2}), Term{1}) << "the base's term stays known";
    EXPECT_EQ(log.term_at(LogIndex{1}), std::nullopt) << "below the base nothing is known";
    EXPECT_EQ(log.term_at(LogIndex{0}), std::nullopt);
    EXPECT_EQ(log.slice_from(LogIndex{3}), (std::vector<Entry>{entry(2, "c3"), entry(3, "c4")}));
    // Compacting everything leaves an empty log that still ends at the base.
    log.compact_to(LogIndex{4});
    EXPECT_TRUE(log.empty());
    EXPECT_EQ(log.last_index(), LogIndex{4});
    EXPECT_EQ(log.last_term(), Term{3});
    log.append(entry(3, "c5"));
    EXPECT_EQ(log.last_index(), LogIndex{5});
    log.compact_to(LogIndex{4});  // to the base itself: nothing changes
    EXPECT_EQ(log.last_index(), LogIndex{5});
}

TEST(LogCompaction, ResetToStartsOverAfterTheGivenEntry) {
    Log log = log_of_terms({1, 1, 2});
    log.reset_to(LogIndex{7}, Term{4});
    EXPECT_TRUE(log.empty());
    EXPECT_EQ(log.base_index(), LogIndex{7});
    EXPECT_EQ(log.last_index(), LogIndex{7});
    EXPECT_EQ(log.last_term(), Term{4});
    EXPECT_EQ(log.term_at(LogIndex{7}), Term{4});
    EXPECT_EQ(log.term_at(LogIndex{3}), std::nullopt);
    log.append(entry(4, "x"));
    EXPECT_EQ(log.at(LogIndex{8}), entry(4, "x"));
}

TEST(LogCompaction, TermSearchesStayAboveTheBase) {
    Log log = log_of_terms({1, 2, 2, 2, 3});
    log.compact_to(LogIndex{3});
    EXPECT_EQ(log.last_index_of_term(Term{2}), LogIndex{4});
    EXPECT_EQ(log.first_index_of_term_at(LogIndex{4}), LogIndex{4}) << "index 3 is compacted";
    log.compact_to(LogIndex{4});
    // The base is of term 2, but only stored entries are searched (as the spec's fast backup).
    EXPECT_EQ(log.last_index_of_term(Term{2}), std::nullopt);
    EXPECT_EQ(log.last_index_of_term(Term{3}), LogIndex{5});
}

TEST(LogCompaction, UpToDateOrderSeesTheBaseOfAnEmptyCompactedLog) {
    Log log = log_of_terms({1, 2});
    log.compact_to(LogIndex{2});
    EXPECT_FALSE(log_is_up_to_date(Term{2}, LogIndex{1}, log));
    EXPECT_TRUE(log_is_up_to_date(Term{2}, LogIndex{2}, log));
    EXPECT_FALSE(log_is_up_to_date(Term{1}, LogIndex{9}, log));
}

// The reference with a compacted prefix: the full vector, of which indexes up to `base` are
// hidden (reset_to fills them with placeholders of the base's term).
struct CompactedReference {
    std::vector<Entry> entries;
    std::uint64_t base = 0;

    Term term_of(std::uint64_t i) const { return i == 0 ? Term{0} : entries[i - 1].term; }
    std::optional<Term> term_at(std::uint64_t i) const {
        if (i < base || i > entries.size()) return std::nullopt;
        return term_of(i);
    }
    std::optional<LogIndex> last_index_of_term(Term t) const {
        for (std::uint64_t i = entries.size(); i > base; --i) {
            if (entries[i - 1].term == t) return LogIndex{i};
        }
        return std::nullopt;
    }
};

void expect_same(const Log& log, const CompactedReference& ref) {
    ASSERT_EQ(log.base_index(), LogIndex{ref.base});
    ASSERT_EQ(log.base_term(), ref.term_of(ref.base));
    ASSERT_EQ(log.last_index(), LogIndex{ref.entries.size()});
    ASSERT_EQ(log.last_term(), ref.term_of(ref.entries.size()));
    ASSERT_EQ(log.entries(), std::vector<Entry>(ref.entries.begin() + static_cast<std::ptrdiff_t>(ref.base), ref.entries.end()));
    for (std::uint64_t i = 0; i <= ref.entries.size() + 2; ++i) ASSERT_EQ(log.term_at(LogIndex{i}), ref.term_at(i)) << i;
    for (std::uint64_t t = 0; t <= log.last_term().value + 1; ++t) {
        ASSERT_EQ(log.last_index_of_term(Term{t}), ref.last_index_of_term(Term{t})) << t;
    }
}

TEST(LogCompaction, AgreesWithAVectorModelUnderAppendsTruncationsAndCompactions) {
    std::mt19937 rng(20261123);
    auto uniform = [&](std::uint64_t lo, std::uint64_t hi) { return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng); };
    Log log;
    CompactedReference ref;
    for (int op = 0; op < 600; ++op) {
        const std::uint64_t last = ref.entries.size();
        const std::uint64_t dice = uniform(0, 9);
        if (dice < 6) {
            const Entry e = entry(log.last_term().value + uniform(0, 1) * uniform(1, 2), "op" + std::to_string(op));
            log.append(e);
            ref.entries.push_back(e);
        } else if (dice < 8) {
            const std::uint64_t from = uniform(ref.base + 1, last + 1);
            log.truncate_from(LogIndex{from});
            ref.entries.resize(from - 1);
        } else if (dice < 9) {
            const std::uint64_t to = uniform(ref.base, last);
            log.compact_to(LogIndex{to});
            ref.base = to;
        } else {
            const std::uint64_t to = uniform(std::max<std::uint64_t>(ref.base, 1), last + 3);
            const Term term{log.last_term().value + uniform(0, 2)};
            log.reset_to(LogIndex{to}, term);
            ref.entries.assign(to, entry(term.value, "compacted"));
            ref.base = to;
        }
        SCOPED_TRACE("after operation " + std::to_string(op));
        expect_same(log, ref);
        if (HasFatalFailure()) return;
    }
}

}  // namespace
}  // namespace raft
