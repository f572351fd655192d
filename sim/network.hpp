#pragma once
// What the simulated network does to one message: 6.824's labrpc fault modes, as a policy that
// decides loss and delay. The cluster owns the in-flight messages; this file owns the odds.

#include <cstdint>
#include <optional>

#include "raft/messages.hpp"
#include "sim/rng.hpp"

namespace sim {

using Millis = std::int64_t;

struct NetworkFaults {
    // labrpc's unreliable mode: 10% of requests and 10% of replies lost, 0-26 ms of delay.
    bool unreliable = false;
    // labrpc's long reordering: most replies held back 200-2200 ms.
    bool long_reordering = false;
};

inline constexpr Millis kReliableDelayMinMs = 1;
inline constexpr Millis kReliableDelayMaxMs = 3;
inline constexpr Millis kUnreliableDelayMaxMs = 27;  // exclusive
inline constexpr std::uint64_t kUnreliableLossPercent = 10;
inline constexpr Millis kLongReorderMinMs = 200;
inline constexpr Millis kLongReorderSpanMs = 2000;

// The delay before `m` arrives, or nothing if the network loses it.
std::optional<Millis> network_delay(const NetworkFaults& faults, const raft::Message& m, Rng& rng);

}  // namespace sim
