#include "lincheck/memo_set.hpp"

#include <algorithm>

#include "lincheck/assert.hpp"

namespace lincheck {

namespace {
constexpr std::size_t kInitialSlots = 1024;  // a power of two

std::uint64_t mix(std::uint64_t bits_hash, StateId state) {
    std::uint64_t z = bits_hash ^ (std::uint64_t{state} * 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
}  // namespace

MemoSet::MemoSet(std::size_t words) : words_(words), slots_(kInitialSlots) {}

bool MemoSet::equal(std::uint32_t entry, std::span<const std::uint64_t> bits, StateId state) const {
    const std::uint64_t* e = arena_.data() + std::size_t{entry} * (words_ + 1);
    return e[0] == state && std::equal(bits.begin(), bits.end(), e + 1);
}

bool MemoSet::insert(std::uint64_t bits_hash, std::span<const std::uint64_t> bits, StateId state) {
    LINCHECK_ASSERT(bits.size() == words_, "every bitset of one search has the same length");
    const std::uint64_t h = mix(bits_hash, state);
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = h & mask;
    for (; slots_[i].entry != kEmptySlot; i = (i + 1) & mask) {
        if (slots_[i].hash == h && equal(slots_[i].entry, bits, state)) return false;
    }
    LINCHECK_ASSERT(count_ < UINT32_MAX - 1, "entry index fits 32 bits");
    slots_[i] = Slot{h, static_cast<std::uint32_t>(count_)};
    arena_.push_back(state);
    arena_.insert(arena_.end(), bits.begin(), bits.end());
    ++count_;
    // Half full at most, so that probes stay short.
    if (count_ * 2 > slots_.size()) grow();
    return true;
}

void MemoSet::grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot{});
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
        if (s.entry == kEmptySlot) continue;
        std::size_t i = s.hash & mask;
        while (slots_[i].entry != kEmptySlot) i = (i + 1) & mask;
        slots_[i] = s;
    }
}

}  // namespace lincheck
