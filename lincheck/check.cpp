#include "lincheck/check.hpp"

#include <map>

#include "lincheck/assert.hpp"

namespace lincheck {

std::vector<std::pair<std::string, std::vector<std::size_t>>> partition_by_key(const History& history) {
    std::map<std::string, std::vector<std::size_t>> by_key;
    for (std::size_t i = 0; i < history.ops.size(); ++i) by_key[history.ops[i].key].push_back(i);
    return {by_key.begin(), by_key.end()};
}

CheckResult check_history(const History& history, const CheckOptions& options) {
    LINCHECK_ASSERT(!find_problem(history), "only well-formed histories are checked");
    Budget budget = Budget::with_timeout(options.timeout_seconds, options.max_steps);
    budget.max_memory_bytes = options.max_memory_bytes;
    CheckResult result;
    const auto keys = partition_by_key(history);
    result.keys_total = keys.size();
    bool unknown = false;
    for (const auto& [key, indices] : keys) {
        std::vector<const Operation*> ops;
        ops.reserve(indices.size());
        for (std::size_t i : indices) ops.push_back(&history.ops[i]);
        const SearchResult r = search_linearization(ops, budget);
        result.keys.push_back(KeyResult{key, ops.size(), r.verdict, r.stats});
        if (r.verdict == Verdict::Unknown) unknown = true;
        if (r.verdict != Verdict::NotLinearizable) continue;
        result.verdict = Verdict::NotLinearizable;
        if (options.explain) result.window = find_window(history, indices, budget);
        result.steps = budget.steps_used;
        return result;
    }
    result.verdict = unknown ? Verdict::Unknown : Verdict::Linearizable;
    result.steps = budget.steps_used;
    return result;
}

}  // namespace lincheck
