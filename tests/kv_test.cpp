// kv/: the operation encoding, the dedup rule of the state machine, the server's answers, and
// the clerk's retries, each rule on its own; then the state machine against a dumb reference
// under random retries.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "kv/clerk.hpp"
#include "kv/server.hpp"
#include "kv/snapshot.hpp"

namespace {

using kv::Err;
using kv::Op;
using kv::OpKind;

Op op(OpKind kind, kv::ClientId client, kv::Seq seq, std::string key, std::string value = {}) {
    return Op{kind, client, seq, std::move(key), std::move(value)};
}

raft::Applied entry_at(std::uint64_t index, const Op& o, std::uint64_t term = 1) {
    return raft::Applied{raft::LogIndex{index}, raft::Entry{raft::Term{term}, raft::EntryKind::kCommand, kv::encode(o)}};
}

TEST(KvOp, EncodingRoundTripsAnyKeyAndValue) {
    for (const Op& o : {op(OpKind::kGet, 0, 1, ""), op(OpKind::kPut, 7, 12, "a b", " 3 4 "),
                        op(OpKind::kAppend, 123456789, 99, "12 x", "x 0 1 y"), op(OpKind::kPut, 1, 1, std::string(1, '\0'), "")}) {
        const std::optional<Op> back = kv::decode(kv::encode(o));
        ASSERT_TRUE(back.has_value()) << kv::describe(o);
        EXPECT_EQ(*back, o);
    }
}

TEST(KvOp, DecodeRejectsWhatEncodeNeverProduces) {
    for (const char* bad : {"", "G", "X 1 1 0 ", "G 1 1 0 v", "P 1 1 5 ab", "P -1 1 0 ", "P 1 1 1", "P 1 x 0 ", "123"}) {
        EXPECT_FALSE(kv::decode(bad).has_value()) << bad;
    }
}

TEST(KvStateMachine, RetriedAppendIsAppliedOnceAndAnsweredWithTheFirstResult) {
    kv::StateMachine sm;
    EXPECT_EQ(sm.apply(op(OpKind::kAppend, 1, 1, "k", "a")), "");
    EXPECT_EQ(sm.apply(op(OpKind::kAppend, 1, 1, "k", "a")), "");
    EXPECT_EQ(sm.store().get("k"), "a");
    EXPECT_EQ(sm.executed(), 1u);
}

TEST(KvStateMachine, RetriedGetAnswersTheValueOfItsFirstApplication) {
    kv::StateMachine sm;
    sm.apply(op(OpKind::kPut, 2, 1, "k", "old"));
    EXPECT_EQ(sm.apply(op(OpKind::kGet, 1, 1, "k")), "old");
    sm.apply(op(OpKind::kPut, 2, 2, "k", "new"));
    EXPECT_EQ(sm.apply(op(OpKind::kGet, 1, 1, "k")), "old");
    EXPECT_EQ(sm.apply(op(OpKind::kGet, 1, 2, "k")), "new");
}

TEST(KvStateMachine, LateDuplicateOfAFinishedOperationChangesNothingAndAnswersNothing) {
    kv::StateMachine sm;
    sm.apply(op(OpKind::kAppend, 1, 1, "k", "a"));
    sm.apply(op(OpKind::kAppend, 1, 2, "k", "b"));
    const kv::StateMachine before = sm;
    EXPECT_FALSE(sm.apply(op(OpKind::kAppend, 1, 1, "k", "a")).has_value());
    EXPECT_EQ(sm, before);
}

TEST(KvStateMachine, SessionsAreIndependentPerClient) {
    kv::StateMachine sm;
    sm.apply(op(OpKind::kAppend, 1, 5, "k", "a"));
    sm.apply(op(OpKind::kAppend, 2, 1, "k", "b"));  // a low seq of another client is new
    EXPECT_EQ(sm.store().get("k"), "ab");
}

// A state with what a snapshot must carry: keys and values with spaces, digits and NULs, and
// sessions whose remembered results are Get answers.
kv::StateMachine sample_state() {
    kv::StateMachine sm;
    sm.apply(op(OpKind::kPut, 3, 1, "a b", "12 x"));
    sm.apply(op(OpKind::kAppend, 1, 1, std::string("\0k", 2), " 3 "));
    sm.apply(op(OpKind::kAppend, 1, 2, "", "empty key"));
    sm.apply(op(OpKind::kGet, 2, 7, "a b"));
    sm.apply(op(OpKind::kPut, 123456789012, 40, "z", ""));
    return sm;
}

TEST(KvSnapshot, EncodingRoundTripsTheWholeState) {
    for (const kv::StateMachine& sm : {kv::StateMachine{}, sample_state()}) {
        const std::optional<kv::StateMachine> back = kv::decode_snapshot(kv::encode_snapshot(sm));
        ASSERT_TRUE(back.has_value());
        EXPECT_EQ(*back, sm);
        EXPECT_EQ(kv::encode_snapshot(*back), kv::encode_snapshot(sm));  // one encoding per state
    }
    EXPECT_EQ(kv::encode_snapshot(kv::StateMachine{}), "kvsnap1 0 0 0 ");
}

TEST(KvSnapshot, DecodeRejectsWhatEncodeNeverProduces) {
    const std::string good = kv::encode_snapshot(sample_state());
    for (std::size_t cut = 0; cut < good.size(); ++cut) EXPECT_FALSE(kv::decode_snapshot(good.substr(0, cut)).has_value()) << cut;
    EXPECT_FALSE(kv::decode_snapshot(good + " ").has_value());
    for (const char* bad : {"", "kvsnap2 0 0 0 ", "kvsnap1 0 0 0", "kvsnap1 00 0 0 ", "kvsnap1 0 1 1 k1 v0 x",
                            "kvsnap1 0 2 1 b0 1 a0 0 ",          // keys out of order
                            "kvsnap1 0 0 1 5 0 0 ",              // a session that executed nothing
                            "kvsnap1 0 0 2 5 1 0 5 2 0 ",        // a client twice
                            "kvsnap1 0 1 9 k0 0 "}) {            // a length past the end
        EXPECT_FALSE(kv::decode_snapshot(bad).has_value()) << bad;
    }
}

TEST(KvSnapshot, DedupRuleSurvivesASnapshot) {
    kv::StateMachine sm;
    sm.apply(op(OpKind::kAppend, 1, 1, "k", "a"));
    sm.apply(op(OpKind::kGet, 2, 1, "k"));
    sm.apply(op(OpKind::kAppend, 2, 2, "k", "b"));
    kv::StateMachine restored = *kv::decode_snapshot(kv::encode_snapshot(sm));
    // A retry of client 1's last append is not executed again; client 2's finished Get
    // retried late answers nothing; a new append is executed.
    EXPECT_EQ(restored.apply(op(OpKind::kAppend, 1, 1, "k", "a")), "");
    EXPECT_FALSE(restored.apply(op(OpKind::kGet, 2, 1, "k")).has_value());
    EXPECT_EQ(restored.apply(op(OpKind::kGet, 2, 2, "k")), "");  // the append's remembered result
    EXPECT_EQ(restored.store().get("k"), "ab");
    EXPECT_EQ(restored.executed(), 3u);
    EXPECT_EQ(restored.apply(op(OpKind::kAppend, 1, 2, "k", "c")), "");
    EXPECT_EQ(restored.store().get("k"), "abc");
}

TEST(KvServer, RefusedProposalIsAnsweredWrongLeaderAtOnce) {
    kv::Server s;
    const kv::Request req{op(OpKind::kGet, 1, 1, "k"), 1};
    const std::optional<kv::Reply> r = s.proposed(req, std::nullopt, raft::Term{3});
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->err, Err::kWrongLeader);
    EXPECT_EQ(r->attempt, 1u);
}

