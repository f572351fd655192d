#include "sim/network.hpp"

namespace sim {

std::optional<Millis> network_delay(const NetworkFaults& faults, const raft::Message& m, Rng& rng) {
    if (faults.unreliable && rng.chance(kUnreliableLossPercent, 100)) return std::nullopt;
    Millis d = faults.unreliable ? rng.range(0, kUnreliableDelayMaxMs) : rng.range(kReliableDelayMinMs, kReliableDelayMaxMs + 1);
    if (faults.long_reordering && !raft::is_request(m) && rng.chance(600, 900)) {
        // Same shape as labrpc: 200 ms plus a delay whose own bound is random.
        d += kLongReorderMinMs + rng.range(0, 1 + rng.range(0, kLongReorderSpanMs + 1));
    }
    return d;
}

}  // namespace sim
