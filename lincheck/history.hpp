#pragma once
// A history of a key/value service as its clients saw it: Put, Append and Get operations,
// each with the client that issued it, its arguments, what it returned, and when it was
// called and returned. An operation that never returned (its reply was lost, or the run
// ended first) is open-ended: it may have taken effect at any moment after its call, or not
// at all. The file format is lincheck/FORMAT.md; this is the checker's in-memory form.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lincheck {

enum class OpKind : std::uint8_t { Put, Append, Get };

// "put", "append", "get": the spelling of the file format.
std::string_view kind_name(OpKind kind);
std::optional<OpKind> kind_from_name(std::string_view name);

// Times are integers in any unit the recorder likes (the KV simulator writes microseconds).
using Time = std::int64_t;
// The largest time a history may contain; kNever stands above every real time.
inline constexpr Time kMaxTime = Time{1} << 62;
inline constexpr Time kNever = INT64_MAX;

using ClientId = std::uint64_t;

struct Operation {
    ClientId client = 0;
    OpKind kind = OpKind::Get;
    std::string key;
    std::string value;   // the argument of Put and Append; empty for Get
    std::string output;  // what a Get returned; meaningless for an open-ended Get
    Time call = 0;
    Time ret = kNever;   // kNever: open-ended

    bool open() const { return ret == kNever; }
    bool mutates() const { return kind != OpKind::Get; }
    // One line for tables and errors: "client 3: append(k1, \"x\") [10, 25]".
    std::string describe() const;
};

struct History {
    std::vector<Operation> ops;
};

// What makes a history meaningless to check, with the operation (its position in `ops`)
// that shows it.
struct HistoryProblem {
    std::size_t op_index;
    std::string message;
};

// The first problem, in operation order, among: a time outside [0, kMaxTime]; a return
// before its call; two operations of one client that overlap (a client waits for each reply,
// so its next call must come strictly after its previous return) or an operation of a client
// after one of its open-ended ones. The checker requires a history without problems.
std::optional<HistoryProblem> find_problem(const History& history);

}  // namespace lincheck
