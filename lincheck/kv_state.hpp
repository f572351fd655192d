#pragma once
// The state of one key of the KV service (6.824's semantics: every key starts as "", Put
// replaces, Append concatenates, Get returns the value) as an interned string: equal values
// get equal ids, so the search compares and memoizes states as integers. Append transitions
// are cached, so each (state, append) pair builds and hashes its string once.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lincheck {

using StateId = std::uint32_t;

class KvStates {
public:
    KvStates();

    // The id of `value`, creating it if new.
    StateId intern(std::string_view value);
    const std::string& value(StateId id) const;
    // The id of value(state) + suffix; `append_id` names the suffix for the cache and must
    // always come with the same suffix.
    StateId append(StateId state, std::uint32_t append_id, std::string_view suffix);

    static constexpr StateId kEmpty = 0;
    std::size_t size() const { return values_.size(); }
    // An estimate of the memory held: the strings and the tables' nodes.
    std::size_t bytes() const { return bytes_; }

private:
    std::unordered_map<std::string, StateId> ids_;
    std::vector<const std::string*> values_;  // into ids_'s nodes, which never move
    std::unordered_map<std::uint64_t, StateId> appended_;
    std::size_t bytes_ = 0;
};

}  // namespace lincheck
