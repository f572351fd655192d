#include "lincheck/kv_state.hpp"

#include "lincheck/assert.hpp"

namespace lincheck {

namespace {
// A hash node, its bucket and a vector slot, roughly; only to bound memory, not to report it.
constexpr std::size_t kNodeOverheadBytes = 64;
}  // namespace

KvStates::KvStates() {
    const StateId empty = intern("");
    LINCHECK_ASSERT(empty == kEmpty, "the empty value is the first state");
}

StateId KvStates::intern(std::string_view value) {
    auto [it, inserted] = ids_.try_emplace(std::string(value), static_cast<StateId>(values_.size()));
    if (inserted) {
        LINCHECK_ASSERT(values_.size() < UINT32_MAX - 1, "state ids fit 32 bits, below the search's own marker");
        values_.push_back(&it->first);
        bytes_ += value.size() + kNodeOverheadBytes;
    }
    return it->second;
}

const std::string& KvStates::value(StateId id) const {
    LINCHECK_ASSERT(id < values_.size(), "a state id this table issued");
    return *values_[id];
}

StateId KvStates::append(StateId state, std::uint32_t append_id, std::string_view suffix) {
    const std::uint64_t key = (std::uint64_t{state} << 32) | append_id;
    if (auto it = appended_.find(key); it != appended_.end()) return it->second;
    std::string joined = value(state);
    joined += suffix;
    const StateId next = intern(joined);
    appended_.emplace(key, next);
    bytes_ += kNodeOverheadBytes;
    return next;
}

}  // namespace lincheck
