#pragma once
// Test knobs from the environment (RAFTCHECK_SEEDS and the like): a number, or the default
// when the variable is unset, empty or not a number.

#include <cstdint>
#include <cstdlib>

namespace test_env {

inline std::uint64_t env_or(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return fallback;
    char* end = nullptr;
    const unsigned long long parsed = std::strtoull(v, &end, 10);
    return (end != nullptr && *end == '\0') ? parsed : fallback;
}

}  // namespace test_env
