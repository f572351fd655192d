// The specification and the explorer, pinned to TLC: on Ongaro's raft.tla under the same
// bounds, raftcheck must count the same distinct and generated states, level by level. And
// the checker must catch the bugs its invariants exist for (tests/spec_mutants.hpp).

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "checker/explorer.hpp"
#include "checker/spec_model.hpp"
#include "checker/spec_mutants.hpp"

namespace {

spec::Params row(std::uint32_t servers, std::uint32_t max_term, std::uint32_t max_log, std::uint32_t copies, std::uint32_t msgs) {
    return spec::Params{spec::Variant::kRaftTla, servers, 1, max_term, max_log, copies, msgs};
}

template <class Model>
checker::Result<Model> explore(const Model& m, unsigned threads = 1, bool dfs = false) {
    checker::ExploreOptions o;
    o.threads = threads;
    o.progress_seconds = 0;
    checker::Explorer<Model> e(m, o);
    return dfs ? e.dfs() : e.bfs();
}

// TLC's per-level counts: "k new cumulative" lines after a header.
std::vector<std::uint64_t> tlc_levels(const std::string& file) {
    std::ifstream in("../shared/data/tlc-raft/" + file);
    if (!in) in.open(std::string(RAFTCHECK_SOURCE_DIR) + "/../shared/data/tlc-raft/" + file);
    std::vector<std::uint64_t> levels;
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::uint64_t k, fresh, total;
        if (fields >> k >> fresh >> total) levels.push_back(fresh);
    }
    return levels;
}

struct TlcRow {
    const char* name;
    spec::Params params;
    bool symmetry;
    std::uint64_t distinct, generated, depth;
    const char* levels_file;  // nullptr: none shipped
};

void PrintTo(const TlcRow& r, std::ostream* os) { *os << "row " << r.name; }

class TlcParity : public ::testing::TestWithParam<TlcRow> {};

TEST_P(TlcParity, SameCountsAsTlc) {
    const TlcRow& r = GetParam();
    const auto result = explore(checker::SpecModel(r.params, r.symmetry), 2);
    EXPECT_FALSE(result.violation.has_value());
    EXPECT_EQ(result.stats.distinct, r.distinct);
    EXPECT_EQ(result.stats.generated, r.generated);
    EXPECT_EQ(result.stats.depth, r.depth);
    if (r.levels_file != nullptr) {
        const auto expected = tlc_levels(r.levels_file);
        ASSERT_FALSE(expected.empty()) << "cannot read ../shared/data/tlc-raft/" << r.levels_file;
        EXPECT_EQ(result.stats.level_sizes, expected);
    }
}

INSTANTIATE_TEST_SUITE_P(RaftTla, TlcParity,
                         ::testing::Values(TlcRow{"A", row(2, 2, 1, 1, 1), false, 1760, 13797, 28, "raft2_t2_l1_m1.levels.txt"},
                                           TlcRow{"B", row(2, 3, 1, 1, 1), false, 25164, 198851, 41, "raft2_t3_l1_m1.levels.txt"},
                                           TlcRow{"C", row(2, 2, 1, 2, 2), false, 25164, 239037, 33, "raft2_t2_l1_c2m2.levels.txt"},
                                           TlcRow{"E", row(3, 2, 0, 1, 1), true, 118001, 1451643, 39, nullptr}),
                         [](const ::testing::TestParamInfo<TlcRow>& info) { return std::string("Row") + info.param.name; });

TEST(Explorer, BfsAndDfsAgree) {
    for (const spec::Params& p : {row(2, 2, 1, 1, 1), row(2, 3, 1, 1, 1), row(2, 2, 1, 2, 2)}) {
        const checker::SpecModel m(p, false);
        const auto bfs = explore(m, 1);
        const auto dfs = explore(m, 1, true);
        EXPECT_EQ(bfs.stats.distinct, dfs.stats.distinct);
        EXPECT_EQ(bfs.stats.generated, dfs.stats.generated);
    }
}

