#include "kv/op.hpp"

#include <charconv>

namespace kv {
namespace {

char kind_letter(OpKind kind) {
    switch (kind) {
        case OpKind::kGet: return 'G';
        case OpKind::kPut: return 'P';
        case OpKind::kAppend: return 'A';
    }
    RAFT_ASSERT(false, "unknown OpKind");
}

std::optional<OpKind> kind_of_letter(char c) {
    if (c == 'G') return OpKind::kGet;
    if (c == 'P') return OpKind::kPut;
    if (c == 'A') return OpKind::kAppend;
    return std::nullopt;
}

// Reads a decimal number followed by one space at `pos`; moves `pos` past both.
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

raft::Command encode(const Op& op) {
    RAFT_ASSERT(op.kind != OpKind::kGet || op.value.empty(), "a Get carries no value");
    std::string out;
    out.reserve(24 + op.key.size() + op.value.size());
    out += kind_letter(op.kind);
    out += ' ';
    out += std::to_string(op.client);
    out += ' ';
    out += std::to_string(op.seq);
    out += ' ';
    out += std::to_string(op.key.size());
    out += ' ';
    out += op.key;
    out += op.value;
    return out;
}

std::optional<Op> decode(const raft::Command& command) {
    if (command.size() < 2 || command[1] != ' ') return std::nullopt;
    const std::optional<OpKind> kind = kind_of_letter(command[0]);
    if (!kind) return std::nullopt;
    std::size_t pos = 2;
    const auto client = read_number(command, pos);
    if (!client) return std::nullopt;
    const auto seq = read_number(command, pos);
    if (!seq) return std::nullopt;
    const auto key_size = read_number(command, pos);
    if (!key_size || *key_size > command.size() - pos) return std::nullopt;
    Op op{*kind, *client, *seq, command.substr(pos, *key_size), command.substr(pos + *key_size)};
    if (op.kind == OpKind::kGet && !op.value.empty()) return std::nullopt;
    return op;
}

const char* to_string(OpKind kind) {
    switch (kind) {
        case OpKind::kGet: return "get";
        case OpKind::kPut: return "put";
        case OpKind::kAppend: return "append";
    }
    RAFT_ASSERT(false, "unknown OpKind");
}

std::string describe(const Op& op) {
    constexpr std::size_t kShownMax = 40;
    std::string s = std::string(to_string(op.kind)) + " c" + std::to_string(op.client) + "#" + std::to_string(op.seq) +
                    " key=\"" + op.key + "\"";
    if (op.kind != OpKind::kGet) {
        s += " value=\"" + op.value.substr(0, kShownMax) + (op.value.size() > kShownMax ? "...\"" : "\"");
    }
    return s;
}

}  // namespace kv
