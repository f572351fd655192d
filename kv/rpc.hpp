#pragma once
// The clerk <-> server RPC. One request kind carries all three operations (6.824 has Get and
// PutAppend; one kind is enough once the Op says which).

#include <cstdint>
#include <string>

#include "kv/op.hpp"

namespace kv {

struct Request {
    Op op;
    // The clerk's number for this attempt, echoed in the reply, so that a late "wrong
    // leader" from an earlier attempt does not make the clerk switch servers again.
    std::uint64_t attempt = 0;
    bool operator==(const Request&) const = default;
};

enum class Err : std::uint8_t {
    kOk,
    // "Not answered here; try another server." Said when the server is not the leader, or
    // when it can no longer tell whether its proposal will commit. Never a promise that the
    // operation did not happen: the clerk retries the same (client, seq).
    kWrongLeader,
};

struct Reply {
    ClientId client = 0;
    Seq seq = 0;
    std::uint64_t attempt = 0;
    Err err = Err::kWrongLeader;
    std::string value;  // a Get's answer, when err == kOk
    bool operator==(const Reply&) const = default;
};

const char* to_string(Err err);

}  // namespace kv