TEST(Explorer, ThreadCountDoesNotChangeCounts) {
    const checker::SpecModel m(row(2, 3, 1, 1, 1), false);
    const auto one = explore(m, 1);
    const auto three = explore(m, 3);
    EXPECT_EQ(one.stats.distinct, three.stats.distinct);
    EXPECT_EQ(one.stats.generated, three.stats.generated);
    EXPECT_EQ(one.stats.level_sizes, three.stats.level_sizes);
}

TEST(Explorer, CounterexampleDoesNotDependOnThreads) {
    const mutants::MutantModel m(row(3, 2, 1, 1, 1), mutants::Bug::kForgetVoteOnRestart, false);
    const auto one = explore(m, 1);
    const auto two = explore(m, 2);
    ASSERT_TRUE(one.violation && two.violation);
    ASSERT_EQ(one.violation->trace.size(), two.violation->trace.size());
    for (std::size_t k = 0; k < one.violation->trace.size(); ++k) EXPECT_EQ(one.violation->trace[k].second, two.violation->trace[k].second);
}

TEST(Explorer, StopsAtTheMemoryLimitAndSaysSo) {
    for (unsigned threads : {1u, 2u}) {
        checker::ExploreOptions o;
        o.threads = threads;
        o.progress_seconds = 0;
        o.max_memory_bytes = 200'000;
        const auto r = checker::Explorer<checker::SpecModel>(checker::SpecModel(row(2, 3, 1, 1, 1), false), o).bfs();
        EXPECT_TRUE(r.stats.out_of_memory);
        EXPECT_LT(r.stats.distinct, 25164u);
        EXPECT_FALSE(r.violation.has_value());
    }
    checker::ExploreOptions o;
    o.progress_seconds = 0;
    o.max_memory_bytes = 50'000;
    const auto dfs = checker::Explorer<checker::SpecModel>(checker::SpecModel(row(2, 3, 1, 1, 1), false), o).dfs();
    EXPECT_TRUE(dfs.stats.out_of_memory);
}

TEST(Explorer, DepthBoundStopsAtThatLevel) {
    checker::ExploreOptions o;
    o.max_depth = 5;
    o.progress_seconds = 0;
    const checker::SpecModel m(row(2, 2, 1, 1, 1), false);
    const auto r = checker::Explorer<checker::SpecModel>(m, o).bfs();
    EXPECT_EQ(r.stats.depth, 5u);       // five levels, the initial state being the first
    EXPECT_EQ(r.stats.distinct, 46u);   // TLC's cumulative count within 4 steps
}

TEST(Explorer, SimulationIsReproducibleFromItsSeed) {
    const checker::SpecModel m(row(3, 2, 1, 1, 1), false);
    checker::ExploreOptions o;
    o.progress_seconds = 0;
    checker::Explorer<checker::SpecModel> e(m, o);
    const auto a = e.simulate(200, 40, 7);
    const auto b = e.simulate(200, 40, 7);
    EXPECT_EQ(a.stats.distinct, b.stats.distinct);
    EXPECT_EQ(a.stats.generated, b.stats.generated);
    EXPECT_GT(a.stats.distinct, 500u);
    EXPECT_FALSE(a.violation.has_value());
}

// Every reachable state of row B: the encoding round-trips, and encoding under a permutation
// equals encoding the permuted state.
TEST(SpecState, EncodingRoundTripsAndPermutesConsistently) {
    const spec::Params p = row(3, 2, 1, 1, 1);
    checker::SpecModel m(p, false);
    std::vector<spec::State> frontier{spec::init(p)};
    std::set<std::string> seen;
    std::string a, b;
    const std::array<std::uint8_t, spec::kMaxServers> perm{2, 0, 1, 3, 4};
    for (int depth = 0; depth < 12 && !frontier.empty(); ++depth) {
        std::vector<spec::State> next;
        for (const spec::State& s : frontier) {
            m.for_each_successor(s, [&](const spec::Action&, spec::State& t) {
                if (!spec::within_bounds(t, p)) return;
                spec::encode(t, p, a);
                if (!seen.insert(a).second) return;
                ASSERT_EQ(spec::decode(a, p), t);
                spec::encode_permuted(t, p, perm, b);
                spec::encode(spec::permute(t, p, perm), p, a);
                ASSERT_EQ(a, b);
                next.push_back(t);
            });
        }
        frontier = std::move(next);
    }
    EXPECT_GT(seen.size(), 5000u);
}

