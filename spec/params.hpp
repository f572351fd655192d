#pragma once
// The constants and bounds of a spec model: TLA+'s CONSTANTS plus TLC's state constraint.

#include <cstdint>
#include <string>

namespace spec {

inline constexpr std::uint32_t kMaxServers = 5;

enum class Variant : std::uint8_t {
    // Exactly Diego Ongaro's raft.tla: one entry per AppendEntries, nextIndex backs up by
    // one, history variables as in the original. Its state counts match TLC's.
    kRaftTla,
};

struct Params {
    Variant variant = Variant::kRaftTla;
    std::uint32_t servers = 3;
    std::uint32_t values = 1;
    // TLC's state constraint: successors beyond these are generated and checked, not explored.
    std::uint32_t max_term = 2;
    std::uint32_t max_log = 1;
    std::uint32_t max_copies = 1;  // any one message's count in the bag
    std::uint32_t max_msgs = 1;    // the sum of all counts in the bag
};

// What is wrong with these parameters, or an empty string.
std::string validate(const Params& p);
std::string variant_name(Variant v);

}  // namespace spec
