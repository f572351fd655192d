#pragma once
// Is the history of one key linearizable? The Wing-Gong search as Lowe improved it and
// Porcupine implements it: walk the calls and returns in time order; at a call, linearize
// that operation if the model allows it and the resulting (linearized set, state) was not
// explored before; at a return whose operation is not linearized yet, undo the last choice.
//
// Open-ended operations are kept out of the event list: they are tried only when every
// candidate that returned has been tried (at the first return in the list), since most of
// them never took effect. The set of candidates at each point is the same as with them in
// the list, so the answer is too; only the order of the tries changes.
//
// Four more rules keep histories with many concurrent calls on one key tractable; each
// refuses only configurations that cannot lead to a linearization, or merges configurations
// with the same future (search.cpp and reduction.hpp give the reasons):
// - lookahead: a write is refused if one of the next Gets could no longer read its output;
// - unseen values: a value no pending Get can read, before the next Put, is one state;
// - Gets first: a Get that reads the current value is taken at once, with no alternative;
// - unseen Appends wait: linearized just before the next Put, or when they cannot wait.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "lincheck/history.hpp"

namespace lincheck {

enum class Verdict : std::uint8_t { Linearizable, NotLinearizable, Unknown };
std::string_view verdict_name(Verdict v);

// A limit on work, shared by every search it is passed to. Steps are deterministic (the same
// history stops at the same point on any machine); the deadline is not. The memory limit is
// per search (its memo and states), so that a history whose search explodes ends as
// "unknown" instead of taking the machine's memory.
struct Budget {
    std::uint64_t max_steps = 0;  // 0: unlimited
    std::optional<std::chrono::steady_clock::time_point> deadline;
    std::size_t max_memory_bytes = std::size_t{1} << 30;
    std::uint64_t steps_used = 0;

    static Budget with_timeout(double seconds, std::uint64_t max_steps = 0);
};

struct SearchStats {
    std::uint64_t steps = 0;           // linearization attempts and undos
    std::size_t configurations = 0;    // distinct (linearized set, state) pairs explored
    std::size_t max_depth = 0;         // longest partial linearization
    std::size_t ops_searched = 0;      // after dropping what cannot matter (reduction.hpp)
    std::size_t memo_bytes = 0;
};

struct SearchResult {
    Verdict verdict = Verdict::Unknown;
    SearchStats stats;
};

// REQUIRES: every operation is on the same key; the history they come from has no
// HistoryProblem. The operations must outlive the call.
SearchResult search_linearization(std::span<const Operation* const> ops, Budget& budget);

}  // namespace lincheck
