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

MemoSet::Span MemoSet::stored_span(std::span<const std::uint64_t> bits) {
    std::size_t first = 0, last = bits.size();
    while (first < last && bits[first] == ~std::uint64_t{0}) ++first;
    while (last > first && bits[last - 1] == 0) --last;
    return {first, last};
}

bool MemoSet::equal(std::uint64_t offset, std::span<const std::uint64_t> bits, Span span, StateId state) const {
    const std::uint64_t* e = arena_.data() + offset;
    if (e[0] != (std::uint64_t{state} | (std::uint64_t{span.first} << 32)) || e[1] != span.last - span.first) return false;
    return std::equal(bits.begin() + static_cast<std::ptrdiff_t>(span.first), bits.begin() + static_cast<std::ptrdiff_t>(span.last), e + 2);
}

bool MemoSet::insert(std::uint64_t bits_hash, std::span<const std::uint64_t> bits, StateId state) {
    LINCHECK_ASSERT(bits.size() == words_, "every bitset of one search has the same length");
    LINCHECK_ASSERT(words_ < (std::size_t{1} << 32), "word positions fit 32 bits");
    const Span span = stored_span(bits);
    const std::uint64_t h = mix(bits_hash, state);
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = h & mask;
    for (; slots_[i].offset != kEmptySlot; i = (i + 1) & mask) {
        if (slots_[i].hash == h && equal(slots_[i].offset, bits, span, state)) return false;
    }
    slots_[i] = Slot{h, arena_.size()};
    arena_.push_back(std::uint64_t{state} | (std::uint64_t{span.first} << 32));
    arena_.push_back(span.last - span.first);
    arena_.insert(arena_.end(), bits.begin() + static_cast<std::ptrdiff_t>(span.first), bits.begin() + static_cast<std::ptrdiff_t>(span.last));
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
        if (s.offset == kEmptySlot) continue;
        std::size_t i = s.hash & mask;
        while (slots_[i].offset != kEmptySlot) i = (i + 1) & mask;
        slots_[i] = s;
    }
}

}  // namespace lincheck
