#pragma once
// The client-observed history of a key/value run, in the format the linearizability checker
// (`raftcheck lincheck`) reads:
//   {"format":"raftcheck-history","version":1,"operations":[
//     {"client":0,"kind":"append","key":"0","value":"x 0 1 y","call":1003,"return":1009},
//     {"client":1,"kind":"get","key":"0","output":"...","call":1004,"return":1012},
//     {"client":2,"kind":"put","key":"1","value":"v","call":1005,"return":null}, ...]}
// Times are microseconds of virtual time. The simulator's clock ticks in milliseconds, so the
// last three digits order the calls and returns that happen within one millisecond in the
// order the simulation performed them: real-time order in the history is the simulation's
// order, never an artefact of rounding. An operation that never returned has "return": null
// (and a get no "output").

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "kv/op.hpp"
#include "sim/network.hpp"

namespace sim {

class KvHistory {
public:
    struct Operation {
        std::uint64_t client = 0;
        kv::OpKind kind = kv::OpKind::kGet;
        std::string key;
        std::string value;
        std::optional<std::string> output;  // a get that returned
        std::int64_t call_us = 0;
        std::optional<std::int64_t> return_us;
    };

    // Records a call at virtual time `now`; returns its handle.
    std::size_t call(std::uint64_t client, kv::OpKind kind, const std::string& key, const std::string& value, Millis now);
    // Records the return of call `op` with the client's answer ("" for put/append).
    void returned(std::size_t op, const std::string& answer, Millis now);

    const std::vector<Operation>& operations() const { return operations_; }
    std::size_t completed() const { return completed_; }
    void write_json(std::ostream& out) const;

private:
    std::int64_t stamp(Millis now);

    std::vector<Operation> operations_;
    std::size_t completed_ = 0;
    Millis stamp_ms_ = -1;
    std::int64_t stamps_in_ms_ = 0;
};

}  // namespace sim
