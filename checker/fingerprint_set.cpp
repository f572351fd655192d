#include "checker/fingerprint_set.hpp"

#include <bit>

namespace checker {
namespace {

// Small: a shard starts at 8 slots (64 KiB for the whole set) and doubles as it fills, so a
// model of a few thousand states does not sit in a table sized for a million.
constexpr std::size_t kMinSlots = 8;
// Grow past 85% full: linear probing over well-mixed fingerprints stays short up to there.
constexpr std::size_t kMaxLoadNum = 85;
constexpr std::size_t kMaxLoadDen = 100;

}  // namespace

FingerprintSet::FingerprintSet(std::size_t expected_states) : shards_(new Shard[kShards]) {
    const std::size_t per_shard = std::bit_ceil(std::max(kMinSlots, 2 * expected_states / kShards));
    for (std::size_t k = 0; k < kShards; ++k) {
        shards_[k].slots.assign(per_shard, kEmpty);
        shards_[k].base.store(shards_[k].slots.data(), std::memory_order_relaxed);
        shards_[k].mask.store(per_shard - 1, std::memory_order_relaxed);
    }
}

bool FingerprintSet::insert_into(std::vector<std::uint64_t>& slots, std::uint64_t fp) {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(fp) & mask;; i = (i + 1) & mask) {
        if (slots[i] == fp) return false;
        if (slots[i] == kEmpty) {
            slots[i] = fp;
            return true;
        }
    }
}

void FingerprintSet::grow(Shard& shard) {
    std::vector<std::uint64_t> bigger(shard.slots.size() * 2, kEmpty);
    for (std::uint64_t fp : shard.slots) {
        if (fp != kEmpty) insert_into(bigger, fp);
    }
    shard.slots.swap(bigger);
    shard.base.store(shard.slots.data(), std::memory_order_relaxed);
    shard.mask.store(shard.slots.size() - 1, std::memory_order_relaxed);
}

bool FingerprintSet::insert(std::uint64_t fp) {
    fp = normalize(fp);
    Shard& shard = shards_[fp >> (64 - kShardBits)];
    std::lock_guard lock(shard.mu);
    if (!insert_into(shard.slots, fp)) return false;
    const std::size_t used = shard.used.load(std::memory_order_relaxed) + 1;
    shard.used.store(used, std::memory_order_relaxed);
    if (used * kMaxLoadDen > shard.slots.size() * kMaxLoadNum) grow(shard);
    return true;
}

bool FingerprintSet::contains(std::uint64_t fp) const {
    fp = normalize(fp);
    const Shard& shard = shards_[fp >> (64 - kShardBits)];
    std::lock_guard lock(shard.mu);
    const std::size_t mask = shard.slots.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(fp) & mask;; i = (i + 1) & mask) {
        if (shard.slots[i] == fp) return true;
        if (shard.slots[i] == kEmpty) return false;
    }
}

std::uint64_t FingerprintSet::size() const {
    std::uint64_t total = 0;
    for (std::size_t k = 0; k < kShards; ++k) total += shards_[k].used.load(std::memory_order_relaxed);
    return total;
}

std::uint64_t FingerprintSet::memory_bytes() const {
    std::uint64_t bytes = 0;
    for (std::size_t k = 0; k < kShards; ++k) bytes += shards_[k].slots.size() * sizeof(std::uint64_t);
    return bytes;
}

}  // namespace checker
