#pragma once
// The replicated state machine: a map from string keys to string values, and one session per
// client that makes retries harmless.
//
// THE DEDUP RULE. A clerk has at most one operation outstanding and numbers them 1, 2, 3...
// So per client it is enough to remember the last sequence number applied and its result:
//   seq >  last: a new operation. Execute it; remember (seq, result).
//   seq == last: a retry of the last operation (the clerk never heard the answer, or sent it
//                twice). Do not execute it again; answer with the remembered first result.
//   seq <  last: a retry of an operation the clerk has already finished (a late duplicate
//                from the network). Nobody waits for it: do nothing, answer nothing.
// Gets take part too, so a retried Get answers with the value of its first application,
// which lies inside the Get's call-return interval, so it is a linearizable answer.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "kv/op.hpp"

namespace kv {

// The bare map. execute() is what an operation does, with no memory of who asked.
class Store {
public:
    Store() = default;
    explicit Store(std::map<std::string, std::string> values) : values_(std::move(values)) {}
    // Get: the value ("" for a missing key). Put, Append: "" (they answer nothing).
    std::string execute(const Op& op);
    // The value of `key`, "" if missing.
    std::string get(const std::string& key) const;
    std::size_t size() const { return values_.size(); }
    // In key order: what a snapshot encodes (kv/snapshot.hpp).
    const std::map<std::string, std::string>& values() const { return values_; }
    bool operator==(const Store&) const = default;

private:
    std::map<std::string, std::string> values_;
};

struct Session {
    Seq last_seq = 0;
    std::string last_result;
    bool operator==(const Session&) const = default;
};

class StateMachine {
public:
    StateMachine() = default;
    // The state a snapshot carries (kv/snapshot.hpp). REQUIRES: every session has executed an
    // operation (last_seq >= 1), as apply() leaves them.
    StateMachine(Store store, std::map<ClientId, Session> sessions, std::uint64_t executed);

    // Applies `op` under the dedup rule above. Returns the answer for the client, or nothing
    // for a late duplicate of an operation the client has finished.
    std::optional<std::string> apply(const Op& op);

    const Store& store() const { return store_; }
    // For test-only variants that bypass the sessions (sim/kv_mutants.*): never used by kv/.
    Store& store_for_testing() { return store_; }
    const std::map<ClientId, Session>& sessions() const { return sessions_; }
    // Operations executed (duplicates not counted).
    std::uint64_t executed() const { return executed_; }
    bool operator==(const StateMachine&) const = default;

private:
    Store store_;
    std::map<ClientId, Session> sessions_;
    std::uint64_t executed_ = 0;
};

}  // namespace kv