// Symmetry counts orbits exactly: brute force (the smallest encoding over every permutation)
// over all states of row A gives the explorer's symmetric count.
TEST(Symmetry, CountsOrbitsExactly) {
    const spec::Params p = row(2, 3, 1, 1, 1);
    checker::SpecModel plain(p, false);
    std::set<std::string> all, orbits;
    std::vector<spec::State> frontier{spec::init(p)};
    std::string enc, alt;
    spec::encode(frontier[0], p, enc);
    all.insert(enc);
    while (!frontier.empty()) {
        std::vector<spec::State> next;
        for (const spec::State& s : frontier) {
            plain.for_each_successor(s, [&](const spec::Action&, spec::State& t) {
                if (!spec::within_bounds(t, p)) return;
                spec::encode(t, p, enc);
                if (all.insert(enc).second) next.push_back(t);
            });
        }
        frontier = std::move(next);
    }
    for (const std::string& e : all) {
        const spec::State s = spec::decode(e, p);
        spec::encode_permuted(s, p, {1, 0, 2, 3, 4}, alt);
        orbits.insert(std::min(e, alt));
    }
    EXPECT_EQ(all.size(), 25164u);
    EXPECT_EQ(explore(checker::SpecModel(p, true), 2).stats.distinct, orbits.size());
}

TEST(SpecState, OutgrowingACapacityIsAnErrorNotACrash) {
    spec::InlineVec<int, 2> v;
    v.push_back(1);
    v.push_back(2);
    EXPECT_THROW(v.push_back(3), spec::CapacityExceeded);
    EXPECT_EQ(v.size(), 2u);
}

// A counter that throws past 5: the explorer stops all its threads and reports the error.
struct ThrowingModel {
    using State = int;
    using Label = int;
    std::vector<int> initial_states() const { return {0}; }
    template <class F>
    void for_each_successor(const int& s, F&& f) const {
        if (s >= 5) throw spec::CapacityExceeded("too big");
        for (int d : {1, 2}) {
            int t = s + d;
            f(d, t);
        }
    }
    bool within_bounds(const int&) const { return true; }
    void encode(const int& s, std::string& out) const { out = std::to_string(s); }
    int decode(std::string_view b) const { return std::stoi(std::string(b)); }
    std::uint64_t fingerprint(const int& s, std::string& scratch) const {
        encode(s, scratch);
        return static_cast<std::uint64_t>(s) * 0x9E3779B97F4A7C15ull + 1;
    }
    const char* violated_invariant(const int&) const { return nullptr; }
    const char* violated_step(const int&, const int&) const { return nullptr; }
    std::uint64_t sometimes_mask(const int&) const { return 0; }
};

TEST(Explorer, ModelErrorsReachTheCaller) {
    for (unsigned threads : {1u, 2u}) {
        checker::ExploreOptions o;
        o.threads = threads;
        o.progress_seconds = 0;
        EXPECT_THROW(checker::Explorer<ThrowingModel>(ThrowingModel{}, o).bfs(), spec::CapacityExceeded);
    }
}

// ---- Planted bugs: each is caught, by the right invariant, with the shortest trace ----

