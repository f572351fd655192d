#pragma once
// raft-abstract: Raft reduced to what its safety argument needs, in the style of the
// inductive-invariant benchmarks (endive's AbstractStaticRaft, the Ivy and mypyvy Raft
// models). No messages: an election happens in one step with a quorum of votes, a follower
// pulls one entry at a time from any server whose log is longer, and a history variable
// records every committed entry. Small enough for Z3 to prove inductive (prove/), and
// explorable by the explicit explorer like the other models (checker/abstract_model.hpp).
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
    kGetEntries,       // GetEntries(i, j): follower i pulls j's next entry after their common prefix
    kRollbackEntries,  // RollbackEntries(i, j): follower i drops its last entry, j's log being newer
    kBecomeLeader,     // BecomeLeader(i, Q): i wins term[i]+1 with the votes of quorum Q
    kCommitEntry,      // CommitEntry(i, Q): leader i commits its last entry, held by Q at its term
    kUpdateTerms,      // UpdateTerms(i, j): j learns i's newer term and steps down
};
inline constexpr std::size_t kActionKinds = 6;

struct Action {
    ActionKind kind = ActionKind::kClientRequest;
    std::uint8_t i = 0;
    std::uint8_t j = 0;       // GetEntries, RollbackEntries, UpdateTerms
    std::uint8_t quorum = 0;  // BecomeLeader, CommitEntry: a set of servers as a bit mask
    bool operator==(const Action&) const = default;
};

std::string action_name(ActionKind k);
// "BecomeLeader(s1, {s1,s2})": one line.
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