TEST(KvServer, RequestIsAnsweredWhenItsIndexIsAppliedWithItsCommand) {
    kv::Server s;
    s.applied(entry_at(1, op(OpKind::kPut, 9, 1, "k", "v")));
    const kv::Request req{op(OpKind::kGet, 1, 1, "k"), 4};
    EXPECT_FALSE(s.proposed(req, raft::LogIndex{2}, raft::Term{1}).has_value());
    EXPECT_TRUE(s.raft_status(raft::Term{1}, true).empty());
    const std::vector<kv::Reply> replies = s.applied(entry_at(2, req.op));
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0], (kv::Reply{1, 1, 4, Err::kOk, "v"}));
    EXPECT_EQ(s.pending(), 0u);
}

TEST(KvServer, AnotherCommandAtTheIndexMeansWrongLeader) {
    kv::Server s;
    const kv::Request req{op(OpKind::kAppend, 1, 1, "k", "mine"), 1};
    s.proposed(req, raft::LogIndex{1}, raft::Term{1});
    const std::vector<kv::Reply> replies = s.applied(entry_at(1, op(OpKind::kAppend, 2, 1, "k", "theirs"), 2));
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].err, Err::kWrongLeader);
    EXPECT_EQ(s.state_machine().store().get("k"), "theirs");
}