// The trace is a behaviour of the model: each state is a successor of the one before, with
// that label, and the last state breaks the named property.
template <class Model>
void expect_valid_trace(const Model& m, const checker::Violation<Model>& v) {
    ASSERT_FALSE(v.trace.empty());
    for (std::size_t k = 1; k < v.trace.size(); ++k) {
        bool found = false;
        m.for_each_successor(v.trace[k - 1].second, [&](const spec::Action& a, spec::State& t) {
            found |= t == v.trace[k].second && spec::describe(a) == spec::describe(*v.trace[k].first);
        });
        EXPECT_TRUE(found) << "step " << k << " is not a step of the model";
    }
    const spec::State& last = v.trace.back().second;
    const spec::State& before = v.trace[v.trace.size() - 2].second;
    const char* broken = m.violated_invariant(last);
    if (broken == nullptr) broken = m.violated_step(before, last);
    ASSERT_NE(broken, nullptr);
    EXPECT_EQ(v.property, broken);
}

struct PlantedBug {
    mutants::Bug bug;
    spec::Params params;
    bool symmetry;
    const char* invariant;
    std::size_t trace_length;
};

void PrintTo(const PlantedBug& b, std::ostream* os) { *os << mutants::bug_name(b.bug); }

class CatchesPlantedBug : public ::testing::TestWithParam<PlantedBug> {};

TEST_P(CatchesPlantedBug, WithShortestCounterexample) {
    const PlantedBug& b = GetParam();
    const mutants::MutantModel m(b.params, b.bug, b.symmetry);
    const auto r = explore(m, 2);
    ASSERT_TRUE(r.violation.has_value()) << mutants::bug_name(b.bug) << " was not caught";
    EXPECT_EQ(r.violation->property, b.invariant);
    EXPECT_EQ(r.violation->trace.size(), b.trace_length);
    expect_valid_trace(m, *r.violation);
}

INSTANTIATE_TEST_SUITE_P(
    Spec, CatchesPlantedBug,
    ::testing::Values(PlantedBug{mutants::Bug::kForgetVoteOnRestart, row(3, 2, 1, 1, 1), false, "ElectionSafety", 19},
                      PlantedBug{mutants::Bug::kCountStaleVote, row(2, 3, 2, 1, 1), false, "ElectionSafety", 19},
                      PlantedBug{mutants::Bug::kTruncateOnStaleAppend, row(2, 3, 2, 1, 2), false, "CommitIndexInLog", 20},
                      PlantedBug{mutants::Bug::kVoteWithoutUpToDateCheck, row(3, 3, 1, 1, 1), true, "LeaderCompleteness", 26}),
    [](const ::testing::TestParamInfo<PlantedBug>& info) { return std::string(mutants::bug_name(info.param.bug)); });

// Figure 8 needs five terms to show; from Init that is beyond a test's budget, so the search
// starts where the paper's figure does: s1 leads term 4 with an entry of term 2 that only it
// holds, s2 still leads term 3 with a conflicting entry, s3 has voted for s1.
TEST(CatchesPlantedBugFromFigure8, CommitEarlierTermByCount) {
    const spec::Params p = row(3, 5, 1, 1, 1);
    spec::State s = spec::init(p);
    spec::Server& s1 = s.servers[0];
    spec::Server& s2 = s.servers[1];
    spec::Server& s3 = s.servers[2];
    s1.role = spec::Role::kLeader;
    s1.current_term = 4;
    s1.voted_for = 0;
    s1.log = spec::Log{}.append(2, 1);
    s1.votes_granted = s1.votes_responded = 0b101;
    s2.role = spec::Role::kLeader;
    s2.current_term = 3;
    s2.voted_for = 1;
    s2.log = spec::Log{}.append(3, 1);
    s2.votes_granted = s2.votes_responded = 0b110;
    for (int j = 0; j < 3; ++j) s1.next_index[j] = s2.next_index[j] = 2;
    s3.current_term = 4;
    s3.voted_for = 0;
    mutants::MutantModel m(p, mutants::Bug::kCommitEarlierTermByCount, true);
    m.start_from(s);
    const auto r = explore(m, 2);
    ASSERT_TRUE(r.violation.has_value());
    EXPECT_EQ(r.violation->property, "LeaderCompleteness");
    EXPECT_EQ(r.violation->trace.size(), 20u);
    expect_valid_trace(m, *r.violation);
}

