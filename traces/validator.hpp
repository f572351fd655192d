#pragma once
// Checks a recorded run against the spec (the raft model, spec/unbounded.hpp): searches for a
// behaviour of the spec that explains the trace, event by event.
//
// Each event names a spec action; the validator applies it to every state that explains the
// trace so far (usually exactly one: then it works in place and memory stays flat) and keeps
// the results whose variables and messages agree with what the trace shows. What the trace
// does not show is searched: an absent variable is not checked, an absent message or peer is
// tried for every candidate, and when nothing explains an event, hidden steps (any spec
// action but ClientRequest: a lost or duplicated message, an unlogged send...) are inserted
// before it, breadth first, up to `max_hidden_steps`.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "spec/unbounded.hpp"
#include "traces/event.hpp"

namespace traces {

struct ValidatorOptions {
    std::uint32_t max_hidden_steps = 2;
    std::size_t max_candidates = 4096;  // more explanations than this: give up, inconclusive
    // A message received after it was already received once was duplicated while in flight:
    // remember this many consumed messages to explain that without search.
    std::size_t duplicate_window = 1 << 16;
    // Extensions of the spec that another implementation's traces need (etcd's).
    spec::unbounded::Options spec;
};

struct Mismatch {
    std::string variable;
    std::string expected;  // what the spec says
    std::string observed;  // what the trace says
};

// Why one spec action instance does not explain an event.
struct Attempt {
    std::string action;          // e.g. "HandleAppendEntriesRequest([...])"
    std::string why;             // "not enabled", or empty when mismatches say it
    std::vector<Mismatch> mismatches;
};

struct Failure {
    std::string file;
    std::uint64_t line = 0;
    std::uint64_t event_index = 0;  // 1-based among events
    std::string action;             // the event's action and node
    std::string reason;
    std::vector<Attempt> attempts;  // from the first candidate state
    bool inconclusive = false;      // too many explanations, not a proof of a violation
};

struct ValidatorStats {
    std::uint64_t events = 0;
    std::uint64_t hidden_steps = 0;       // inserted in the explanation
    std::uint64_t duplicates_assumed = 0;  // of which: messages duplicated in flight
    std::uint64_t max_candidates = 0;     // most states explaining a prefix at once
    std::uint64_t in_flight = 0;          // messages in flight at the end (first candidate)
    // Where hidden steps went in: (line of the event they precede, how many), the first few.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> hidden_at;
};

class Validator {
public:
    explicit Validator(ValidatorOptions options = {});

    // Consumes the next event. False: the trace is not a behaviour of the spec (see failure()).
    bool feed(const Event& e);
    const std::optional<Failure>& failure() const { return failure_; }
    const ValidatorStats& stats() const { return stats_; }
    std::uint32_t servers() const { return servers_; }

private:
    struct Instance {
        spec::unbounded::Action action;
        const Message* expect_sent = nullptr;  // the event's message or reply, if shown
        bool stutter = false;                  // Observe: no action, only the variables
    };
    // The spec action instances the event may stand for.
    std::vector<Instance> instances(const spec::unbounded::State& s, const Event& e) const;
    // Applies `inst` to `s` in place; on success checks the result against the event. Leaves
    // `s` changed only if it returns true.
    bool try_instance(spec::unbounded::State& s, const Instance& inst, const Event& e, Attempt* why);
    bool explain(std::vector<spec::unbounded::State>& states, const Event& e, std::vector<Attempt>* attempts);
    bool search_hidden(const Event& e);
    bool start(const Event& init);
    void note_hidden(const Event& e, std::uint32_t steps);
    void remember_consumed(const spec::unbounded::Effect& effect);
    bool was_consumed(std::uint64_t fingerprint) const;
    bool fail(const Event& e, std::string reason, std::vector<Attempt> attempts, bool inconclusive = false);

    ValidatorOptions options_;
    std::uint32_t servers_ = 0;
    std::vector<spec::unbounded::State> candidates_;
    spec::unbounded::Effect effect_;
    // Fingerprints (every field and entry) of the last `duplicate_window` consumed messages, in a
    // ring. Fingerprints, not messages: the window stays small and cheap, and a collision
    // (odds ~2^-64 per message) could only excuse one duplicate receipt. Recording is one
    // store per message; searching the ring, a scan, happens only for an event nothing else
    // explains.
    std::vector<std::uint64_t> consumed_;
    std::size_t consumed_next_ = 0;
    std::optional<Failure> failure_;
    ValidatorStats stats_;
};

// Event -> spec values. Values are opaque strings to the trace and 64-bit numbers to the
// spec; 0 means "not shown".
std::uint64_t value_id(const std::string& value);
spec::unbounded::Message to_spec(const Message& m);
// The spec action an event's action names (the two vocabularies are one, but for Init and
// Observe, which name none: asking for theirs is a bug).
spec::ActionKind spec_kind(ActionKind k);
// Whether the spec's message `u` is one the trace's `m` may stand for: equal in every field
// `m` shows.
bool matches(const spec::unbounded::Message& u, const Message& m);
// A message as the trace shows it, unseen fields marked.
std::string describe(const Message& m);
std::string describe(const Event& e);

}  // namespace traces
