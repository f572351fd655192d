#include "lincheck/history.hpp"

#include <algorithm>
#include <map>
#include <numeric>

namespace lincheck {

std::string_view kind_name(OpKind kind) {
    switch (kind) {
        case OpKind::Put: return "put";
        case OpKind::Append: return "append";
        case OpKind::Get: return "get";
    }
    return "?";
}

std::optional<OpKind> kind_from_name(std::string_view name) {
    for (OpKind k : {OpKind::Put, OpKind::Append, OpKind::Get}) {
        if (kind_name(k) == name) return k;
    }
    return std::nullopt;
}

namespace {
std::string quoted(const std::string& s) { return "\"" + s + "\""; }
}  // namespace

std::string Operation::describe() const {
    std::string s = "client " + std::to_string(client) + ": " + std::string(kind_name(kind)) + "(" + quoted(key);
    if (kind != OpKind::Get) s += ", " + quoted(value);
    s += ")";
    if (kind == OpKind::Get && !open()) s += " -> " + quoted(output);
    s += " [" + std::to_string(call) + ", " + (open() ? std::string("open") : std::to_string(ret)) + "]";
    return s;
}

std::optional<HistoryProblem> find_problem(const History& history) {
    const std::vector<Operation>& ops = history.ops;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const Operation& op = ops[i];
        if (op.call < 0 || op.call > kMaxTime) return HistoryProblem{i, "call time out of range [0, 2^62]"};
        if (!op.open() && (op.ret < 0 || op.ret > kMaxTime)) return HistoryProblem{i, "return time out of range [0, 2^62]"};
        if (!op.open() && op.ret < op.call) {
            return HistoryProblem{i, "returns (" + std::to_string(op.ret) + ") before it is called (" + std::to_string(op.call) + ")"};
        }
    }
    // Per client, in call order (ties by position, so the report is deterministic).
    std::map<ClientId, std::vector<std::size_t>> by_client;
    for (std::size_t i = 0; i < ops.size(); ++i) by_client[ops[i].client].push_back(i);
    std::optional<HistoryProblem> first;
    for (auto& [client, idx] : by_client) {
        std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return ops[a].call < ops[b].call; });
        for (std::size_t j = 1; j < idx.size(); ++j) {
            const Operation& prev = ops[idx[j - 1]];
            const Operation& cur = ops[idx[j]];
            if (cur.call > prev.ret) continue;
            const std::size_t at = std::max(idx[j - 1], idx[j]);
            const std::size_t other = std::min(idx[j - 1], idx[j]);
            std::string why = prev.open()
                                  ? "client " + std::to_string(client) + " calls again after its open-ended operation #" + std::to_string(idx[j - 1])
                                  : "overlaps operation #" + std::to_string(other) + " of the same client " + std::to_string(client) +
                                        " (a client's next call must come after its previous return)";
            if (!first || at < first->op_index) first = HistoryProblem{at, why};
            break;
        }
    }
    return first;
}

}  // namespace lincheck