// ---- The raft model: the protocol raft/ implements ----

spec::Params raft_row(std::uint32_t servers, std::uint32_t max_term, std::uint32_t max_log, std::uint32_t copies, std::uint32_t msgs) {
    spec::Params p = row(servers, max_term, max_log, copies, msgs);
    p.variant = spec::Variant::kRaft;
    return p;
}

// Pinned: a change in the raft model's semantics shows up as a changed number.
TEST(RaftModel, PinnedCountsAndNoViolation) {
    const auto r = explore(checker::SpecModel(raft_row(2, 3, 2, 1, 1), false), 2);
    EXPECT_FALSE(r.violation.has_value());
    EXPECT_EQ(r.stats.distinct, 68362u);
    EXPECT_EQ(r.stats.generated, 547081u);
    EXPECT_EQ(r.stats.depth, 46u);
    const auto dfs = explore(checker::SpecModel(raft_row(2, 3, 2, 1, 1), false), 1, true);
    EXPECT_EQ(dfs.stats.distinct, r.stats.distinct);
}

// The leader's side of fast backup: past its own last entry of XTerm, to XIndex when it has
// no entry of XTerm, past XLen when the follower's log is short; never below matchIndex + 1.
TEST(RaftModel, LeaderBacksUpAWholeTermPerRejection) {
    const spec::Params p = raft_row(2, 4, 4, 1, 1);
    auto next_after = [&](std::uint8_t x_term, std::uint8_t x_index, std::uint8_t x_len, std::uint8_t match) {
        spec::State s = spec::init(p);
        spec::Server& leader = s.servers[0];
        leader.role = spec::Role::kLeader;
        leader.current_term = 4;
        leader.log = spec::Log{}.append(1, 1).append(1, 1).append(3, 1).append(4, 1);
        leader.next_index[1] = 5;
        leader.match_index[1] = match;
        spec::Message r;
        r.type = spec::MsgType::kAppendEntriesResponse;
        r.term = 4;
        r.source = 1;
        r.dest = 0;
        r.f2 = x_len;
        r.f3 = x_term;
        r.f4 = x_index;
        spec::bag_add(s, r);
        std::uint32_t next = 0;
        checker::SpecModel(p, false).for_each_successor(s, [&](const spec::Action& a, spec::State& t) {
            if (a.kind == spec::ActionKind::kHandleAppendEntriesResponse) next = t.servers[0].next_index[1];
        });
        return next;
    };
    EXPECT_EQ(next_after(1, 1, 4, 0), 3u) << "leader has term 1 up to index 2";
    EXPECT_EQ(next_after(2, 2, 4, 0), 2u) << "leader has no term 2: go to XIndex";
    EXPECT_EQ(next_after(0, 0, 1, 0), 2u) << "follower's log ends at 1";
    EXPECT_EQ(next_after(2, 2, 4, 3), 4u) << "never at or below matchIndex";
}

TEST(RaftModel, CatchesForgottenVote) {
    const mutants::MutantModel m(raft_row(3, 2, 1, 1, 1), mutants::Bug::kForgetVoteOnRestart, false);
    const auto r = explore(m, 2);
    ASSERT_TRUE(r.violation.has_value());
    EXPECT_EQ(r.violation->property, "ElectionSafety");
    expect_valid_trace(m, *r.violation);
}

// One follower step, seen from outside: the only successor that handles message `m`.
spec::State handle(const spec::State& s, const spec::Params& p, const spec::Message& m) {
    std::optional<spec::State> out;
    checker::SpecModel(p, false).for_each_successor(s, [&](const spec::Action& a, spec::State& t) {
        if (a.kind == spec::ActionKind::kHandleAppendEntriesRequest && a.m == m) out = t;
    });
    EXPECT_TRUE(out.has_value());
    return out.value_or(s);
}

