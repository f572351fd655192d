#pragma once
// The simulator's only source of randomness: xoshiro256** seeded through splitmix64, with
// integer ranges computed here rather than by <random>'s distributions, whose results differ
// between standard libraries. Same seed, same run, on any machine.

#include <cstdint>

#include "raft/assert.hpp"

namespace sim {

class Rng {
public:
    explicit Rng(std::uint64_t seed) {
        std::uint64_t x = seed;
        for (auto& word : s_) word = splitmix64(x);
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Uniform in [0, n). Rejection sampling keeps it unbiased.
    std::uint64_t below(std::uint64_t n) {
        RAFT_ASSERT(n > 0, "empty range");
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
        std::uint64_t x;
        do x = next();
        while (x >= limit);
        return x % n;
    }

    // Uniform in [lo, hi).
    std::int64_t range(std::int64_t lo, std::int64_t hi) {
        RAFT_ASSERT(lo < hi, "empty range");
        return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo)));
    }

    // True with probability num/den.
    bool chance(std::uint64_t num, std::uint64_t den) { return below(den) < num; }

    // An independent generator, so that one consumer's draws do not shift another's.
    Rng fork() { return Rng(next()); }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    static std::uint64_t splitmix64(std::uint64_t& x) {
        std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    std::uint64_t s_[4];
};

}  // namespace sim