TEST(KvServer, NoopAtTheIndexMeansWrongLeader) {
    kv::Server s;
    s.proposed(kv::Request{op(OpKind::kGet, 1, 1, "k"), 1}, raft::LogIndex{1}, raft::Term{1});
    const std::vector<kv::Reply> replies = s.applied(raft::Applied{raft::LogIndex{1}, raft::Entry{raft::Term{2}, raft::EntryKind::kNoop, ""}});
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].err, Err::kWrongLeader);
}

TEST(KvServer, LosingLeadershipOrTermAnswersEveryPendingRequestWrongLeader) {
    kv::Server s;
    s.proposed(kv::Request{op(OpKind::kGet, 1, 1, "k"), 1}, raft::LogIndex{1}, raft::Term{1});
    s.proposed(kv::Request{op(OpKind::kGet, 2, 1, "k"), 1}, raft::LogIndex{2}, raft::Term{1});
    EXPECT_EQ(s.raft_status(raft::Term{1}, false).size(), 2u);
    s.proposed(kv::Request{op(OpKind::kGet, 3, 1, "k"), 1}, raft::LogIndex{3}, raft::Term{2});
    const std::vector<kv::Reply> replies = s.raft_status(raft::Term{3}, true);  // leader again, but of a newer term
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].client, 3u);
    EXPECT_EQ(s.pending(), 0u);
}

TEST(KvServer, RetriedRequestAppliedTwiceIsAnsweredWithTheFirstResultBothTimes) {
    kv::Server s;
    const Op get = op(OpKind::kGet, 1, 1, "k");
    s.proposed(kv::Request{get, 1}, raft::LogIndex{1}, raft::Term{1});
    s.proposed(kv::Request{get, 2}, raft::LogIndex{3}, raft::Term{1});
    EXPECT_EQ(s.applied(entry_at(1, get)).at(0).value, "");
    s.applied(entry_at(2, op(OpKind::kPut, 2, 1, "k", "later")));
    const std::vector<kv::Reply> second = s.applied(entry_at(3, get));
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0], (kv::Reply{1, 1, 2, Err::kOk, ""}));
}

TEST(KvServer, RestartedServerRebuildsTheSameStateFromTheLog) {
    std::vector<raft::Applied> log;
    kv::Server s;
    for (std::uint64_t i = 1; i <= 50; ++i) {
        const Op o = op(i % 3 == 0 ? OpKind::kGet : OpKind::kAppend, i % 4, (i + 3) / 4, std::to_string(i % 5),
                        i % 3 == 0 ? "" : std::to_string(i));
        log.push_back(entry_at(i, o));
        log.push_back(entry_at(i + 50, o));  // the same ops again: retries
    }
    std::sort(log.begin(), log.end(), [](const raft::Applied& a, const raft::Applied& b) { return a.index < b.index; });
    for (const raft::Applied& a : log) s.applied(a);
    kv::Server restarted;
    for (const raft::Applied& a : log) restarted.applied(a);
    EXPECT_EQ(restarted.state_machine(), s.state_machine());
    EXPECT_EQ(s.state_machine().executed(), 50u);
}

