#pragma once
// Strong types for the three numbers Raft juggles. Mixing a term with an index is the classic
// bug of hand-written Raft; here it does not compile.

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

#include "raft/assert.hpp"

namespace raft {

// A term: totally ordered, only ever moved forward by one (elections) or set from a message.
struct Term {
    std::uint64_t value = 0;
    constexpr Term() = default;
    constexpr explicit Term(std::uint64_t v) : value(v) {}
    constexpr Term next() const { return Term{value + 1}; }
    auto operator<=>(const Term&) const = default;
};

// A position in the log, global across the whole history (index 0 is "before the first entry").
struct LogIndex {
    std::uint64_t value = 0;
    constexpr LogIndex() = default;
    constexpr explicit LogIndex(std::uint64_t v) : value(v) {}
    constexpr LogIndex next() const { return LogIndex{value + 1}; }
    constexpr LogIndex prev() const {
        RAFT_ASSERT(value > 0, "index 0 has no predecessor");
        return LogIndex{value - 1};
    }
    constexpr LogIndex operator+(std::uint64_t n) const { return LogIndex{value + n}; }
    auto operator<=>(const LogIndex&) const = default;
};

// A server of the cluster. Membership is fixed: ids are 0 .. cluster_size-1.
struct NodeId {
    std::uint32_t value = 0;
    constexpr NodeId() = default;
    constexpr explicit NodeId(std::uint32_t v) : value(v) {}
    auto operator<=>(const NodeId&) const = default;
};

// The largest cluster a NodeSet can describe; 6.824 needs 7, the explorer far fewer.
inline constexpr std::uint32_t kMaxClusterSize = 32;

// A set of servers (votes received), as a bit mask so that node states stay small and cheap
// to copy, hash and compare.
struct NodeSet {
    std::uint32_t bits = 0;
    constexpr bool contains(NodeId id) const { return (bits >> id.value) & 1u; }
    constexpr void insert(NodeId id) {
        RAFT_ASSERT(id.value < kMaxClusterSize, "node id out of range");
        bits |= 1u << id.value;
    }
    constexpr std::uint32_t size() const { return static_cast<std::uint32_t>(__builtin_popcount(bits)); }
    auto operator<=>(const NodeSet&) const = default;
};

// A quorum of a cluster of `cluster_size` servers: a strict majority.
constexpr std::uint32_t quorum_size(std::uint32_t cluster_size) { return cluster_size / 2 + 1; }

std::string to_string(Term t);
std::string to_string(LogIndex i);
std::string to_string(NodeId n);

}  // namespace raft
