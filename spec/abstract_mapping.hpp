#pragma once
// The refinement mapping from the message-passing models (raft-tla, raft) to raft-abstract:
// which abstract state a spec state stands for. checker/abstract_refinement.hpp checks, on
// every explored step, that the images of its two states are equal (a stutter) or one
// abstract step apart.
//
//   log[i]      the terms of server i's log (values are not part of raft-abstract).
//   leader[i]   state[i] = Leader.
//   term[i]     NOT currentTerm[i], but the highest term of a completed election (the
//               `elections` history) in which i voted or won; 0 if none. A Timeout or an
//               UpdateTerm raises currentTerm alone, which no abstract action does; a vote is
//               one message, while the abstract election is one step. With this choice a
//               server's abstract term moves exactly when an election it took part in
//               completes, all voters at once, as raft-abstract's BecomeLeader moves them.
//   committed   the entries a leader has committed by counting: those of its own term at or
//               below its commitIndex, accumulated over the behaviour. The spec forgets them
//               (Restart resets commitIndex; raft-tla's follower copies a stale one), so
//               the accumulation is history kept by the checker beside the spec state
//               (CommittedHistory), not a spec variable: raft-tla's state counts stay TLC's.
//               Entries committed implicitly (older terms below a commit) are not recorded,
//               as raft-abstract records only what CommitEntry commits.

#include <array>
#include <cstdint>
#include <string>

#include "spec/abstract.hpp"
#include "spec/state.hpp"

namespace spec {

// committed[k] bit t: the entry (index k+1, term t) was committed by a leader of term t.
using CommittedHistory = std::array<std::uint8_t, abstract::kMaxLog>;

// The abstract bounds a spec model maps into: the same servers and terms (an election, the
// only thing that raises an abstract term, happens only in a state within the bounds), one
// more log slot (a ClientRequest beyond max-log is generated and checked, not explored).
abstract::Params abstract_params(const Params& p);

// Why these spec bounds cannot be mapped (terms or logs beyond raft-abstract's), or "".
std::string mapping_unsupported(const Params& p);

// The leaders' committed entries of s alone (to be OR-ed into the history).
CommittedHistory committed_by_leaders(const State& s, const Params& p);
CommittedHistory merge(const CommittedHistory& a, const CommittedHistory& b);

// The highest completed election's term in which server i voted or won, 0 if none.
std::uint8_t election_term(const State& s, std::uint32_t i);

// The abstract state that (s, history) stands for.
abstract::State to_abstract(const State& s, const Params& p, const CommittedHistory& committed);

}  // namespace spec
