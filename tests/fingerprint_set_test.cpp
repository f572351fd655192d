// The visited set: every fingerprint inserted once is found again and never counted twice,
// through many growths of its shards (which start at 8 slots), from one thread and from two.

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "checker/fingerprint_set.hpp"

namespace {

// splitmix64: well-spread fingerprints, the same on every machine.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

TEST(FingerprintSet, FindsEveryFingerprintThroughGrowth) {
    checker::FingerprintSet set;
    constexpr std::uint64_t kCount = 200000;
    for (std::uint64_t k = 0; k < kCount; ++k) EXPECT_TRUE(set.insert(mix(k))) << k;
    EXPECT_EQ(set.size(), kCount);
    for (std::uint64_t k = 0; k < kCount; ++k) {
        ASSERT_TRUE(set.contains(mix(k))) << k;
        ASSERT_FALSE(set.insert(mix(k))) << k;
    }
    EXPECT_FALSE(set.contains(mix(kCount)));
    EXPECT_EQ(set.size(), kCount);
    // Fingerprint 0 is stored as 1: they are one fingerprint to the set.
    EXPECT_TRUE(set.insert(0));
    EXPECT_FALSE(set.insert(1));
    // At most 16 bytes per state once the shards have grown, and little for a small set.
    EXPECT_LE(set.memory_bytes(), 16 * set.size());
    checker::FingerprintSet small;
    for (std::uint64_t k = 0; k < 2000; ++k) small.insert(mix(k));
    EXPECT_LE(small.memory_bytes(), 128u * 1024);
}

TEST(FingerprintSet, TwoThreadsInsertingTheSameFingerprintsCountEachOnce) {
    checker::FingerprintSet set;
    constexpr std::uint64_t kCount = 100000;
    std::vector<std::uint64_t> fresh(2, 0);
    auto insert_all = [&](unsigned t) {
        for (std::uint64_t k = 0; k < kCount; ++k) fresh[t] += set.insert(mix(k)) ? 1 : 0;
    };
    std::thread other(insert_all, 1);
    insert_all(0);
    other.join();
    EXPECT_EQ(fresh[0] + fresh[1], kCount);
    EXPECT_EQ(set.size(), kCount);
}

}  // namespace
