#pragma once
// Client histories of a simulated key/value store, for the tests and benchmarks of lincheck/
// (the real KV service of issue 6 comes later and will write the same format).
//
// `clients` client slots run concurrently against one store, in virtual microseconds. Each
// call takes effect at one instant between its call and its return (so a correct store is
// linearizable by construction, the instants in order being a linearization); calls on the
// same key overlap freely. Faults, seeded:
// - a lost request: never applied; the client gives up, the operation stays open-ended;
// - a lost reply: applied, the client gives up, open-ended;
// - a retried request: the first reply is lost and the client sends again; the store
//   de-duplicates (the operation spans the first call to the final return).
// A client that gave up is replaced in its slot by a new client id, as a restarted client
// process would be (a client waits for each reply, so it cannot call again itself).
//
// Planted bugs, each counted only where it certainly makes the history non-linearizable:
// - DuplicateAppend: a retried Append is applied twice (no de-duplication); counted when
//   Gets have seen both copies (one Get seeing both, or two Gets with a Put between).
// - StaleRead: a Get is served as by a deposed leader, returning the value from before a
//   write that had completed before the Get was called; injected only where no order of the
//   concurrent writes could explain the stale value (see history_generator.cpp).
// Values are unique self-delimiting tokens ("p17." for a Put, "a18." for an Append), which is
// what makes "certainly" decidable here.

#include <cstddef>
#include <cstdint>

#include "lincheck/history.hpp"

namespace histgen {

enum class PlantedBug { None, DuplicateAppend, StaleRead };

struct GeneratorConfig {
    std::uint64_t seed = 1;
    std::size_t operations = 10'000;
    std::size_t clients = 15;
    std::size_t keys = 10;
    unsigned get_percent = 50;
    unsigned put_percent = 15;  // the rest are Appends
    unsigned lost_request_permille = 10;
    unsigned lost_reply_permille = 10;
    unsigned retry_permille = 30;
    PlantedBug bug = PlantedBug::None;
    // DuplicateAppend: every retried Append is applied twice. StaleRead: the chance that an
    // eligible Get is served stale.
    unsigned bug_permille = 0;
};

struct GeneratedHistory {
    lincheck::History history;
    std::size_t open_ops = 0;
    std::size_t retried_ops = 0;
    std::size_t clients_total = 0;     // client ids used (slots plus replacements)
    std::size_t bug_manifested = 0;    // Gets that certainly expose the planted bug
};

GeneratedHistory generate_history(const GeneratorConfig& config);

}  // namespace histgen
