#pragma once
// A spec log as one 64-bit word: 4 bits of length, then one byte per entry (5 bits of term,
// 3 bits of value). Logs are compared, hashed, stored in sets and carried in messages all
// the time; as a word, all of that is one instruction.

#include <cstdint>
#include <string>

#include "spec/inline_vec.hpp"

namespace spec {

inline constexpr std::uint32_t kMaxLogEntries = 7;   // what fits the word (bounds allow 6 + 1 in flight)
inline constexpr std::uint32_t kMaxTermValue = 31;   // 5 bits
inline constexpr std::uint32_t kMaxValues = 7;       // values are 1..7 (3 bits)

class Log {
public:
    constexpr Log() = default;
    static constexpr Log from_bits(std::uint64_t bits) { Log l; l.bits_ = bits; return l; }
    std::uint64_t bits() const { return bits_; }

    std::uint32_t len() const { return static_cast<std::uint32_t>(bits_ & 0xF); }
    // 1-based, as in TLA+.
    std::uint32_t term(std::uint32_t index) const { return byte(index) >> 3; }
    std::uint32_t value(std::uint32_t index) const { return byte(index) & 7; }
    std::uint32_t last_term() const { return len() == 0 ? 0 : term(len()); }

    Log append(std::uint32_t term, std::uint32_t value) const {
        SPEC_ASSERT(len() < kMaxLogEntries, "log longer than a spec log can hold");
        SPEC_ASSERT(term <= kMaxTermValue && value >= 1 && value <= kMaxValues, "entry out of range");
        const std::uint64_t entry = (std::uint64_t{term} << 3) | value;
        return from_bits(((bits_ & ~std::uint64_t{0xF}) | (entry << (4 + 8 * len()))) | (len() + 1));
    }
    // The first n entries.
    Log prefix(std::uint32_t n) const {
        SPEC_ASSERT(n <= len(), "prefix longer than the log");
        const std::uint64_t body_mask = n == 0 ? 0 : ((std::uint64_t{1} << (8 * n)) - 1) << 4;
        return from_bits((bits_ & body_mask) | n);
    }
    // Entries from..to (inclusive, 1-based), as TLA+'s SubSeq.
    Log sub_seq(std::uint32_t from, std::uint32_t to) const {
        Log out;
        for (std::uint32_t k = from; k <= to; ++k) out = out.append(term(k), value(k));
        return out;
    }
    bool is_prefix_of(const Log& other) const { return len() <= other.len() && other.prefix(len()) == *this; }

    auto operator<=>(const Log&) const = default;

private:
    std::uint32_t byte(std::uint32_t index) const {
        return static_cast<std::uint32_t>((bits_ >> (4 + 8 * (index - 1))) & 0xFF);
    }
    std::uint64_t bits_ = 0;
};

std::string to_string(const Log& log);

}  // namespace spec
