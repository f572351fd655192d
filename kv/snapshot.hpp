#pragma once
// The key/value service's snapshot: the whole replicated state (the store, the client
// sessions of the dedup rule, the count of executed operations) as bytes, handed to raft in
// CompactLog and handed back by apply_snapshot (from the leader, or from storage on restart).
//
// The sessions must be in it: a clerk's retry that arrives after a snapshot replaced the log
// entries of its first attempt must still be recognised, or it is executed twice.
//
// Encoding: "kvsnap1 " then decimal numbers each followed by one space, and strings as
// "<length> <bytes>":
//   executed, key count, (key, value) per key in key order,
//   session count, (client, last_seq, last_result) per session in client order.
// Maps are ordered, so equal states encode to equal bytes on every replica and every run.

#include <optional>
#include <string>

#include "kv/state_machine.hpp"

namespace kv {

std::string encode_snapshot(const StateMachine& state);
// Nothing unless `data` is exactly what encode_snapshot() produces for some state.
std::optional<StateMachine> decode_snapshot(const std::string& data);

}  // namespace kv
