#include "sim/tester_snapshot.hpp"

#include <charconv>

namespace sim {
namespace {

// A decimal number followed by one space at `pos`; moves `pos` past both.
std::optional<std::uint64_t> read_number(const std::string& s, std::size_t& pos) {
    std::uint64_t v = 0;
    const char* first = s.data() + pos;
    const char* last = s.data() + s.size();
    const auto [end, ec] = std::from_chars(first, last, v);
    if (ec != std::errc{} || end == first || end == last || *end != ' ') return std::nullopt;
    pos = static_cast<std::size_t>(end - s.data()) + 1;
    return v;
}

}  // namespace

std::string encode_tester_snapshot(raft::LogIndex index, const std::vector<raft::Command>& commands) {
    RAFT_ASSERT(commands.size() >= index.value, "the tester snapshots only what it applied");
    std::string out = std::to_string(index.value) + " ";
    for (std::uint64_t k = 0; k < index.value; ++k) {
        out += std::to_string(commands[k].size());
        out += ' ';
        out += commands[k];
    }
    return out;
}

std::optional<TesterSnapshot> decode_tester_snapshot(const std::string& data) {
    std::size_t pos = 0;
    const std::optional<std::uint64_t> index = read_number(data, pos);
    if (!index) return std::nullopt;
    TesterSnapshot snap{raft::LogIndex{*index}, {}};
    for (std::uint64_t k = 0; k < *index; ++k) {
        const std::optional<std::uint64_t> size = read_number(data, pos);
        if (!size || *size > data.size() - pos) return std::nullopt;
        snap.commands.push_back(data.substr(pos, *size));
        pos += *size;
    }
    if (pos != data.size()) return std::nullopt;
    return snap;
}

}  // namespace sim
