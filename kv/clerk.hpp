#pragma once
// The client library of the key/value service (6.824's Clerk) as a state machine: one
// operation at a time, retried until some server answers it, with a fresh sequence number
// per operation and the last known leader remembered. The runtime owns the network and the
// timer: it sends what the clerk says, arms a timeout per attempt, and feeds back replies and
// attempts that ended without one (the timer expired, or the network reported the call
// failed, as labrpc's Call returning false).
//
// Retry rule: an attempt ends with kOk (done), kWrongLeader (try the next server at once) or
// no reply (try the next server). A late kOk from any earlier attempt of the current
// operation also completes it: every kOk for one (client, seq) carries the same first result
// (the dedup rule). Replies for earlier operations, and a second kOk, are ignored: an
// operation is answered exactly once.

#include <cstdint>
#include <optional>
#include <string>

#include "kv/rpc.hpp"

namespace kv {

class Clerk {
public:
    Clerk(ClientId id, std::uint32_t servers);

    struct Send {
        std::uint32_t server;
        Request request;
    };
    struct Result {
        std::optional<Send> send;           // the next attempt, if any
        std::optional<std::string> answer;  // set once: the operation is done ("" for Put/Append)
    };

    // Starts an operation. REQUIRES: idle().
    Send begin(OpKind kind, std::string key, std::string value);
    // A reply from `server` arrived.
    Result on_reply(std::uint32_t server, const Reply& reply);
    // `attempt` ended without a reply: its timer expired or the call failed.
    Result on_no_reply(std::uint64_t attempt);

    bool idle() const { return !current_; }
    ClientId id() const { return id_; }
    std::uint32_t leader_hint() const { return leader_hint_; }
    std::uint64_t attempts() const { return attempt_; }
    Seq last_seq() const { return seq_; }

private:
    Send send_current();

    ClientId id_;
    std::uint32_t servers_;
    std::uint32_t leader_hint_ = 0;
    Seq seq_ = 0;
    std::uint64_t attempt_ = 0;  // of all operations, so attempt numbers never repeat
    std::uint32_t attempt_server_ = 0;
    std::optional<Op> current_;
};

}  // namespace kv