// A server whose raft node handed up a snapshot at some index, then applied the log after it,
// ends in the same state as a server that applied the whole log: the snapshot carries the
// sessions, so the retries in the suffix are still recognised.
TEST(KvServer, RestartFromASnapshotAndTheSuffixGivesTheSameStateAsTheWholeLog) {
    std::vector<raft::Applied> log;
    for (std::uint64_t i = 1; i <= 60; ++i) {
        const Op o = op(i % 3 == 0 ? OpKind::kGet : OpKind::kAppend, i % 4, (i + 3) / 4, std::to_string(i % 5),
                        i % 3 == 0 ? "" : std::to_string(i));
        log.push_back(entry_at(2 * i - 1, o));
        log.push_back(entry_at(2 * i, o));  // every op retried at once
    }
    kv::Server whole;
    for (const raft::Applied& a : log) whole.applied(a);
    for (const std::size_t cut : {std::size_t{1}, std::size_t{2}, std::size_t{37}, std::size_t{60}, log.size()}) {
        // The first server takes a snapshot after `cut` entries...
        kv::Server first(kv::ApplyFn{}, 0);
        for (std::size_t k = 0; k < cut; ++k) first.applied(log[k]);
        const std::optional<raft::CompactLog> c = first.compaction(1);
        ASSERT_TRUE(c.has_value());
        EXPECT_EQ(c->index, raft::LogIndex{cut});
        // ...and a restarted server comes back from it and applies the rest.
        kv::Server restarted;
        EXPECT_TRUE(restarted.install_snapshot(raft::Snapshot{c->index, raft::Term{1}, c->snapshot}).empty());
        EXPECT_EQ(restarted.last_applied(), raft::LogIndex{cut});
        for (std::size_t k = cut; k < log.size(); ++k) restarted.applied(log[k]);
        EXPECT_EQ(restarted.state_machine(), whole.state_machine()) << "cut after " << cut;
    }
    EXPECT_EQ(whole.state_machine().executed(), 60u);
}

TEST(KvServer, SnapshotsOnlyAboveMaxraftstateAndOnlyAfterApplyingMore) {
    kv::Server never;  // maxraftstate -1
    never.applied(entry_at(1, op(OpKind::kPut, 1, 1, "k", "v")));
    EXPECT_FALSE(never.compaction(1'000'000).has_value());

    kv::Server s(kv::ApplyFn{}, 100);
    s.applied(entry_at(1, op(OpKind::kPut, 1, 1, "k", "v")));
    EXPECT_FALSE(s.compaction(100).has_value());  // not above the bound
    const std::optional<raft::CompactLog> c = s.compaction(101);
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->index, raft::LogIndex{1});
    EXPECT_EQ(kv::decode_snapshot(c->snapshot), std::optional<kv::StateMachine>(s.state_machine()));
    EXPECT_FALSE(s.compaction(500).has_value());  // nothing applied since: compacting again frees nothing
    s.applied(entry_at(2, op(OpKind::kPut, 1, 2, "k", "w")));
    EXPECT_EQ(s.compaction(500)->index, raft::LogIndex{2});
    EXPECT_EQ(s.snapshot_index(), raft::LogIndex{2});
}

TEST(KvServer, InstalledSnapshotReplacesTheStateAndAnswersRequestsItCoversWrongLeader) {
    kv::Server leader;
    leader.applied(entry_at(1, op(OpKind::kPut, 1, 1, "k", "mine")));
    leader.proposed(kv::Request{op(OpKind::kGet, 2, 1, "k"), 1}, raft::LogIndex{2}, raft::Term{1});
    leader.proposed(kv::Request{op(OpKind::kGet, 3, 1, "k"), 1}, raft::LogIndex{5}, raft::Term{1});
    kv::StateMachine theirs;
    theirs.apply(op(OpKind::kPut, 4, 1, "k", "theirs"));
    const std::vector<kv::Reply> replies = leader.install_snapshot(raft::Snapshot{raft::LogIndex{3}, raft::Term{2}, kv::encode_snapshot(theirs)});
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].client, 2u);
    EXPECT_EQ(replies[0].err, Err::kWrongLeader);
    EXPECT_EQ(leader.pending(), 1u);  // index 5 is still to come
    EXPECT_EQ(leader.state_machine(), theirs);
    EXPECT_EQ(leader.last_applied(), raft::LogIndex{3});
    leader.applied(entry_at(4, op(OpKind::kAppend, 4, 2, "k", "!")));
    EXPECT_EQ(leader.state_machine().store().get("k"), "theirs!");
}

