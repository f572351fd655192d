// Unit tests of raft::step, one per rule of Figure 2 of the Raft paper (plus the 6.824 fast
// log backup, persistence across restarts and the no-op option). Each test is named after the
// rule it checks. States are reached by driving step() with inputs, as a runtime would.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <vector>

#include "raft/step.hpp"

namespace raft {
namespace {

constexpr NodeId kN0{0};
constexpr NodeId kN1{1};
constexpr NodeId kN2{2};
constexpr NodeId kN3{3};
constexpr NodeId kN4{4};

// ---- Building inputs ----

// The entry a leader of `term` would have put at `index`. Deterministic in (index, term), so
// that two logs built by different helpers agree wherever index and term agree, as the Log
// Matching Property promises.
Entry entry_at(std::uint64_t index, std::uint64_t term) {
    return Entry{Term{term}, EntryKind::kCommand, "i" + std::to_string(index) + "t" + std::to_string(term)};
}

Entry command(std::uint64_t term, std::string cmd) { return Entry{Term{term}, EntryKind::kCommand, std::move(cmd)}; }

Message to_n0(NodeId from, std::uint64_t term, MessageBody body) { return Message{from, kN0, Term{term}, std::move(body)}; }

Message request_vote(NodeId from, std::uint64_t term, std::uint64_t last_index, std::uint64_t last_term) {
    return to_n0(from, term, RequestVote{LogIndex{last_index}, Term{last_term}});
}

Message vote(NodeId from, std::uint64_t term, bool granted = true) { return to_n0(from, term, RequestVoteReply{granted}); }

Message append_entries(NodeId from, std::uint64_t term, std::uint64_t prev_index, std::uint64_t prev_term,
                       std::vector<Entry> entries, std::uint64_t leader_commit) {
    return to_n0(from, term, AppendEntries{LogIndex{prev_index}, Term{prev_term}, std::move(entries), LogIndex{leader_commit}});
}

Message heartbeat(NodeId from, std::uint64_t term, std::uint64_t prev_index, std::uint64_t prev_term, std::uint64_t leader_commit = 0) {
    return append_entries(from, term, prev_index, prev_term, {}, leader_commit);
}

Message append_ok(NodeId from, std::uint64_t term, std::uint64_t match_index) {
    AppendEntriesReply r;
    r.success = true;
    r.match_index = LogIndex{match_index};
    return to_n0(from, term, r);
}

Message append_rejected(NodeId from, std::uint64_t term, std::uint64_t xterm, std::uint64_t xindex, std::uint64_t xlen) {
    AppendEntriesReply r;
    r.conflict_term = Term{xterm};
    r.conflict_index = LogIndex{xindex};
    r.log_length = LogIndex{xlen};
    return to_n0(from, term, r);
}

// ---- Reaching states by driving step() ----

NodeState fresh(std::uint32_t cluster_size = 3, bool noop_on_election = false) {
    return initial_state(Config{kN0, cluster_size, noop_on_election});
}

NodeState feed(NodeState s, std::initializer_list<Input> inputs) {
    for (const Input& in : inputs) s = step(std::move(s), in).state;
    return s;
}

// Node 0 as a follower whose log holds one entry per element of `terms`, each received from
// n1 acting as leader of that entry's term. Nothing is committed.
NodeState follower_with_log(const std::vector<std::uint64_t>& terms, NodeState s = fresh()) {
    for (const std::uint64_t t : terms) {
        const LogIndex last = s.log.last_index();
        s = feed(std::move(s), {append_entries(kN1, t, last.value, s.log.last_term().value, {entry_at(last.value + 1, t)}, 0)});
    }
    return s;
}

// The step in which node 0 wins an election: a timeout, then granted votes from n1, n2, ...
// until a quorum. Returns the step that made it leader, outputs included.
StepResult win_election(NodeState s) {
    const std::uint32_t quorum = quorum_size(s.config.cluster_size);
    s = step(std::move(s), ElectionTimeout{}).state;
    const std::uint64_t term = s.current_term.value;
    for (std::uint32_t peer = 1; peer + 1 < quorum; ++peer) s = feed(std::move(s), {vote(NodeId{peer}, term)});
    return step(std::move(s), vote(NodeId{quorum - 1}, term));
}

// Node 0 of a 3-node cluster, leader of term 1 with an empty log.
NodeState leader_of_term_1() { return win_election(fresh()).state; }

// Node 0 as leader of term 5 with log terms [1, 1, 3, 3, 4]; nextIndex is 6 for every peer.
NodeState leader_of_term_5() { return win_election(follower_with_log({1, 1, 3, 3, 4})).state; }

// ---- Looking at outputs ----

std::vector<std::uint64_t> log_terms(const Log& log) {
    std::vector<std::uint64_t> terms;
    for (const Entry& e : log.entries()) terms.push_back(e.term.value);
    return terms;
}

// The messages of kind T, ordered by recipient: step() promises no order among peers.
template <class T>
std::vector<Message> sent(const Outputs& out) {
    std::vector<Message> ms;
    for (const Message& m : out.messages) {
        if (std::holds_alternative<T>(m.body)) ms.push_back(m);
    }
    std::stable_sort(ms.begin(), ms.end(), [](const Message& a, const Message& b) { return a.to < b.to; });
    return ms;
}

// The single message of kind T sent in `out`.
template <class T>
T only_sent(const Outputs& out, NodeId to) {
    const std::vector<Message> ms = sent<T>(out);
    EXPECT_EQ(ms.size(), 1u);
    EXPECT_EQ(out.messages.size(), 1u) << "other messages were sent too";
    if (ms.empty()) return T{};
    EXPECT_EQ(ms[0].to, to);
    return std::get<T>(ms[0].body);
}

bool has_notice(const Outputs& out, NoticeKind kind, std::uint64_t term) {
    return std::find(out.notices.begin(), out.notices.end(), Notice{kind, Term{term}}) != out.notices.end();
}

// A node together with its stable storage, kept as the ordering contract of raft/io.hpp
// demands: every step's persist output is applied to storage.
struct DurableNode {
    NodeState state = fresh();
    PersistentState storage;