spec::Message append_request(std::uint8_t prev, std::uint8_t prev_term, spec::Log entries, std::uint8_t commit) {
    spec::Message m;
    m.type = spec::MsgType::kAppendEntriesRequest;
    m.term = 3;
    m.source = 0;
    m.dest = 1;
    m.f1 = prev;
    m.f2 = prev_term;
    m.f3 = commit;
    m.entries = entries;
    return m;
}

spec::State follower_with(spec::Log log, const spec::Message& m) {
    spec::State s = spec::init(raft_row(2, 3, 4, 1, 1));
    s.servers[1].current_term = 3;
    s.servers[1].log = log;
    spec::bag_add(s, m);
    return s;
}

TEST(RaftModel, FollowerTruncatesOnlyAtARealConflict) {
    const spec::Params p = raft_row(2, 3, 4, 1, 1);
    const spec::Log mine = spec::Log{}.append(1, 1).append(2, 1).append(2, 2);
    // Entries 2..3 sent again with 3 conflicting at index 3: keep 1..2, replace 3, append 4.
    const auto m = append_request(1, 1, spec::Log{}.append(2, 1).append(3, 1).append(3, 2), 9);
    const spec::State t = handle(follower_with(mine, m), p, m);
    EXPECT_EQ(t.servers[1].log, spec::Log{}.append(1, 1).append(2, 1).append(3, 1).append(3, 2));
    EXPECT_EQ(t.servers[1].commit_index, 4) << "min(leaderCommit, last new entry)";
    // A stale, shorter request whose entries all match changes nothing in the log.
    const auto stale = append_request(0, 0, spec::Log{}.append(1, 1), 1);
    const spec::State u = handle(follower_with(mine, stale), p, stale);
    EXPECT_EQ(u.servers[1].log, mine);
    EXPECT_EQ(u.servers[1].commit_index, 1);
}

TEST(RaftModel, RejectionCarriesFastBackupHints) {
    const spec::Params p = raft_row(2, 3, 4, 1, 1);
    const spec::Log mine = spec::Log{}.append(1, 1).append(2, 1).append(2, 2);
    const auto m = append_request(3, 3, spec::Log{}, 0);  // the leader has term 3 at index 3
    const spec::State t = handle(follower_with(mine, m), p, m);
    ASSERT_EQ(t.messages.size(), 1u);
    const spec::Message& r = t.messages[0].m;
    EXPECT_FALSE(r.success());
    EXPECT_EQ(r.x_term(), 2);
    EXPECT_EQ(r.x_index(), 2);
    EXPECT_EQ(r.x_len(), 3);
    const auto beyond = append_request(4, 3, spec::Log{}, 0);  // past the follower's log
    const spec::State u = handle(follower_with(mine, beyond), p, beyond);
    EXPECT_EQ(u.messages[0].m.x_term(), 0);
    EXPECT_EQ(u.messages[0].m.x_len(), 3);
}

// ---- Each invariant, on a state built to break it ----

spec::State two_servers() { return spec::init(row(2, 3, 2, 1, 1)); }

bool holds(const char* name, const spec::State& s) {
    for (const spec::Invariant& inv : spec::invariants()) {
        if (std::string(inv.name) == name) return inv.holds(s, row(2, 3, 2, 1, 1));
    }
    ADD_FAILURE() << "no invariant " << name;
    return false;
}

TEST(Invariants, AllHoldInTheInitialState) {
    for (const spec::Invariant& inv : spec::invariants()) EXPECT_TRUE(inv.holds(two_servers(), row(2, 3, 2, 1, 1))) << inv.name;
}