TEST(KvClerk, EachOperationGetsTheNextSeqAndStartsAtTheRememberedLeader) {
    kv::Clerk ck(7, 3);
    kv::Clerk::Send s1 = ck.begin(OpKind::kPut, "k", "v");
    EXPECT_EQ(s1.request.op.seq, 1u);
    EXPECT_EQ(s1.request.op.client, 7u);
    EXPECT_EQ(s1.server, 0u);
    kv::Clerk::Result r = ck.on_reply(0, kv::Reply{7, 1, s1.request.attempt, Err::kWrongLeader, ""});
    ASSERT_TRUE(r.send.has_value());
    EXPECT_EQ(r.send->server, 1u);
    r = ck.on_no_reply(r.send->request.attempt);
    ASSERT_TRUE(r.send.has_value());
    EXPECT_EQ(r.send->server, 2u);
    EXPECT_EQ(r.send->request.op, s1.request.op);  // a retry is the same operation
    r = ck.on_reply(2, kv::Reply{7, 1, r.send->request.attempt, Err::kOk, ""});
    EXPECT_EQ(r.answer, "");
    EXPECT_TRUE(ck.idle());
    const kv::Clerk::Send s2 = ck.begin(OpKind::kGet, "k", "");
    EXPECT_EQ(s2.request.op.seq, 2u);
    EXPECT_EQ(s2.server, 2u);
}

TEST(KvClerk, AnswersEachOperationOnceWhateverArrivesLate) {
    kv::Clerk ck(1, 3);
    const kv::Clerk::Send first = ck.begin(OpKind::kGet, "k", "");
    const kv::Clerk::Result retry = ck.on_no_reply(first.request.attempt);
    ASSERT_TRUE(retry.send.has_value());
    // The first attempt's kOk arrives late: it completes the operation (same first result).
    const kv::Clerk::Result done = ck.on_reply(0, kv::Reply{1, 1, first.request.attempt, Err::kOk, "v"});
    EXPECT_EQ(done.answer, "v");
    EXPECT_FALSE(done.send.has_value());
    // The retry's kOk, and stale refusals and timeouts, change nothing now.
    EXPECT_FALSE(ck.on_reply(1, kv::Reply{1, 1, retry.send->request.attempt, Err::kOk, "v"}).answer.has_value());
    EXPECT_FALSE(ck.on_no_reply(retry.send->request.attempt).send.has_value());
    ck.begin(OpKind::kGet, "k", "");
    EXPECT_FALSE(ck.on_reply(1, kv::Reply{1, 1, retry.send->request.attempt, Err::kOk, "v"}).answer.has_value());
    EXPECT_FALSE(ck.on_reply(1, kv::Reply{1, 2, first.request.attempt, Err::kWrongLeader, ""}).send.has_value());
}

// The state machine under random retries (each operation applied 1-3 times, duplicates
// possibly after later operations of other clients) ends as a plain map that applies every
// operation exactly once, and answers every Get with the value of its first application.
RC_GTEST_PROP(KvStateMachine, RetriesChangeNothingAgainstAPlainMap, ()) {
    const auto n = *rc::gen::inRange(1, 80);
    kv::StateMachine sm;
    std::map<std::string, std::string> reference;
    std::map<kv::ClientId, kv::Seq> seqs;
    std::optional<Op> pending_dup;
    for (int i = 0; i < n; ++i) {
        const kv::ClientId c = *rc::gen::inRange<kv::ClientId>(0, 3);
        const auto kind = *rc::gen::element(OpKind::kGet, OpKind::kPut, OpKind::kAppend);
        const Op o = op(kind, c, ++seqs[c], std::to_string(*rc::gen::inRange(0, 3)),
                        kind == OpKind::kGet ? "" : std::to_string(i));
        std::string expected;
        if (kind == OpKind::kGet) expected = reference[o.key];
        if (kind == OpKind::kPut) reference[o.key] = o.value;
        if (kind == OpKind::kAppend) reference[o.key] += o.value;
        RC_ASSERT(sm.apply(o) == std::optional<std::string>(expected));
        const int copies = *rc::gen::inRange(0, 3);
        for (int k = 0; k < copies; ++k) RC_ASSERT(sm.apply(o) == std::optional<std::string>(expected));
        if (pending_dup && pending_dup->client != c) sm.apply(*pending_dup);  // a late retry of another client
        pending_dup = o;
    }
    for (const auto& [key, value] : reference) RC_ASSERT(sm.store().get(key) == value);
    RC_ASSERT(sm.executed() == static_cast<std::uint64_t>(n));
}

}  // namespace
