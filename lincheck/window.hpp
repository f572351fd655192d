#pragma once
// The smallest non-linearizable window of a key: a few operations that are not linearizable
// by themselves, chosen so that this proves the whole history is not linearizable either.
// Found in three steps, each of which keeps that property (lincheck/FORMAT.md and the README
// give the reasoning):
//
// 1. Cut. The shortest prefix of the key's history, in event order (calls and returns by
//    time, calls first at equal times), that is not linearizable. Linearizability is
//    prefix-closed, so such a prefix condemns the whole history; non-linearizability only
//    grows with the prefix, so the shortest one is found by binary search over the returns.
//    It ends with the return of the *failing operation*. Mutations still pending at the cut
//    become open-ended; Gets still pending are left out (they returned nothing yet).
// 2. Fence. The latest Put p of the prefix such that no operation is called during p and
//    every operation called before p returned before p was called, unless it is open-ended:
//    everything that returned before p is dropped. A Put fixes the state whatever came
//    before, so a linearization of the whole prefix, restricted to what is left, is one of
//    the rest. The open-ended operations called before p stay.
// 3. Drops. Each Get but the failing operation, and each write that no remaining Get can
//    have seen (reduction.hpp), is dropped, newest first, if the rest is still not
//    linearizable; repeated while it drops something. A Get changes no state, and an unseen
//    write changes only states no Get reads, so neither removal can turn a linearizable
//    history into one that is not.
// Finally, open-ended writes that no remaining Get can have seen are dropped (reduction.hpp).
//
// The window is therefore minimal among these sound removals, not among all subsets: removing
// a write that a Get saw can make a history *less* linearizable (the Get loses its write), so
// a subset that merely fails by itself would prove nothing about the history.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "lincheck/history.hpp"
#include "lincheck/search.hpp"

namespace lincheck {

struct Window {
    std::string key;
    // The window's operations as they are in it (a mutation cut by the prefix is open-ended
    // here), in call order, and where each comes from in the history.
    std::vector<Operation> ops;
    std::vector<std::size_t> origin;
    std::size_t failing = 0;        // index into ops of the failing operation
    std::size_t prefix_ops = 0;     // operations of the key in the shortest failing prefix
    std::size_t key_ops = 0;        // operations of the key in the history
    bool minimal = true;            // false if the budget ran out, or step 3 was skipped (too big)
};

// REQUIRES: the operations `indices` of `history` (all on one key) are not linearizable.
Window find_window(const History& history, const std::vector<std::size_t>& indices, Budget& budget);

// Step 2's rule alone, for tests: what is left of `ops` (one key's) when the returned Put
// `ops[fence]` fences off what returned before it; nothing if it does not qualify.
std::optional<std::vector<Operation>> after_fence(const std::vector<Operation>& ops, std::size_t fence);

}  // namespace lincheck
