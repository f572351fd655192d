#pragma once
// The search's memory of configurations already explored: (set of linearized operations,
// state) pairs, as Porcupine keeps them. The set is a bitset of `words` 64-bit words; its
// hash is maintained incrementally by the caller (the XOR of one random key per set bit), so
// inserting costs one probe plus, on a hash match, one comparison of the words.
// Open addressing over an arena of entries laid out [state, word 0, ..., word n-1].

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "lincheck/kv_state.hpp"

namespace lincheck {

class MemoSet {
public:
    explicit MemoSet(std::size_t words);

    // Adds (bits, state) unless present; true when it was new.
    bool insert(std::uint64_t bits_hash, std::span<const std::uint64_t> bits, StateId state);
    std::size_t size() const { return count_; }
    std::size_t bytes() const { return arena_.capacity() * 8 + slots_.capacity() * sizeof(Slot); }

private:
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t entry = kEmptySlot;
    };
    static constexpr std::uint32_t kEmptySlot = UINT32_MAX;

    bool equal(std::uint32_t entry, std::span<const std::uint64_t> bits, StateId state) const;
    void grow();

    std::size_t words_;
    std::vector<std::uint64_t> arena_;
    std::vector<Slot> slots_;
    std::size_t count_ = 0;
};

}  // namespace lincheck
