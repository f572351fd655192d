// Unit tests of snapshots in raft::step: log compaction asked for by the service (CompactLog),
// InstallSnapshot on both sides, AppendEntries that reach into a follower's snapshot, restart
// from a snapshot, and the persistence of a snapshot together with its log. Each test is named
// after the rule it checks (README, "Snapshots").

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "raft/step.hpp"

namespace raft {
namespace {

constexpr NodeId kN0{0};
constexpr NodeId kN1{1};
constexpr NodeId kN2{2};

// The entry a leader of `term` would have put at `index` (the same helper as in
// raft_step_test.cpp: equal index and term, equal entry).
Entry entry_at(std::uint64_t index, std::uint64_t term) {
    return Entry{Term{term}, EntryKind::kCommand, "i" + std::to_string(index) + "t" + std::to_string(term)};
}

Message to_n0(NodeId from, std::uint64_t term, MessageBody body) { return Message{from, kN0, Term{term}, std::move(body)}; }

Message append_entries(NodeId from, std::uint64_t term, std::uint64_t prev_index, std::uint64_t prev_term,
                       std::vector<Entry> entries, std::uint64_t leader_commit) {
    return to_n0(from, term, AppendEntries{LogIndex{prev_index}, Term{prev_term}, std::move(entries), LogIndex{leader_commit}});
}

Message install(NodeId from, std::uint64_t term, std::uint64_t index, std::uint64_t index_term, std::string data = "snap") {
    return to_n0(from, term, InstallSnapshot{LogIndex{index}, Term{index_term}, std::move(data)});
}

Message installed(NodeId from, std::uint64_t term, std::uint64_t index) {
    return to_n0(from, term, InstallSnapshotReply{LogIndex{index}});
}

Message append_ok(NodeId from, std::uint64_t term, std::uint64_t match_index) {
    AppendEntriesReply r;
    r.success = true;
    r.match_index = LogIndex{match_index};
    return to_n0(from, term, r);
}

Message rejected_too_short(NodeId from, std::uint64_t term, std::uint64_t xlen) {
    AppendEntriesReply r;
    r.log_length = LogIndex{xlen};
    return to_n0(from, term, r);
}

template <class T>
std::vector<Message> sent(const Outputs& out) {
    std::vector<Message> ms;
    for (const Message& m : out.messages) {
        if (std::holds_alternative<T>(m.body)) ms.push_back(m);
    }
    std::stable_sort(ms.begin(), ms.end(), [](const Message& a, const Message& b) { return a.to < b.to; });
    return ms;
}

template <class T>
T only_sent(const Outputs& out, NodeId to) {
    const std::vector<Message> ms = sent<T>(out);
    EXPECT_EQ(out.messages.size(), 1u) << "other messages were sent too";
    if (ms.size() != 1) {
        ADD_FAILURE() << "expected exactly one message of that kind";
        return T{};
    }
    EXPECT_EQ(ms[0].to, to);
    return std::get<T>(ms[0].body);
}

// A node and its stable storage, kept as the ordering contract of raft/io.hpp demands.
struct DurableNode {
    NodeState state = initial_state(Config{kN0, 3, false});
    PersistentState storage;