TEST(Invariants, ElectionSafetyFailsOnTwoWinnersOfOneTerm) {
    spec::State s = two_servers();
    spec::set_insert(s.elections, spec::Election{2, 0, 0b11, 0, {}, {}});
    EXPECT_TRUE(holds("ElectionSafety", s));
    spec::set_insert(s.elections, spec::Election{2, 1, 0b11, 0, {}, {}});
    EXPECT_FALSE(holds("ElectionSafety", s));
}

TEST(Invariants, OneLeaderPerTermFailsOnTwoLeadersOfOneTerm) {
    spec::State s = two_servers();
    s.servers[0].role = s.servers[1].role = spec::Role::kLeader;
    EXPECT_FALSE(holds("OneLeaderPerTerm", s));
    s.servers[1].current_term = 2;
    EXPECT_TRUE(holds("OneLeaderPerTerm", s));
}

TEST(Invariants, LogMatchingFailsWhenAMatchingEntryHasDifferentHistory) {
    spec::State s = two_servers();
    s.servers[0].log = spec::Log{}.append(1, 1).append(2, 1);
    s.servers[1].log = spec::Log{}.append(1, 2).append(2, 1);
    EXPECT_FALSE(holds("LogMatching", s));
    s.servers[1].log = spec::Log{}.append(1, 1).append(3, 1);
    EXPECT_TRUE(holds("LogMatching", s));
}

TEST(Invariants, LeaderCompletenessFailsWhenALaterLeaderLacksACommittedEntry) {
    spec::State s = two_servers();
    s.servers[0].log = spec::Log{}.append(1, 1);
    s.servers[0].commit_index = 1;
    s.servers[1].role = spec::Role::kLeader;
    s.servers[1].current_term = 2;
    EXPECT_FALSE(holds("LeaderCompleteness", s));
    s.servers[1].log = spec::Log{}.append(1, 1);
    EXPECT_TRUE(holds("LeaderCompleteness", s));
}

TEST(Invariants, StateMachineSafetyFailsOnDifferentCommittedEntries) {
    spec::State s = two_servers();
    s.servers[0].log = spec::Log{}.append(1, 1);
    s.servers[1].log = spec::Log{}.append(1, 2);
    s.servers[0].commit_index = s.servers[1].commit_index = 1;
    EXPECT_FALSE(holds("StateMachineSafety", s));
    s.servers[1].commit_index = 0;
    EXPECT_TRUE(holds("StateMachineSafety", s));
}

TEST(Invariants, CommitIndexInLogFailsBeyondTheLog) {
    spec::State s = two_servers();
    s.servers[0].commit_index = 1;
    EXPECT_FALSE(holds("CommitIndexInLog", s));
}

TEST(Invariants, LeaderAppendOnlyFailsWhenALeaderLosesAnEntry) {
    spec::State before = two_servers();
    before.servers[0].role = spec::Role::kLeader;
    before.servers[0].log = spec::Log{}.append(1, 1);
    spec::State after = before;
    after.servers[0].log = spec::Log{};
    const spec::StepProperty& p = spec::step_properties().front();
    EXPECT_FALSE(p.holds(before, after, row(2, 3, 2, 1, 1)));
    after.servers[0].log = before.servers[0].log.append(1, 1);
    EXPECT_TRUE(p.holds(before, after, row(2, 3, 2, 1, 1)));
}

TEST(Sometimes, RowBReachesElectionsAndCommits) {
    const auto r = explore(checker::SpecModel(row(2, 3, 1, 1, 1), false), 2);
    const auto& all = spec::sometimes();
    for (std::size_t k = 0; k < all.size(); ++k) {
        const bool reached = (r.stats.sometimes_reached >> k & 1) != 0;
        const std::string name = all[k].name;
        if (name == "LeaderElected" || name == "SecondElection" || name == "EntryCommitted") {
            EXPECT_TRUE(reached) << name;
        }
        if (name == "MessageDuplicated") {
            EXPECT_FALSE(reached) << "max-copies 1 forbids it";
        }
    }
}

}  // namespace
