#pragma once
// raft-abstract: Raft reduced to what its safety argument needs, in the style of the
// inductive-invariant benchmarks (endive's AbstractStaticRaft, the Ivy and mypyvy Raft
// models). No messages: an election happens in one step with a quorum of votes, a follower
// copies a prefix of any server's log, and a history variable records every committed entry.
// Small enough for Z3 to prove inductive (prove/), and explorable by the explicit explorer
// like the other models (checker/abstract_model.hpp).
//
// Some actions are more general than the endive/mypyvy originals, so that the message-passing
// models refine this one (spec/abstract_mapping.hpp): an election may skip terms, a leader may
// step down by itself, a commit may cover any entry of the leader's term that a quorum holds,
// and a follower may drop or replace any entries that are not committed; two more actions
// (BecomeLeaderLate, CommitEntryLate) explain elections and acknowledgements that a newer
// election overtook, with guards that state what the unrecorded votes guaranteed. Each is
// sound because the same inductive invariant still holds (`raftcheck prove`).
//
// The bounds are guards, not TLC's state constraint: an action whose successor would leave
// them is disabled. Z3's encoding must keep every state inside its finite domains, and the
// explorer then explores exactly the same transition system.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace spec::abstract {

inline constexpr std::uint32_t kMaxServers = 5;
inline constexpr std::uint32_t kMaxTerm = 7;  // committed[] keeps a bit per term in a byte
inline constexpr std::uint32_t kMaxLog = 6;

struct Params {
    std::uint32_t servers = 3;
    std::uint32_t max_term = 3;  // every currentTerm <= T (terms start at 0)
    std::uint32_t max_log = 3;   // every log length <= L
    std::uint32_t quorum() const { return servers / 2 + 1; }
};

// What is wrong with these parameters, or an empty string.
std::string validate(const Params& p);

struct State {
    std::array<std::uint8_t, kMaxServers> term{};
    std::array<bool, kMaxServers> leader{};  // Primary; otherwise Secondary
    std::array<std::uint8_t, kMaxServers> len{};
    // log[i][k] is the term of server i's entry k+1; 0 at and beyond len[i], so that equal
    // states are equal bytes.
    std::array<std::array<std::uint8_t, kMaxLog>, kMaxServers> log{};
    // History: bit t of committed[k] says that the entry (index k+1, term t) was committed.
    std::array<std::uint8_t, kMaxLog> committed{};

    bool operator==(const State&) const = default;
    std::uint8_t last_term(std::uint32_t i) const { return len[i] == 0 ? 0 : log[i][len[i] - 1]; }
    bool is_committed(std::uint32_t index, std::uint32_t t) const { return (committed[index - 1] >> t & 1) != 0; }
};

enum class ActionKind : std::uint8_t {
    kClientRequest,    // ClientRequest(i): leader i appends an entry of its term
    kGetEntries,       // GetEntries(i, j, m): follower i's log becomes j's first m entries,
                       // losing none of its committed entries
    kRollbackEntries,  // RollbackEntries(i): follower i drops its last entry, not a committed one
    kBecomeLeader,     // BecomeLeader(i, Q, t): i wins a term t above its own with the votes of Q
    kCommitEntry,      // CommitEntry(i, Q, k): leader i commits the entries of its term up to
                       // index k, entry k held by Q, no member of Q at a newer term
    kUpdateTerms,      // UpdateTerms(i, j): j learns i's newer term and steps down
    kStepDown,         // StepDown(i): leader i becomes a follower (it restarted, or heard of a
                       // newer term that no election has completed yet)
    kBecomeLeaderLate, // BecomeLeaderLate(i, Q, t): i wins term t after a newer election that
                       // some of its voters took part in (see abstract_actions.cpp)
    kCommitEntryLate,  // CommitEntryLate(i, Q, k): CommitEntry when some of Q has moved on to
                       // a newer term, every log and Primary past term[i] holding the entry
};
inline constexpr std::size_t kActionKinds = 9;

struct Action {
    ActionKind kind = ActionKind::kClientRequest;
    std::uint8_t i = 0;
    std::uint8_t j = 0;       // GetEntries, UpdateTerms
    std::uint8_t quorum = 0;  // BecomeLeader(Late), CommitEntry(Late): a set of servers as a bit mask
    std::uint8_t n = 0;       // BecomeLeader(Late): the term; CommitEntry(Late): the index; GetEntries: m
    bool operator==(const Action&) const = default;
};

std::string action_name(ActionKind k);
// "BecomeLeader(s1, {s1,s2}, t2)": one line.
std::string describe(const Action& a);
// One variable a line: "currentTerm = ...", "state = ...", "log = ...", "committed = ...".
std::string describe(const State& s, const Params& p);
// A canonical byte encoding (only the first `servers` servers and `max_log` slots).
void encode(const State& s, const Params& p, std::string& out);
State decode(std::string_view bytes, const Params& p);

State init(const Params& p);

// Whether `s` lies in the model's finite domains: what Z3's encoding calls TypeOK. Every
// state the actions produce from such a state is in them too.
bool well_formed(const State& s, const Params& p);

// The successor of one action instance, or false when it is not enabled.
bool apply(const State& s, const Params& p, const Action& a, State& out);

// All action instances of a cluster of `p.servers`, quorums included, in a fixed order: Next
// is the disjunction of apply() over them (checker/abstract_model.hpp enumerates them once).
std::vector<Action> all_actions(const Params& p);

// A named predicate: a safety property or a lemma of the inductive invariant.
struct Property {
    const char* name;
    const char* meaning;
    bool (*holds)(const State& s, const Params& p);
};

// ElectionSafety, LogMatching, LeaderCompleteness, StateMachineSafety.
const std::vector<Property>& safety_properties();
// The lemmas that make the safety properties inductive (see prove/).
const std::vector<Property>& lemmas();

}  // namespace spec::abstract
