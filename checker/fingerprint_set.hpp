#pragma once
// The visited set: 64-bit fingerprints in open-addressing tables, sharded by the top bits so
// that threads rarely meet on one lock and each shard grows on its own. Eight bytes a slot,
// at most 85% full after growth settles: at most 16 bytes per visited state, and nothing else
// about a state is kept once it leaves the frontier.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace checker {

class FingerprintSet {
public:
    explicit FingerprintSet(std::size_t expected_states = 0);

    // True if fp was not in the set (and now is).
    bool insert(std::uint64_t fp);
    bool contains(std::uint64_t fp) const;
    // A hint: brings the slot where fp would be looked up towards the CPU, so that an insert
    // a little later does not wait for memory. Takes no lock, and may read a shard's old
    // table while it grows: a prefetch of stale memory is harmless.
    void prefetch(std::uint64_t fp) const {
        fp = normalize(fp);
        const Shard& shard = shards_[fp >> (64 - kShardBits)];
        const std::uint64_t* base = shard.base.load(std::memory_order_relaxed);
        const std::size_t mask = shard.mask.load(std::memory_order_relaxed);
        __builtin_prefetch(base + (static_cast<std::size_t>(fp) & mask));
    }
    // Sums the shards' counts: exact when no insert is running, and cheap enough for the
    // once-per-batch memory check. No shared counter, so inserts on two threads never meet
    // on one cache line unless they meet on one shard.
    std::uint64_t size() const;
    std::uint64_t memory_bytes() const;

private:
    static constexpr unsigned kShardBits = 10;
    static constexpr std::size_t kShards = std::size_t{1} << kShardBits;
    static constexpr std::uint64_t kEmpty = 0;  // fingerprint 0 is stored as 1

    // A spin lock: a shard is held for a few dozen nanoseconds, far less than a mutex's
    // sleep and wake-up.
    class SpinLock {
    public:
        void lock() {
            while (flag_.exchange(true, std::memory_order_acquire)) {
                while (flag_.load(std::memory_order_relaxed)) {
                }
            }
        }
        void unlock() { flag_.store(false, std::memory_order_release); }

    private:
        std::atomic<bool> flag_{false};
    };

    // One cache line each: two threads locking neighbouring shards must not share a line.
    struct alignas(64) Shard {
        mutable SpinLock mu;
        std::vector<std::uint64_t> slots;
        std::atomic<std::size_t> used{0};  // written under mu, read without it by size()
        // slots.data() and slots.size() - 1, written under mu, read without it by prefetch().
        std::atomic<const std::uint64_t*> base{nullptr};
        std::atomic<std::size_t> mask{0};
    };
    static std::uint64_t normalize(std::uint64_t fp) { return fp == 0 ? 1 : fp; }
    static bool insert_into(std::vector<std::uint64_t>& slots, std::uint64_t fp);
    static void grow(Shard& shard);

    std::unique_ptr<Shard[]> shards_;
};

}  // namespace checker
