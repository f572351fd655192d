#pragma once
// The checker's entry point: a history is linearizable exactly when the history of every key
// is (P-compositionality: Herlihy and Wing's locality, which Porcupine exploits the same way),
// so each key is searched on its own, in key order, under one shared budget. The first key
// found not linearizable ends the check and is explained by a window (window.hpp).

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "lincheck/history.hpp"
#include "lincheck/search.hpp"
#include "lincheck/window.hpp"

namespace lincheck {

struct CheckOptions {
    double timeout_seconds = 0;  // 0: none
    std::uint64_t max_steps = 0; // 0: unlimited
    bool explain = true;         // compute the window of a failing key
    std::size_t max_memory_bytes = std::size_t{1} << 30;  // per key's search
};

struct KeyResult {
    std::string key;
    std::size_t ops = 0;
    Verdict verdict = Verdict::Unknown;
    SearchStats stats;
};

struct CheckResult {
    Verdict verdict = Verdict::Unknown;
    std::vector<KeyResult> keys;     // in key order, up to the first key not linearizable
    std::size_t keys_total = 0;
    std::optional<Window> window;    // for the failing key, when asked to explain
    std::uint64_t steps = 0;         // all searches', the window's included
};

// The operations of each key (indices into history.ops), keys in lexicographic order.
std::vector<std::pair<std::string, std::vector<std::size_t>>> partition_by_key(const History& history);

// REQUIRES: find_problem(history) is empty.
CheckResult check_history(const History& history, const CheckOptions& options);

}  // namespace lincheck
