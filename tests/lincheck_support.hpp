#pragma once
// Helpers for the lincheck tests: operations written compactly, and a brute-force reference
// checker (every order of the operations, no memo, no reduction) to compare the search with.

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "lincheck/history.hpp"

namespace lincheck::testing {

inline Operation put(ClientId c, std::string key, std::string value, Time call, Time ret = kNever) {
    return Operation{c, OpKind::Put, std::move(key), std::move(value), "", call, ret};
}
inline Operation append(ClientId c, std::string key, std::string value, Time call, Time ret = kNever) {
    return Operation{c, OpKind::Append, std::move(key), std::move(value), "", call, ret};
}
inline Operation get(ClientId c, std::string key, std::string output, Time call, Time ret) {
    return Operation{c, OpKind::Get, std::move(key), "", std::move(output), call, ret};
}
inline Operation open_get(ClientId c, std::string key, Time call) { return Operation{c, OpKind::Get, std::move(key), "", "", call, kNever}; }

// Tries every order: an operation may come next when nothing left returned before its call.
// Open-ended operations left over at the end go last, where they change nothing observed.
class BruteForce {
public:
    explicit BruteForce(std::vector<Operation> ops) : ops_(std::move(ops)), placed_(ops_.size(), 0) {}

    bool linearizable() {
        std::map<std::string, std::string> state;
        return extend(state);
    }

private:
    bool extend(std::map<std::string, std::string>& state) {
        bool all_returned_placed = true;
        for (std::size_t i = 0; i < ops_.size(); ++i) all_returned_placed &= placed_[i] || ops_[i].open();
        if (all_returned_placed) return true;
        for (std::size_t i = 0; i < ops_.size(); ++i) {
            if (placed_[i] || !may_go_next(i)) continue;
            const Operation& op = ops_[i];
            std::string& v = state[op.key];
            const std::string before = v;
            if (op.kind == OpKind::Get && !op.open() && v != op.output) continue;
            if (op.kind == OpKind::Put) v = op.value;
            if (op.kind == OpKind::Append) v += op.value;
            placed_[i] = 1;
            const bool ok = extend(state);
            placed_[i] = 0;
            state[op.key] = before;
            if (ok) return true;
        }
        return false;
    }

    bool may_go_next(std::size_t i) const {
        for (std::size_t j = 0; j < ops_.size(); ++j) {
            if (!placed_[j] && j != i && !ops_[j].open() && ops_[j].ret < ops_[i].call) return false;
        }
        return true;
    }

    std::vector<Operation> ops_;
    std::vector<char> placed_;
};

inline bool brute_force_linearizable(const std::vector<Operation>& ops) { return BruteForce(ops).linearizable(); }

}  // namespace lincheck::testing
