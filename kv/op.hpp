#pragma once
// One client operation of the key/value service, and its encoding as a raft::Command. The
// encoding is the only thing the log knows about the service: every replica decodes the same
// bytes to the same Op, so every replica's state machine takes the same steps.

#include <cstdint>
#include <optional>
#include <string>

#include "raft/log.hpp"

namespace kv {

using ClientId = std::uint64_t;
// A clerk numbers its operations 1, 2, 3...; 0 means "none yet".
using Seq = std::uint64_t;

enum class OpKind : std::uint8_t { kGet, kPut, kAppend };

struct Op {
    OpKind kind = OpKind::kGet;
    ClientId client = 0;
    Seq seq = 0;
    std::string key;
    std::string value;  // empty for a Get
    bool operator==(const Op&) const = default;
};

// "<G|P|A> <client> <seq> <key length> <key><value>": the key's length makes any key and
// value representable without escaping.
raft::Command encode(const Op& op);
// Nothing unless `command` is exactly what encode() produces for some Op.
std::optional<Op> decode(const raft::Command& command);

const char* to_string(OpKind kind);
// One line: "append c3#17 key=\"0\" value=\"x 0 5 y\"" (value abbreviated when long).
std::string describe(const Op& op);

}  // namespace kv
