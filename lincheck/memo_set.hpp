#pragma once
// The search's memory of configurations already explored: (set of linearized operations,
// state) pairs, as Porcupine keeps them. The set is a bitset over the operations in call
// order; its hash is maintained incrementally by the caller (the XOR of one random key per
// set bit), so inserting costs one probe plus, on a hash match, one comparison.
//
// Stored compressed: in call order, the operations linearized so far are nearly a prefix
// (everything that returned long ago) followed by a few words where calls are in flight, so
// an entry keeps only the words between the first word not all ones and the last word not
// all zeros. With 10,000 operations on a key an entry takes about 4 words instead of 158.

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
        std::uint64_t offset = kEmptySlot;  // of the entry in arena_
    };
    static constexpr std::uint64_t kEmptySlot = UINT64_MAX;

    // The words [first, last) of `bits` an entry keeps: before them all ones, after all zeros.
    struct Span {
        std::size_t first, last;
    };
    static Span stored_span(std::span<const std::uint64_t> bits);
    bool equal(std::uint64_t offset, std::span<const std::uint64_t> bits, Span span, StateId state) const;
    void grow();

    std::size_t words_;
    // Entries: [state | first << 32], [last - first], then the words.
    std::vector<std::uint64_t> arena_;
    std::vector<Slot> slots_;
    std::size_t count_ = 0;
};

}  // namespace lincheck