    Outputs deliver(const Input& in) {
        StepResult r = step(std::move(state), in);
        state = std::move(r.state);
        apply_persist(storage, r.outputs.persist);
        return r.outputs;
    }
    Outputs crash_and_restart() { return deliver(Restart{storage}); }
};

// ================= Rules for all servers =================

TEST(AllServers, HigherTermInAnyMessageMakesFollowerAndAdoptsTerm) {
    const std::vector<MessageBody> bodies = {
        RequestVote{LogIndex{0}, Term{0}},
        RequestVoteReply{false},
        AppendEntries{LogIndex{0}, Term{0}, {}, LogIndex{0}},
        AppendEntriesReply{},
    };
    for (const MessageBody& body : bodies) {
        const Message m{kN2, kN0, Term{3}, body};
        SCOPED_TRACE(describe(m));
        const auto [s, out] = step(leader_of_term_1(), m);
        EXPECT_EQ(s.role, Role::kFollower);
        EXPECT_EQ(s.current_term, Term{3});
        EXPECT_TRUE(s.next_index.empty());
        EXPECT_TRUE(has_notice(out, NoticeKind::kSteppedDown, 1));
        // The vote for itself was for term 1; in term 3 the node is free again (and the
        // RequestVote, from an up-to-date candidate, gets that vote).
        const bool is_request_vote = std::holds_alternative<RequestVote>(body);
        EXPECT_EQ(s.voted_for, is_request_vote ? std::optional<NodeId>(kN2) : std::nullopt);
        ASSERT_TRUE(out.persist.hard_state.has_value());
        EXPECT_EQ(*out.persist.hard_state, (HardState{Term{3}, s.voted_for}));
    }
}

TEST(AllServers, AppliesEntriesUpToCommitIndexInOrder) {
    NodeState s = follower_with_log({1, 1, 1});
    auto r = step(std::move(s), heartbeat(kN1, 1, 3, 1, /*leader_commit=*/2));
    EXPECT_EQ(r.state.last_applied, LogIndex{2});
    EXPECT_EQ(r.outputs.apply, (std::vector<Applied>{{LogIndex{1}, entry_at(1, 1)}, {LogIndex{2}, entry_at(2, 1)}}));
    r = step(std::move(r.state), heartbeat(kN1, 1, 3, 1, 3));
    EXPECT_EQ(r.outputs.apply, (std::vector<Applied>{{LogIndex{3}, entry_at(3, 1)}}));
}

// ================= Followers =================

TEST(Followers, ElectionTimerResetOnlyByCurrentLeaderOrGrantedVote) {
    NodeState s = follower_with_log({2});
    // A current leader's AppendEntries resets the timer, even one that must be rejected.
    EXPECT_TRUE(step(s, heartbeat(kN1, 2, 1, 2)).outputs.reset_election_timer);
    EXPECT_TRUE(step(s, heartbeat(kN1, 2, 7, 2)).outputs.reset_election_timer);
    // A deposed leader's does not.
    EXPECT_FALSE(step(s, heartbeat(kN2, 1, 0, 0)).outputs.reset_election_timer);
    // A refused vote does not (the candidate's log is behind), a granted one does.
    EXPECT_FALSE(step(s, request_vote(kN2, 2, 0, 0)).outputs.reset_election_timer);
    EXPECT_TRUE(step(s, request_vote(kN2, 2, 1, 2)).outputs.reset_election_timer);
}

TEST(Followers, IgnoreHeartbeatTimeout) {
    const NodeState s = follower_with_log({1});
    const auto [next, out] = step(s, HeartbeatTimeout{});
    EXPECT_EQ(next, s);
    EXPECT_EQ(out, Outputs{});
}

// ================= RequestVote receiver =================

TEST(RequestVoteReceiver, RejectsWhenTermIsStale) {
    const NodeState s = feed(fresh(), {heartbeat(kN1, 2, 0, 0)});
    // The candidate's log is far ahead: only its stale term can refuse it.
    const auto [next, out] = step(s, request_vote(kN2, 1, 5, 1));
    EXPECT_EQ(only_sent<RequestVoteReply>(out, kN2), RequestVoteReply{false});
    ASSERT_FALSE(out.messages.empty());
    EXPECT_EQ(out.messages[0].term, Term{2}) << "the reply carries the newer term, to depose the sender";
    EXPECT_EQ(next.voted_for, std::nullopt);
    EXPECT_EQ(next.current_term, Term{2});
    EXPECT_TRUE(out.persist.empty());
}

TEST(RequestVoteReceiver, GrantsOnlyIfNotVotedOrVotedForCandidate) {
    auto r = step(fresh(), request_vote(kN1, 1, 0, 0));
    EXPECT_EQ(only_sent<RequestVoteReply>(r.outputs, kN1), RequestVoteReply{true});
    EXPECT_EQ(r.state.voted_for, kN1);
    // A retransmitted request from the same candidate gets the same answer.
    r = step(std::move(r.state), request_vote(kN1, 1, 0, 0));
    EXPECT_EQ(only_sent<RequestVoteReply>(r.outputs, kN1), RequestVoteReply{true});
    // Another candidate of the same term does not.
    r = step(std::move(r.state), request_vote(kN2, 1, 0, 0));
    EXPECT_EQ(only_sent<RequestVoteReply>(r.outputs, kN2), RequestVoteReply{false});
    EXPECT_EQ(r.state.voted_for, kN1);
}

TEST(RequestVoteReceiver, CandidatesAndLeadersRefuseOtherCandidatesOfTheirTerm) {
    const NodeState candidate = feed(fresh(), {ElectionTimeout{}});
    EXPECT_EQ(only_sent<RequestVoteReply>(step(candidate, request_vote(kN1, 1, 0, 0)).outputs, kN1),
              RequestVoteReply{false});
    EXPECT_EQ(only_sent<RequestVoteReply>(step(leader_of_term_1(), request_vote(kN2, 1, 0, 0)).outputs, kN2),
              RequestVoteReply{false});
}

TEST(RequestVoteReceiver, RejectsCandidateWithLessUpToDateLog) {
    NodeState s = follower_with_log({1, 2});  // last entry: index 2, term 2
    // Longer log, older last term: refused.
    auto r = step(std::move(s), request_vote(kN1, 3, 5, 1));
    EXPECT_EQ(only_sent<RequestVoteReply>(r.outputs, kN1), RequestVoteReply{false});
    // Same last term, shorter log: refused.
    r = step(std::move(r.state), request_vote(kN2, 3, 1, 2));
    EXPECT_EQ(only_sent<RequestVoteReply>(r.outputs, kN2), RequestVoteReply{false});
    EXPECT_EQ(r.state.current_term, Term{3});
    EXPECT_EQ(r.state.voted_for, std::nullopt) << "a refusal must not use up the vote";
    // Same last term, same length: at least as up-to-date, granted.
    r = step(std::move(r.state), request_vote(kN2, 3, 2, 2));
    EXPECT_EQ(only_sent<RequestVoteReply>(r.outputs, kN2), RequestVoteReply{true});
}

// ================= AppendEntries receiver =================

TEST(AppendEntriesReceiver, RejectsWhenTermIsStale) {
    const NodeState s = feed(follower_with_log({1, 1}), {heartbeat(kN1, 2, 2, 1)});
    // Consistent with the log and carrying a commit index, but from a deposed leader.
    const auto [next, out] = step(s, append_entries(kN2, 1, 2, 1, {entry_at(3, 1)}, 3));
    const auto reply = only_sent<AppendEntriesReply>(out, kN2);
    EXPECT_FALSE(reply.success);
    ASSERT_FALSE(out.messages.empty());
    EXPECT_EQ(out.messages[0].term, Term{2});
    EXPECT_EQ(next.log, s.log);
    EXPECT_EQ(next.commit_index, LogIndex{0});
    EXPECT_EQ(next.leader, kN1);
    EXPECT_TRUE(out.persist.empty());
}

TEST(AppendEntriesReceiver, RejectsWhenLogHasNoEntryAtPrevLogIndex) {
    const NodeState s = follower_with_log({1, 1});
    const auto [next, out] = step(s, append_entries(kN1, 1, 5, 1, {entry_at(6, 1)}, 0));
    const auto reply = only_sent<AppendEntriesReply>(out, kN1);
    EXPECT_FALSE(reply.success);
    EXPECT_EQ(reply.conflict_term, Term{0}) << "XTerm 0: no entry at prevLogIndex";
    EXPECT_EQ(reply.log_length, LogIndex{2}) << "XLen: the follower's last index";
    EXPECT_EQ(next.log, s.log);
}

TEST(AppendEntriesReceiver, RejectsOnPrevLogTermMismatchWithConflictTermAndFirstIndexOfIt) {
    const NodeState s = follower_with_log({1, 2, 2, 2});
    const auto [next, out] = step(s, append_entries(kN2, 3, 3, 3, {entry_at(4, 3)}, 0));
    const auto reply = only_sent<AppendEntriesReply>(out, kN2);
    EXPECT_FALSE(reply.success);
    EXPECT_EQ(reply.conflict_term, Term{2}) << "XTerm: the follower's term at prevLogIndex";
    EXPECT_EQ(reply.conflict_index, LogIndex{2}) << "XIndex: the first index of XTerm";
    EXPECT_EQ(reply.log_length, LogIndex{4});
    EXPECT_EQ(next.log, s.log) << "a rejection changes no entry";
}

TEST(AppendEntriesReceiver, DeletesConflictingEntryAndAllThatFollow) {
    const NodeState s = follower_with_log({1, 1, 1});
    const auto [next, out] = step(s, append_entries(kN2, 2, 1, 1, {entry_at(2, 2)}, 0));
    EXPECT_EQ(log_terms(next.log), (std::vector<std::uint64_t>{1, 2}));
    ASSERT_TRUE(out.persist.log.has_value());
    EXPECT_EQ(*out.persist.log, (LogWrite{LogIndex{2}, {entry_at(2, 2)}}));
    const auto reply = only_sent<AppendEntriesReply>(out, kN2);
    EXPECT_TRUE(reply.success);
    EXPECT_EQ(reply.match_index, LogIndex{2});
}

TEST(AppendEntriesReceiver, StaleOrDuplicatedAppendEntriesNeverTruncatesMatchingEntries) {
    const Message longer = append_entries(kN1, 1, 0, 0, {entry_at(1, 1), entry_at(2, 1), entry_at(3, 1)}, 0);
    const Message shorter = append_entries(kN1, 1, 0, 0, {entry_at(1, 1)}, 0);
    const NodeState s = feed(fresh(), {longer});
    ASSERT_EQ(s.log.last_index(), LogIndex{3});

    auto r = step(s, shorter);  // delivered late, after the longer one
    EXPECT_EQ(r.state.log, s.log);
    EXPECT_FALSE(r.outputs.persist.log.has_value());
    EXPECT_EQ(only_sent<AppendEntriesReply>(r.outputs, kN1).match_index, LogIndex{1});

    r = step(s, longer);  // delivered twice
    EXPECT_EQ(r.state.log, s.log);
    EXPECT_FALSE(r.outputs.persist.log.has_value());
}

TEST(AppendEntriesReceiver, AppendsNewEntriesNotAlreadyInLog) {
    const NodeState s = follower_with_log({1, 1});
    const auto [next, out] = step(s, append_entries(kN1, 1, 1, 1, {entry_at(2, 1), entry_at(3, 1), entry_at(4, 1)}, 0));
    EXPECT_EQ(next.log.entries(), (std::vector<Entry>{entry_at(1, 1), entry_at(2, 1), entry_at(3, 1), entry_at(4, 1)}));
    ASSERT_TRUE(out.persist.log.has_value());
    EXPECT_EQ(*out.persist.log, (LogWrite{LogIndex{3}, {entry_at(3, 1), entry_at(4, 1)}})) << "only the new entries";
    EXPECT_EQ(only_sent<AppendEntriesReply>(out, kN1).match_index, LogIndex{4});
}

TEST(AppendEntriesReceiver, SetsCommitIndexToMinOfLeaderCommitAndLastNewEntry) {
    // leaderCommit beyond the last new entry: commit up to the last new entry.
    NodeState s = feed(fresh(), {append_entries(kN1, 1, 0, 0, {entry_at(1, 1), entry_at(2, 1)}, 5)});
    EXPECT_EQ(s.commit_index, LogIndex{2});

    // The last *new* entry, not the last entry of the log: entries 2 and 3 below are not
    // vouched for by this message, which only shows that entry 1 matches the leader.
    s = follower_with_log({1, 1, 1});
    s = feed(std::move(s), {append_entries(kN1, 1, 0, 0, {entry_at(1, 1)}, 3)});
    EXPECT_EQ(s.commit_index, LogIndex{1});

    // leaderCommit below the last new entry: commit up to leaderCommit.
    s = feed(std::move(s), {heartbeat(kN1, 1, 3, 1, 2)});
    EXPECT_EQ(s.commit_index, LogIndex{2});
}

TEST(AppendEntriesReceiver, CommitIndexNeverDecreases) {
    const NodeState s = feed(fresh(), {append_entries(kN1, 1, 0, 0, {entry_at(1, 1), entry_at(2, 1), entry_at(3, 1)}, 3)});
    ASSERT_EQ(s.commit_index, LogIndex{3});
    // A delayed message of the same leader, when it knew less.
    auto r = step(s, append_entries(kN1, 1, 0, 0, {entry_at(1, 1)}, 1));
    EXPECT_EQ(r.state.commit_index, LogIndex{3});
    EXPECT_TRUE(r.outputs.apply.empty());
    r = step(s, heartbeat(kN1, 1, 2, 1, 0));
    EXPECT_EQ(r.state.commit_index, LogIndex{3});
    EXPECT_EQ(r.state.last_applied, LogIndex{3});
}

// ================= Refusing what no correct peer sends =================
// Such input comes from an unsafe cluster or a malformed message: the node refuses it and
// raises Outputs::alarm rather than corrupting its log or crashing.

TEST(AppendEntriesReceiver, RefusesToOverwriteCommittedEntries) {
    const NodeState s = feed(fresh(), {append_entries(kN1, 1, 0, 0, {entry_at(1, 1), entry_at(2, 1)}, 2)});
    ASSERT_EQ(s.commit_index, LogIndex{2});
    // A "leader" of term 2 lacking the committed entries: Leader Completeness says it cannot
    // exist. Both the version that would shorten the log below commitIndex and the one that
    // would replace the committed entries in place are refused.
    for (const Message& m : {append_entries(kN2, 2, 0, 0, {entry_at(1, 2)}, 0),
                             append_entries(kN2, 2, 0, 0, {entry_at(1, 2), entry_at(2, 2), entry_at(3, 2)}, 0)}) {
        SCOPED_TRACE(describe(m));
        const auto [next, out] = step(s, m);
        EXPECT_EQ(next.log, s.log);
        EXPECT_EQ(next.commit_index, LogIndex{2});
        EXPECT_FALSE(out.persist.log.has_value());
        for (const Message& reply : sent<AppendEntriesReply>(out)) EXPECT_FALSE(std::get<AppendEntriesReply>(reply.body).success);
        EXPECT_TRUE(out.alarm.has_value());
    }
}

TEST(AppendEntriesReceiver, RefusesEntriesFromTheFutureOrRunningBackwards) {
    const NodeState s = follower_with_log({1, 2});
    for (const Message& m : {append_entries(kN1, 2, 2, 2, {entry_at(3, 3)}, 0),                  // newer than the message
                             append_entries(kN1, 3, 2, 2, {entry_at(3, 3), entry_at(4, 2)}, 0),  // terms run backwards
                             append_entries(kN1, 3, 2, 2, {entry_at(3, 1)}, 0)}) {               // older than prevLogTerm
        SCOPED_TRACE(describe(m));
        const auto [next, out] = step(s, m);
        EXPECT_EQ(next.log, s.log);
        EXPECT_TRUE(sent<AppendEntriesReply>(out).empty());
        EXPECT_TRUE(out.alarm.has_value());
    }
}

TEST(AppendEntriesReceiver, LeaderRefusesAppendEntriesFromAnotherLeaderOfItsTerm) {
    const NodeState leader = feed(leader_of_term_1(), {Propose{"x"}});
    const auto [next, out] = step(leader, append_entries(kN1, 1, 0, 0, {entry_at(1, 1)}, 1));
    EXPECT_EQ(next, leader) << "no second leader can exist in term 1: keep everything";
    EXPECT_TRUE(out.messages.empty());
    EXPECT_TRUE(out.alarm.has_value());
}

// Index 0 has term 0 on every server: a message claiming otherwise is malformed, and is
// refused with an alarm rather than crashing the node.
TEST(AppendEntriesReceiver, RefusesMalformedPrevLogTermAtIndexZero) {
    const StepResult r = step(fresh(), heartbeat(kN1, 1, 0, 1));
    EXPECT_TRUE(r.outputs.alarm.has_value());
    EXPECT_TRUE(r.state.log.empty());
    EXPECT_TRUE(r.outputs.messages.empty());
}

// ================= Candidates =================

TEST(Candidates, ElectionTimeoutStartsElectionIncrementsTermVotesForSelfAndRequestsVotes) {
    const NodeState s = follower_with_log({1, 1});
    const auto [next, out] = step(s, ElectionTimeout{});
    EXPECT_EQ(next.role, Role::kCandidate);
    EXPECT_EQ(next.current_term, Term{2});
    EXPECT_EQ(next.voted_for, kN0);
    EXPECT_EQ(out.persist.hard_state, (HardState{Term{2}, kN0}));
    EXPECT_TRUE(out.reset_election_timer);
    EXPECT_TRUE(has_notice(out, NoticeKind::kBecameCandidate, 2));
    const RequestVote rv{LogIndex{2}, Term{1}};
    EXPECT_EQ(sent<RequestVote>(out), (std::vector<Message>{{kN0, kN1, Term{2}, rv}, {kN0, kN2, Term{2}, rv}}));
    EXPECT_EQ(out.messages.size(), 2u);
}

TEST(Candidates, BecomesLeaderOnMajorityOfVotes) {
    NodeState s = feed(fresh(5), {ElectionTimeout{}});
    s = feed(std::move(s), {vote(kN1, 1), vote(kN1, 1), vote(kN2, 1, false)});
    EXPECT_EQ(s.role, Role::kCandidate) << "self + n1 (counted once) is 2 of 5; a refusal counts for nothing";
    const auto [next, out] = step(std::move(s), vote(kN3, 1));
    EXPECT_EQ(next.role, Role::kLeader);
    EXPECT_EQ(next.leader, kN0);
    EXPECT_TRUE(has_notice(out, NoticeKind::kBecameLeader, 1));
}

TEST(Candidates, StepsDownOnAppendEntriesFromNewLeaderOfSameTerm) {
    const NodeState s = feed(fresh(), {ElectionTimeout{}});
    const auto [next, out] = step(s, heartbeat(kN1, 1, 0, 0));
    EXPECT_EQ(next.role, Role::kFollower);
    EXPECT_EQ(next.current_term, Term{1});
    EXPECT_EQ(next.leader, kN1);
    EXPECT_EQ(next.voted_for, kN0) << "the vote of term 1 is spent";
    EXPECT_TRUE(only_sent<AppendEntriesReply>(out, kN1).success);
    // A vote arriving late does not resurrect the candidacy.
    EXPECT_EQ(step(next, vote(kN2, 1)).state.role, Role::kFollower);
}

TEST(Candidates, NewElectionOnTimeout) {
    NodeState s = feed(fresh(5), {ElectionTimeout{}, vote(kN1, 1)});
    const auto [next, out] = step(std::move(s), ElectionTimeout{});
    EXPECT_EQ(next.role, Role::kCandidate);
    EXPECT_EQ(next.current_term, Term{2});
    EXPECT_EQ(out.persist.hard_state, (HardState{Term{2}, kN0}));
    EXPECT_EQ(sent<RequestVote>(out).size(), 4u);
    for (const Message& m : out.messages) EXPECT_EQ(m.term, Term{2});
    // Votes of term 1 do not count in term 2: n1's and a late one from n4 leave it short.
    s = feed(next, {vote(kN4, 1), vote(kN2, 2)});
    EXPECT_EQ(s.role, Role::kCandidate);
    EXPECT_EQ(step(std::move(s), vote(kN3, 2)).state.role, Role::kLeader);
}

// ================= Leaders =================

TEST(Leaders, SendsHeartbeatsOnElection) {
    const auto [s, out] = win_election(follower_with_log({1, 1}));
    ASSERT_EQ(s.role, Role::kLeader);
    const AppendEntries hb{LogIndex{2}, Term{1}, {}, LogIndex{0}};
    EXPECT_EQ(sent<AppendEntries>(out), (std::vector<Message>{{kN0, kN1, Term{2}, hb}, {kN0, kN2, Term{2}, hb}}));
}

TEST(Leaders, SendsHeartbeatOnHeartbeatTimeout) {
    const auto [s, out] = step(leader_of_term_1(), HeartbeatTimeout{});
    const AppendEntries hb{LogIndex{0}, Term{0}, {}, LogIndex{0}};
    EXPECT_EQ(sent<AppendEntries>(out), (std::vector<Message>{{kN0, kN1, Term{1}, hb}, {kN0, kN2, Term{1}, hb}}));
    EXPECT_EQ(out.messages.size(), 2u);
    // A candidate has no one to send heartbeats to.
    EXPECT_TRUE(step(feed(fresh(), {ElectionTimeout{}}), HeartbeatTimeout{}).outputs.messages.empty());
}

TEST(Leaders, IgnoreElectionTimeout) {
    const NodeState leader = leader_of_term_1();
    const auto [s, out] = step(leader, ElectionTimeout{});
    EXPECT_EQ(s, leader) << "a leader keeps its term; its own timer is the heartbeat";
    EXPECT_TRUE(out.messages.empty());
}

TEST(Leaders, AppendsProposalAndReturnsItsIndex) {
    auto r = step(leader_of_term_1(), Propose{"x"});
    EXPECT_EQ(r.outputs.proposal_index, LogIndex{1});
    EXPECT_EQ(r.state.log.entries(), std::vector<Entry>{command(1, "x")});
    EXPECT_EQ(r.outputs.persist.log, (LogWrite{LogIndex{1}, {command(1, "x")}}));
    const AppendEntries ae{LogIndex{0}, Term{0}, {command(1, "x")}, LogIndex{0}};
    EXPECT_EQ(sent<AppendEntries>(r.outputs), (std::vector<Message>{{kN0, kN1, Term{1}, ae}, {kN0, kN2, Term{1}, ae}}));

    r = step(std::move(r.state), Propose{"y"});
    EXPECT_EQ(r.outputs.proposal_index, LogIndex{2});
    EXPECT_EQ(r.outputs.persist.log, (LogWrite{LogIndex{2}, {command(1, "y")}}));
    EXPECT_EQ(r.state.commit_index, LogIndex{0}) << "not replicated yet";
}

TEST(Leaders, FollowerRefusesProposal) {
    for (const NodeState& s : {feed(fresh(), {heartbeat(kN1, 1, 0, 0)}), feed(fresh(), {ElectionTimeout{}})}) {
        SCOPED_TRACE(describe(s));
        const auto [next, out] = step(s, Propose{"x"});
        EXPECT_EQ(out.proposal_index, std::nullopt);
        EXPECT_EQ(next, s);
        EXPECT_EQ(out, Outputs{});
    }
}

TEST(Leaders, OnSuccessUpdatesMatchIndexAndNextIndex) {
    const NodeState s = feed(leader_of_term_1(), {Propose{"a"}, Propose{"b"}});
    const NodeState next = step(s, append_ok(kN1, 1, 2)).state;
    EXPECT_EQ(next.match_index[1], LogIndex{2});
    EXPECT_EQ(next.next_index[1], LogIndex{3});
    EXPECT_EQ(next.match_index[2], LogIndex{0}) << "other followers untouched";
    EXPECT_EQ(next.next_index[2], LogIndex{1});
}

// Fast backup. The leader's log is [1, 1, 3, 3, 4] in term 5: its first AppendEntries to each
// follower has prevLogIndex 5, prevLogTerm 4.

TEST(Leaders, FastBackupWhenFollowerLogTooShort) {
    // The follower holds only [1].
    const auto [s, out] = step(leader_of_term_5(), append_rejected(kN2, 5, 0, 0, 1));
    EXPECT_EQ(s.next_index[2], LogIndex{2}) << "XLen + 1";
    const auto retry = only_sent<AppendEntries>(out, kN2);
    EXPECT_EQ(retry.prev_log_index, LogIndex{1});
    EXPECT_EQ(retry.prev_log_term, Term{1});
    EXPECT_EQ(retry.entries, (std::vector<Entry>{entry_at(2, 1), entry_at(3, 3), entry_at(4, 3), entry_at(5, 4)}));
}

TEST(Leaders, FastBackupWhenLeaderHasConflictTerm) {
    // The follower holds [1, 1, 3, 3, 3, 3]: XTerm 3 starting at XIndex 3.
    const auto [s, out] = step(leader_of_term_5(), append_rejected(kN2, 5, 3, 3, 6));
    EXPECT_EQ(s.next_index[2], LogIndex{5}) << "the leader's last index of XTerm, plus one";
    const auto retry = only_sent<AppendEntries>(out, kN2);
    EXPECT_EQ(retry.prev_log_index, LogIndex{4});
    EXPECT_EQ(retry.prev_log_term, Term{3});
    EXPECT_EQ(retry.entries, std::vector<Entry>{entry_at(5, 4)});
}

TEST(Leaders, FastBackupWhenLeaderLacksConflictTerm) {
    // The follower holds [1, 1, 2, 2, 2]: XTerm 2, which the leader never saw, from XIndex 3.
    const auto [s, out] = step(leader_of_term_5(), append_rejected(kN2, 5, 2, 3, 5));
    EXPECT_EQ(s.next_index[2], LogIndex{3}) << "XIndex";
    const auto retry = only_sent<AppendEntries>(out, kN2);
    EXPECT_EQ(retry.prev_log_index, LogIndex{2});
    EXPECT_EQ(retry.prev_log_term, Term{1});
}

TEST(Leaders, CommitsOnlyCurrentTermEntriesByCountingReplicas) {
    // Figure 8: node 0 got entry 1 in term 2, then leads term 3.
    NodeState s = win_election(follower_with_log({2})).state;
    ASSERT_EQ(s.current_term, Term{3});
    auto r = step(std::move(s), append_ok(kN1, 3, 1));
    EXPECT_EQ(r.state.match_index[1], LogIndex{1});
    EXPECT_EQ(r.state.commit_index, LogIndex{0}) << "a majority holds entry 1, but it is of term 2";
    EXPECT_TRUE(r.outputs.apply.empty());

    r = step(std::move(r.state), Propose{"x"});
    EXPECT_EQ(r.state.commit_index, LogIndex{0});
    r = step(std::move(r.state), append_ok(kN1, 3, 2));
    EXPECT_EQ(r.state.commit_index, LogIndex{2}) << "entry 2 of term 3 commits, and entry 1 with it";
    EXPECT_EQ(r.outputs.apply, (std::vector<Applied>{{LogIndex{1}, entry_at(1, 2)}, {LogIndex{2}, command(3, "x")}}));
}

TEST(Leaders, AppliesCommittedEntriesInOrder) {
    auto r = step(feed(leader_of_term_1(), {Propose{"a"}, Propose{"b"}, Propose{"c"}}), append_ok(kN2, 1, 3));
    EXPECT_EQ(r.state.commit_index, LogIndex{3});
    EXPECT_EQ(r.state.last_applied, LogIndex{3});
    EXPECT_EQ(r.outputs.apply, (std::vector<Applied>{{LogIndex{1}, command(1, "a")},
                                                     {LogIndex{2}, command(1, "b")},
                                                     {LogIndex{3}, command(1, "c")}}));
    // Followers learn the commit index from the next AppendEntries.
    r = step(std::move(r.state), HeartbeatTimeout{});
    for (const Message& m : sent<AppendEntries>(r.outputs)) EXPECT_EQ(std::get<AppendEntries>(m.body).leader_commit, LogIndex{3});
    // Already applied entries are not applied again.
    r = step(feed(std::move(r.state), {Propose{"d"}}), append_ok(kN1, 1, 4));
    EXPECT_EQ(r.outputs.apply, (std::vector<Applied>{{LogIndex{4}, command(1, "d")}}));
}

TEST(Leaders, IgnoresStaleReplies) {
    // Leader of term 2 with log [1, 2, 2].
    NodeState s = feed(win_election(follower_with_log({1})).state, {Propose{"a"}, Propose{"b"}});
    s = feed(std::move(s), {append_ok(kN1, 2, 3)});
    ASSERT_EQ(s.match_index[1], LogIndex{3});

    // A reordered success of an earlier AppendEntries does not move matchIndex back.
    auto r = step(s, append_ok(kN1, 2, 1));
    EXPECT_EQ(r.state.match_index[1], LogIndex{3});
    EXPECT_EQ(r.state.next_index[1], LogIndex{4});
    // Nor does a reordered rejection move nextIndex to or below matchIndex.
    r = step(s, append_rejected(kN1, 2, 0, 0, 0));
    EXPECT_EQ(r.state.next_index[1], LogIndex{4});
    EXPECT_EQ(r.state.match_index[1], LogIndex{3});
    // Replies of an earlier term answer nothing this leader asked: no effect at all.
    for (const Message& stale : {append_ok(kN2, 1, 1), append_rejected(kN2, 1, 0, 0, 0)}) {
        r = step(s, stale);
        EXPECT_EQ(r.state, s);
        EXPECT_EQ(r.outputs, Outputs{});
    }
}

// ================= Persistence =================

TEST(Persistence, RestartKeepsOnlyPersistedState) {
    DurableNode n;
    n.deliver(ElectionTimeout{});
    n.deliver(vote(kN1, 1));
    n.deliver(Propose{"a"});
    n.deliver(append_ok(kN1, 1, 1));
    ASSERT_EQ(n.state.role, Role::kLeader);
    ASSERT_EQ(n.state.commit_index, LogIndex{1});

    const Outputs out = n.crash_and_restart();
    EXPECT_EQ(n.state.role, Role::kFollower);
    EXPECT_EQ(n.state.commit_index, LogIndex{0}) << "commitIndex is volatile";
    EXPECT_EQ(n.state.last_applied, LogIndex{0});
    EXPECT_EQ(n.state.leader, std::nullopt);
    EXPECT_TRUE(n.state.next_index.empty());
    EXPECT_TRUE(n.state.match_index.empty());
    EXPECT_EQ(persistent_part(n.state), n.storage);
    EXPECT_EQ(n.state.current_term, Term{1});
    EXPECT_EQ(n.state.voted_for, kN0);
    EXPECT_EQ(n.state.log.entries(), std::vector<Entry>{command(1, "a")});
    EXPECT_TRUE(out.reset_election_timer);
    EXPECT_TRUE(out.apply.empty());

    // What storage says wins over what the node had in memory.
    const PersistentState older{Term{1}, std::nullopt, Log{}};
    const NodeState s = step(n.state, Restart{older}).state;
    EXPECT_EQ(persistent_part(s), older);
}

TEST(Persistence, GrantedVoteIsPersistedBeforeReply) {
    // Already in term 2 without a vote: the grant changes voted_for only.
    const NodeState s = feed(fresh(), {heartbeat(kN1, 2, 0, 0)});
    auto r = step(s, request_vote(kN2, 2, 0, 0));
    ASSERT_EQ(only_sent<RequestVoteReply>(r.outputs, kN2), RequestVoteReply{true});
    EXPECT_EQ(r.outputs.persist.hard_state, (HardState{Term{2}, kN2}));
    // A grant in a new term persists both.
    r = step(s, request_vote(kN2, 4, 0, 0));
    ASSERT_EQ(only_sent<RequestVoteReply>(r.outputs, kN2), RequestVoteReply{true});
    EXPECT_EQ(r.outputs.persist.hard_state, (HardState{Term{4}, kN2}));
}

TEST(Persistence, RestartedNodeDoesNotVoteTwiceInATerm) {
    DurableNode n;
    ASSERT_EQ(only_sent<RequestVoteReply>(n.deliver(request_vote(kN1, 1, 0, 0)), kN1), RequestVoteReply{true});
    n.crash_and_restart();
    EXPECT_EQ(only_sent<RequestVoteReply>(n.deliver(request_vote(kN2, 1, 0, 0)), kN2), RequestVoteReply{false});
    EXPECT_EQ(n.state.voted_for, kN1);
    // The candidate it did vote for may still ask again.
    EXPECT_EQ(only_sent<RequestVoteReply>(n.deliver(request_vote(kN1, 1, 0, 0)), kN1), RequestVoteReply{true});
}

TEST(Persistence, AcceptedEntriesArePersistedBeforeTheAcknowledgement) {
    DurableNode n;
    const Outputs out = n.deliver(append_entries(kN1, 1, 0, 0, {entry_at(1, 1), entry_at(2, 1)}, 0));
    ASSERT_TRUE(only_sent<AppendEntriesReply>(out, kN1).success);
    EXPECT_EQ(n.storage.log.last_index(), LogIndex{2});
    n.crash_and_restart();
    EXPECT_EQ(n.state.log.entries(), (std::vector<Entry>{entry_at(1, 1), entry_at(2, 1)}));
}

// ================= The no-op option (paper, section 8) =================

TEST(NoopOption, NoopOnElectionAppendsEntryOfNewTerm) {
    const Entry noop{Term{2}, EntryKind::kNoop, {}};
    const auto [s, out] = win_election(follower_with_log({1}, fresh(3, /*noop_on_election=*/true)));
    EXPECT_EQ(s.log.entries(), (std::vector<Entry>{entry_at(1, 1), noop}));
    EXPECT_EQ(out.persist.log, (LogWrite{LogIndex{2}, {noop}}));
    const AppendEntries ae{LogIndex{1}, Term{1}, {noop}, LogIndex{0}};
    EXPECT_EQ(sent<AppendEntries>(out), (std::vector<Message>{{kN0, kN1, Term{2}, ae}, {kN0, kN2, Term{2}, ae}}));
    // The point of it: the term-1 entry commits without waiting for a client.
    const NodeState next = step(s, append_ok(kN1, 2, 2)).state;
    EXPECT_EQ(next.commit_index, LogIndex{2});
}

TEST(NoopOption, NoNoopByDefault) {
    const auto [s, out] = win_election(follower_with_log({1}));
    EXPECT_EQ(s.log.entries(), std::vector<Entry>{entry_at(1, 1)});
    EXPECT_FALSE(out.persist.log.has_value());
    for (const Message& m : sent<AppendEntries>(out)) EXPECT_TRUE(std::get<AppendEntries>(m.body).entries.empty());
    EXPECT_EQ(step(s, Propose{"x"}).outputs.proposal_index, LogIndex{2}) << "client commands keep 6.824's indices";
}

// ================= A cluster of one =================

TEST(SingleNodeCluster, ElectsItselfAndCommitsProposalImmediately) {
    auto r = step(fresh(1), ElectionTimeout{});
    EXPECT_EQ(r.state.role, Role::kLeader);
    EXPECT_EQ(r.state.current_term, Term{1});
    EXPECT_EQ(r.outputs.persist.hard_state, (HardState{Term{1}, kN0}));
    EXPECT_TRUE(r.outputs.messages.empty());

    r = step(std::move(r.state), Propose{"x"});
    EXPECT_EQ(r.outputs.proposal_index, LogIndex{1});
    EXPECT_EQ(r.state.commit_index, LogIndex{1});
    EXPECT_EQ(r.outputs.apply, (std::vector<Applied>{{LogIndex{1}, command(1, "x")}}));
}

TEST(SingleNodeCluster, CommitsItsNoopOnElection) {
    const auto [s, out] = step(fresh(1, /*noop_on_election=*/true), ElectionTimeout{});
    EXPECT_EQ(s.commit_index, LogIndex{1});
    EXPECT_EQ(out.apply, (std::vector<Applied>{{LogIndex{1}, Entry{Term{1}, EntryKind::kNoop, {}}}}));
}

}  // namespace
}  // namespace raft