    Outputs deliver(const Input& in) {
        StepResult r = step(std::move(state), in);
        state = std::move(r.state);
        apply_persist(storage, r.outputs.persist);
        return r.outputs;
    }
    void feed(std::initializer_list<Input> inputs) {
        for (const Input& in : inputs) deliver(in);
    }
};

// Node 0 leads term 1 with "a", "b", "c" at 1..3, all committed (n1 acknowledged them).
DurableNode leader_with_three_committed() {
    DurableNode n;
    n.feed({ElectionTimeout{}, to_n0(kN1, 1, RequestVoteReply{true}), Propose{"a"}, Propose{"b"}, Propose{"c"},
            append_ok(kN1, 1, 3)});
    EXPECT_EQ(n.state.role, Role::kLeader);
    EXPECT_EQ(n.state.commit_index, LogIndex{3});
    return n;
}

// Node 0 follows n1 in term 2 with entries 1..4 (terms 1, 1, 2, 2), `commit` of them committed.
DurableNode follower_with_four(std::uint64_t commit) {
    DurableNode n;
    n.feed({append_entries(kN1, 2, 0, 0, {entry_at(1, 1), entry_at(2, 1), entry_at(3, 2), entry_at(4, 2)}, commit)});
    EXPECT_EQ(n.state.log.last_index(), LogIndex{4});
    EXPECT_EQ(n.state.commit_index, LogIndex{commit});
    return n;
}

// ================= CompactLog =================

TEST(CompactLog, AcceptedAtCommittedIndexDropsThePrefixAndKeepsIndexes) {
    DurableNode n = leader_with_three_committed();
    const Outputs out = n.deliver(CompactLog{LogIndex{2}, "ab"});
    EXPECT_FALSE(out.refused);
    EXPECT_EQ(n.state.snapshot, (Snapshot{LogIndex{2}, Term{1}, "ab"}));
    EXPECT_EQ(n.state.log.base_index(), LogIndex{2});
    EXPECT_EQ(n.state.log.base_term(), Term{1});
    EXPECT_EQ(n.state.log.first_index(), LogIndex{3});
    EXPECT_EQ(n.state.log.last_index(), LogIndex{3});
    EXPECT_EQ(n.state.log.at(LogIndex{3}).command, "c");
    EXPECT_EQ(n.state.commit_index, LogIndex{3});
    EXPECT_EQ(n.state.last_applied, LogIndex{3});
    EXPECT_EQ(n.state.role, Role::kLeader) << "any role may compact";
    EXPECT_TRUE(out.messages.empty());
    EXPECT_TRUE(out.apply.empty());
    EXPECT_FALSE(out.apply_snapshot) << "the service made this snapshot itself";
}

TEST(CompactLog, PersistsTheSnapshotWithTheLogInOneWrite) {
    DurableNode n = leader_with_three_committed();
    const Outputs out = n.deliver(CompactLog{LogIndex{3}, "abc"});
    ASSERT_TRUE(out.persist.snapshot);
    EXPECT_EQ(*out.persist.snapshot, (Snapshot{LogIndex{3}, Term{1}, "abc"}));
    EXPECT_FALSE(out.persist.log) << "the entries after the snapshot did not change";
    EXPECT_FALSE(out.persist.hard_state);
    // Storage, after that one write, holds the compacted log and the snapshot together.
    EXPECT_EQ(n.storage, persistent_part(n.state));
    EXPECT_EQ(n.storage.log.base_index(), LogIndex{3});
    EXPECT_TRUE(n.storage.log.empty());
}

TEST(CompactLog, RefusedAboveCommitIndexOrNotPastTheSnapshot) {
    DurableNode n = leader_with_three_committed();
    n.deliver(Propose{"d"});  // index 4, not committed
    n.deliver(CompactLog{LogIndex{2}, "ab"});
    for (const std::uint64_t index : {0, 1, 2, 4, 5}) {
        const NodeState before = n.state;
        const Outputs out = n.deliver(CompactLog{LogIndex{index}, "x"});
        EXPECT_TRUE(out.refused) << "index " << index;
        EXPECT_FALSE(out.alarm) << "a refusal is no alarm";
        EXPECT_EQ(n.state, before) << "index " << index;
        EXPECT_TRUE(out.persist.empty());
        EXPECT_TRUE(out.messages.empty());
    }
}

TEST(CompactLog, FollowersCompactTheirCommittedPrefix) {
    DurableNode n = follower_with_four(3);
    EXPECT_TRUE(n.deliver(CompactLog{LogIndex{4}, "x"}).refused);
    EXPECT_FALSE(n.deliver(CompactLog{LogIndex{3}, "abc"}).refused);
    EXPECT_EQ(n.state.snapshot, (Snapshot{LogIndex{3}, Term{2}, "abc"}));
    EXPECT_EQ(n.state.log.entries(), std::vector<Entry>{entry_at(4, 2)});
    EXPECT_EQ(n.storage, persistent_part(n.state));
}

// ================= The leader sends snapshots =================

TEST(InstallSnapshotSender, SnapshotInsteadOfAppendEntriesWhenPrevLogTermIsCompacted) {
    DurableNode n = leader_with_three_committed();
    n.deliver(CompactLog{LogIndex{2}, "ab"});
    // n2 has nothing: nextIndex backs up to 1, and the entry before it (index 0) is compacted
    // away (the base is index 2), so prevLogTerm is unknown.
    const Outputs out = n.deliver(rejected_too_short(kN2, 1, 0));
    EXPECT_EQ(n.state.next_index[2], LogIndex{1});
    EXPECT_EQ(only_sent<InstallSnapshot>(out, kN2), (InstallSnapshot{LogIndex{2}, Term{1}, "ab"}));
    // Heartbeats too: n2 gets the snapshot, n1 (nextIndex 4, prev 3 is in the log) AppendEntries.
    const Outputs beat = n.deliver(HeartbeatTimeout{});
    ASSERT_EQ(sent<InstallSnapshot>(beat).size(), 1u);
    EXPECT_EQ(sent<InstallSnapshot>(beat)[0].to, kN2);
    ASSERT_EQ(sent<AppendEntries>(beat).size(), 1u);
    EXPECT_EQ(sent<AppendEntries>(beat)[0].to, kN1);
}

TEST(InstallSnapshotSender, AppendEntriesWhenPrevLogIndexIsTheSnapshotItself) {
    DurableNode n = leader_with_three_committed();
    n.deliver(CompactLog{LogIndex{2}, "ab"});
    // n2 holds 1..2: prevLogIndex 2 is the base, whose term the leader still knows.
    const Outputs out = n.deliver(rejected_too_short(kN2, 1, 2));
    const AppendEntries ae = only_sent<AppendEntries>(out, kN2);
    EXPECT_EQ(ae.prev_log_index, LogIndex{2});
    EXPECT_EQ(ae.prev_log_term, Term{1});
    EXPECT_EQ(ae.entries.size(), 1u);
}

TEST(InstallSnapshotSender, ReplyMovesMatchAndNextIndexOnlyForward) {
    DurableNode n = leader_with_three_committed();
    n.deliver(CompactLog{LogIndex{2}, "ab"});
    n.deliver(rejected_too_short(kN2, 1, 0));
    const Outputs out = n.deliver(installed(kN2, 1, 2));
    EXPECT_EQ(n.state.match_index[2], LogIndex{2});
    EXPECT_EQ(n.state.next_index[2], LogIndex{3});
    EXPECT_TRUE(out.messages.empty());
    // A late reply for an older snapshot, or a duplicate, moves nothing back.
    n.deliver(append_ok(kN2, 1, 3));
    n.deliver(installed(kN2, 1, 1));
    EXPECT_EQ(n.state.match_index[2], LogIndex{3});
    EXPECT_EQ(n.state.next_index[2], LogIndex{4});
}

TEST(InstallSnapshotSender, ReplyPastTheLeadersLogIsAnAlarm) {
    DurableNode n = leader_with_three_committed();
    const NodeState before = n.state;
    const Outputs out = n.deliver(installed(kN2, 1, 9));
    EXPECT_TRUE(out.alarm);
    EXPECT_EQ(n.state, before);
}

TEST(InstallSnapshotSender, StaleReplyIsDroppedAndNewerTermDeposes) {
    DurableNode n = leader_with_three_committed();
    const NodeState before = n.state;
    // A follower can only learn of term 0 or 1 here; term 0 is stale for this leader of term 1.
    const Outputs stale = n.deliver(installed(kN2, 0, 1));
    EXPECT_EQ(n.state, before);
    EXPECT_EQ(stale, Outputs{});
    n.deliver(installed(kN2, 3, 1));
    EXPECT_EQ(n.state.role, Role::kFollower);
    EXPECT_EQ(n.state.current_term, Term{3});
}

// ================= The follower installs snapshots =================

TEST(InstallSnapshotReceiver, InstallsIntoAnEmptyLogAndHandsTheSnapshotToTheService) {
    DurableNode n;
    const Outputs out = n.deliver(install(kN1, 2, 5, 2, "s5"));
    const Snapshot expected{LogIndex{5}, Term{2}, "s5"};
    EXPECT_EQ(n.state.snapshot, expected);
    EXPECT_EQ(n.state.log.base_index(), LogIndex{5});
    EXPECT_EQ(n.state.log.last_index(), LogIndex{5});
    EXPECT_EQ(n.state.log.last_term(), Term{2});
    EXPECT_EQ(n.state.commit_index, LogIndex{5});
    EXPECT_EQ(n.state.last_applied, LogIndex{5});
    EXPECT_EQ(out.apply_snapshot, expected);
    EXPECT_TRUE(out.apply.empty());
    EXPECT_EQ(only_sent<InstallSnapshotReply>(out, kN1), InstallSnapshotReply{LogIndex{5}});
    EXPECT_TRUE(out.reset_election_timer) << "it heard from the leader";
    EXPECT_EQ(n.state.leader, kN1);
    EXPECT_EQ(out.persist.snapshot, expected);
    EXPECT_EQ(n.storage, persistent_part(n.state));
}

TEST(InstallSnapshotReceiver, KeepsTheEntriesAfterAMatchingLastIncludedEntry) {
    DurableNode n = follower_with_four(1);
    n.deliver(install(kN1, 2, 3, 2, "s3"));
    EXPECT_EQ(n.state.log.base_index(), LogIndex{3});
    EXPECT_EQ(n.state.log.entries(), std::vector<Entry>{entry_at(4, 2)});
    EXPECT_EQ(n.state.commit_index, LogIndex{3});
    EXPECT_EQ(n.storage, persistent_part(n.state));
}

TEST(InstallSnapshotReceiver, DiscardsTheWholeLogWhenTheLastIncludedEntryDiffers) {
    DurableNode n = follower_with_four(1);
    // In term 3 a leader committed an entry of term 3 at index 3, where n0 holds one of term 2.
    n.deliver(install(kN2, 3, 3, 3, "other"));
    EXPECT_EQ(n.state.log.base_index(), LogIndex{3});
    EXPECT_EQ(n.state.log.base_term(), Term{3});
    EXPECT_TRUE(n.state.log.empty());
    EXPECT_EQ(n.storage, persistent_part(n.state));
    // Past its own log, too.
    DurableNode m = follower_with_four(1);
    m.deliver(install(kN1, 2, 6, 2));
    EXPECT_TRUE(m.state.log.empty());
    EXPECT_EQ(m.state.log.last_index(), LogIndex{6});
}

TEST(InstallSnapshotReceiver, AlreadyCommittedSnapshotChangesNothingButIsAnswered) {
    DurableNode n = follower_with_four(3);
    const NodeState before = n.state;
    for (const std::uint64_t index : {1, 3}) {
        const Outputs out = n.deliver(install(kN1, 2, index, index == 3 ? 2 : 1));
        EXPECT_EQ(n.state, before) << "index " << index;
        EXPECT_FALSE(out.apply_snapshot);
        EXPECT_TRUE(out.persist.empty());
        EXPECT_EQ(only_sent<InstallSnapshotReply>(out, kN1), InstallSnapshotReply{LogIndex{index}});
        EXPECT_TRUE(out.reset_election_timer);
    }
}

TEST(InstallSnapshotReceiver, StaleTermIsAnsweredWithTheCurrentTermAndIgnored) {
    DurableNode n = follower_with_four(1);
    const NodeState before = n.state;
    const Outputs out = n.deliver(install(kN2, 1, 3, 1));
    EXPECT_EQ(n.state, before);
    ASSERT_EQ(out.messages.size(), 1u);
    EXPECT_EQ(out.messages[0].term, Term{2});
    EXPECT_EQ(std::get<InstallSnapshotReply>(out.messages[0].body), InstallSnapshotReply{LogIndex{0}}) << "nothing installed";
    EXPECT_FALSE(out.reset_election_timer);
}

TEST(InstallSnapshotReceiver, NewerTermOrSameTermCandidateBecomesFollowerFirst) {
    DurableNode n;
    n.deliver(ElectionTimeout{});  // candidate of term 1
    const Outputs out = n.deliver(install(kN1, 1, 2, 1));
    EXPECT_EQ(n.state.role, Role::kFollower);
    EXPECT_EQ(n.state.commit_index, LogIndex{2});
    EXPECT_EQ(only_sent<InstallSnapshotReply>(out, kN1), InstallSnapshotReply{LogIndex{2}});
    n.deliver(install(kN2, 4, 3, 4));
    EXPECT_EQ(n.state.current_term, Term{4});
    EXPECT_EQ(n.state.leader, kN2);
    EXPECT_EQ(n.state.commit_index, LogIndex{3});
    EXPECT_EQ(n.storage, persistent_part(n.state));
}

TEST(InstallSnapshotReceiver, RefusesWhatNoCorrectLeaderSends) {
    // From another leader of this leader's term; a snapshot of entries newer than its message;
    // an index without a term.
    DurableNode leader = leader_with_three_committed();
    NodeState before = leader.state;
    EXPECT_TRUE(leader.deliver(install(kN1, 1, 5, 1)).alarm);
    EXPECT_EQ(leader.state, before);
    for (const Message& m : {install(kN1, 2, 5, 3), install(kN1, 2, 5, 0), install(kN1, 2, 0, 1)}) {
        DurableNode n = follower_with_four(1);
        before = n.state;
        const Outputs out = n.deliver(m);
        EXPECT_TRUE(out.alarm) << describe(m);
        EXPECT_EQ(n.state, before);
    }
}

// ================= AppendEntries reaching into a snapshot =================

TEST(AppendEntriesBelowSnapshot, EntriesAtOrBelowTheSnapshotAreSkippedTheRestAppended) {
    DurableNode n;
    n.deliver(install(kN1, 2, 3, 2));
    const Outputs out = n.deliver(append_entries(kN1, 2, 1, 1, {entry_at(2, 1), entry_at(3, 2), entry_at(4, 2), entry_at(5, 2)}, 4));
    const AppendEntriesReply r = only_sent<AppendEntriesReply>(out, kN1);
    EXPECT_TRUE(r.success);
    EXPECT_EQ(r.match_index, LogIndex{5});
    EXPECT_EQ(n.state.log.entries(), (std::vector<Entry>{entry_at(4, 2), entry_at(5, 2)}));
    EXPECT_EQ(n.state.commit_index, LogIndex{4});
    ASSERT_EQ(out.apply.size(), 1u);
    EXPECT_EQ(out.apply[0].index, LogIndex{4});
    EXPECT_EQ(n.storage, persistent_part(n.state));
}

TEST(AppendEntriesBelowSnapshot, EntirelyInsideTheSnapshotSucceedsAndChangesNothing) {
    DurableNode n;
    n.deliver(install(kN1, 2, 3, 2));
    const NodeState before = n.state;
    const Outputs out = n.deliver(append_entries(kN1, 2, 0, 0, {entry_at(1, 1), entry_at(2, 1)}, 2));
    const AppendEntriesReply r = only_sent<AppendEntriesReply>(out, kN1);
    EXPECT_TRUE(r.success);
    EXPECT_EQ(r.match_index, LogIndex{2}) << "the request's own last index";
    EXPECT_EQ(n.state, before);
    EXPECT_TRUE(out.persist.empty());
}

TEST(AppendEntriesBelowSnapshot, ContradictingTheSnapshotsLastEntryIsAnAlarm) {
    DurableNode n;
    n.deliver(install(kN1, 2, 3, 2));
    const NodeState before = n.state;
    const Outputs out = n.deliver(append_entries(kN1, 2, 1, 1, {entry_at(2, 1), entry_at(3, 1), entry_at(4, 2)}, 4));
    EXPECT_TRUE(out.alarm);
    EXPECT_EQ(n.state, before);
}

// ================= Restart from a snapshot =================

TEST(SnapshotRestart, RestoresLogAndSnapshotAndAppliesFromTheSnapshotOn) {
    DurableNode n = follower_with_four(3);
    n.deliver(CompactLog{LogIndex{2}, "ab"});
    const Outputs out = n.deliver(Restart{n.storage});
    const Snapshot expected{LogIndex{2}, Term{1}, "ab"};
    EXPECT_EQ(n.state.snapshot, expected);
    EXPECT_EQ(out.apply_snapshot, expected) << "the service restores its state from it";
    EXPECT_EQ(n.state.commit_index, LogIndex{2});
    EXPECT_EQ(n.state.last_applied, LogIndex{2});
    EXPECT_EQ(n.state.log.base_index(), LogIndex{2});
    EXPECT_EQ(n.state.log.last_index(), LogIndex{4});
    EXPECT_TRUE(out.apply.empty());
    // As commitIndex moves again, entries apply from just after the snapshot.
    const Outputs next = n.deliver(append_entries(kN1, 2, 4, 2, {}, 4));
    ASSERT_EQ(next.apply.size(), 2u);
    EXPECT_EQ(next.apply[0].index, LogIndex{3});
    EXPECT_EQ(next.apply[1].index, LogIndex{4});
}

TEST(SnapshotRestart, WithoutASnapshotNothingIsHandedToTheService) {
    DurableNode n = follower_with_four(3);
    const Outputs out = n.deliver(Restart{n.storage});
    EXPECT_FALSE(out.apply_snapshot);
    EXPECT_EQ(n.state.commit_index, LogIndex{0});
}

TEST(SnapshotRestart, StorageWhoseLogDisagreesWithItsSnapshotIsABug) {
    PersistentState broken;
    broken.snapshot = Snapshot{LogIndex{2}, Term{1}, "x"};  // but the log still starts at index 1
    EXPECT_DEATH(step(initial_state(Config{kN0, 3, false}), Restart{broken}), "stored log starts where the stored snapshot ends");
}

// ================= apply_persist =================

TEST(ApplyPersist, SnapshotFirstThenLogWriteCompactingOrResettingTheStoredLog) {
    PersistentState storage;
    for (const std::uint64_t i : {1, 2, 3}) storage.log.append(entry_at(i, 1));
    Persist p;
    p.snapshot = Snapshot{LogIndex{2}, Term{1}, "ab"};
    p.log = LogWrite{LogIndex{4}, {entry_at(4, 2)}};
    apply_persist(storage, p);
    EXPECT_EQ(storage.snapshot, *p.snapshot);
    EXPECT_EQ(storage.log.base_index(), LogIndex{2});
    EXPECT_EQ(storage.log.entries(), (std::vector<Entry>{entry_at(3, 1), entry_at(4, 2)}));
    // A snapshot whose last entry the stored log does not hold replaces the whole log.
    Persist q;
    q.snapshot = Snapshot{LogIndex{3}, Term{2}, "new"};
    apply_persist(storage, q);
    EXPECT_TRUE(storage.log.empty());
    EXPECT_EQ(storage.log.base_index(), LogIndex{3});
    EXPECT_EQ(storage.log.base_term(), Term{2});
    EXPECT_FALSE(Persist{}.snapshot);
    EXPECT_FALSE(q.empty());
}

}  // namespace
}  // namespace raft
