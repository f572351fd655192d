// The unbounded rendering of the raft model (spec/unbounded.*) against the bounded one that
// the explorer checks (spec/actions.*): random behaviours of the bounded model, replayed
// step by step, must give the same variables and the same enabled actions.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>

#include "spec/actions.hpp"
#include "spec/unbounded.hpp"

namespace {

namespace ub = spec::unbounded;

ub::Message lift(const spec::Message& m) {
    ub::Message u;
    u.type = m.type;
    u.source = m.source;
    u.dest = m.dest;
    u.term = m.term;
    switch (m.type) {
        case spec::MsgType::kRequestVoteRequest:
            u.last_log_term = m.last_log_term();
            u.last_log_index = m.last_log_index();
            break;
        case spec::MsgType::kRequestVoteResponse:
            u.vote_granted = m.vote_granted();
            break;
        case spec::MsgType::kAppendEntriesRequest:
            u.prev_log_index = m.prev_log_index();
            u.prev_log_term = m.prev_log_term();
            u.commit_index = m.commit_index();
            for (std::uint32_t k = 1; k <= m.entries.len(); ++k) u.entries.push_back({m.entries.term(k), m.entries.value(k)});
            break;
        case spec::MsgType::kInstallSnapshotRequest:
            u.last_included_index = m.last_included_index();
            u.last_included_term = m.last_included_term();
            for (std::uint32_t k = 1; k <= m.entries.len(); ++k) u.entries.push_back({m.entries.term(k), m.entries.value(k)});
            break;
        case spec::MsgType::kInstallSnapshotResponse:
            u.match_index = m.match_index();
            break;
        case spec::MsgType::kAppendEntriesResponse:
            u.success = m.success();
            if (u.success) {
                u.match_index = m.match_index();
            } else {
                u.x_len = m.x_len();
                u.x_term = m.x_term();
                u.x_index = m.x_index();
            }
            break;
    }
    return u;
}

ub::State lift(const spec::State& s, std::uint32_t n) {
    ub::State u = ub::init(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        const spec::Server& v = s.servers[i];
        ub::Server& w = u.servers[i];
        w.current_term = v.current_term;
        w.role = v.role;
        if (v.voted_for != spec::kNil) w.voted_for = v.voted_for;
        w.commit_index = v.commit_index;
        w.snapshot_index = v.snapshot_index;
        w.votes_responded = v.votes_responded;
        w.votes_granted = v.votes_granted;
        for (std::uint32_t k = 1; k <= v.log.len(); ++k) w.log.push_back({v.log.term(k), v.log.value(k)});
        for (std::uint32_t j = 0; j < n; ++j) {
            w.next_index[j] = v.next_index[j];
            w.match_index[j] = v.match_index[j];
        }
    }
    for (const spec::BagItem& item : s.messages) {
        u.bag[lift(item.m)] += item.count;
        u.in_flight += item.count;
    }
    return u;
}

ub::Action lift(const spec::Action& a) {
    ub::Action u;
    u.kind = a.kind;
    u.i = a.i;
    u.j = a.j;
    u.value = a.v;
    if (a.kind >= spec::ActionKind::kUpdateTerm) {
        u.m = lift(a.m);
        u.i = a.m.dest;
        u.j = a.m.source;
    }
    return u;
}

struct Collect : spec::Emitter {
    std::vector<std::pair<spec::Action, spec::State>> succs;
    void emit(const spec::Action& a, spec::State& t) override { succs.emplace_back(a, t); }
};

// Bounds that keep a walk inside what a packed spec state can hold.
spec::Params walk_params(std::uint32_t servers) {
    spec::Params p;
    p.variant = spec::Variant::kRaft;
    p.servers = servers;
    p.values = 2;
    p.max_term = 5;
    p.max_log = 5;
    p.max_copies = 2;
    p.max_msgs = 6;
    p.max_snapshots = 3;
    return p;
}

}  // namespace

RC_GTEST_PROP(SpecUnbounded, AgreesWithTheBoundedModelOnRandomBehaviours, ()) {
    const auto servers = *rc::gen::inRange<std::uint32_t>(1, 4);
    const auto choices = *rc::gen::container<std::vector<std::uint32_t>>(80, rc::gen::arbitrary<std::uint32_t>());
    const spec::Params p = walk_params(servers);
    spec::State s = spec::init(p);
    ub::State u = ub::init(servers);
    RC_ASSERT(lift(s, servers) == u);
    ub::Effect effect;
    std::set<spec::ActionKind> taken;
    for (std::uint32_t choice : choices) {
        Collect c;
        spec::next(s, p, c);
        // Same enabled actions (ClientRequest aside: its values are unbounded here). Sets, not
        // multisets: two bounded messages that differ only in a history field (mlog) are one
        // message here.
        std::set<std::string> bounded, unbounded;
        for (const auto& [a, t] : c.succs) {
            if (a.kind != spec::ActionKind::kClientRequest) bounded.insert(ub::describe(lift(a)));
        }
        // The unbounded model does not count snapshots: once the bounded one has taken all it
        // may, CompactLog differs by design.
        const bool snapshots_left = s.snapshots_taken < p.max_snapshots;
        for (const ub::Action& a : ub::enabled_actions(u)) {
            if (snapshots_left || a.kind != spec::ActionKind::kCompactLog) unbounded.insert(ub::describe(a));
        }
        RC_ASSERT(bounded == unbounded);

        // Weighted so that walks get past elections: faults and restarts are rare.
        std::vector<std::size_t> allowed;
        for (std::size_t k = 0; k < c.succs.size(); ++k) {
            if (!spec::within_bounds(c.succs[k].second, p)) continue;
            const spec::ActionKind kind = c.succs[k].first.kind;
            const bool rare = kind == spec::ActionKind::kRestart || kind == spec::ActionKind::kTimeout ||
                              kind == spec::ActionKind::kDuplicateMessage || kind == spec::ActionKind::kDropMessage;
            allowed.insert(allowed.end(), rare ? 1 : 12, k);
        }
        if (allowed.empty()) break;
        const auto& [action, next] = c.succs[allowed[choice % allowed.size()]];
        const ub::State before = u;
        RC_ASSERT(ub::apply(u, lift(action), effect));
        RC_ASSERT(lift(next, servers) == u);
        // And every action can be taken back exactly.
        ub::State undone = u;
        ub::undo(undone, effect);
        RC_ASSERT(undone == before);
        s = next;
        taken.insert(action.kind);
    }
    // Show that the walks reach leaders, replication and fast backup, not only elections.
    RC_CLASSIFY(taken.contains(spec::ActionKind::kBecomeLeader), "leader elected");
    RC_CLASSIFY(taken.contains(spec::ActionKind::kHandleAppendEntriesRequest), "append handled");
    RC_CLASSIFY(taken.contains(spec::ActionKind::kHandleAppendEntriesResponse), "append acknowledged");
    RC_CLASSIFY(taken.contains(spec::ActionKind::kCompactLog), "log compacted");
    RC_CLASSIFY(taken.contains(spec::ActionKind::kHandleInstallSnapshotRequest), "snapshot received");
}

TEST(SpecUnbounded, ActionsThatAreNotEnabledLeaveTheStateAlone) {
    ub::State u = ub::init(3);
    const ub::State before = u;
    ub::Effect e;
    EXPECT_FALSE(ub::apply(u, ub::Action{spec::ActionKind::kBecomeLeader, 0}, e));
    EXPECT_FALSE(ub::apply(u, ub::Action{spec::ActionKind::kAppendEntries, 0, 1}, e));
    EXPECT_FALSE(ub::apply(u, ub::Action{spec::ActionKind::kClientRequest, 0, 0, 7}, e));
    ub::Action receive{spec::ActionKind::kHandleRequestVoteRequest, 1, 0};
    receive.m.dest = 1;
    EXPECT_FALSE(ub::apply(u, receive, e)) << "a message never sent cannot be received";
    EXPECT_EQ(u, before);
}

TEST(SpecUnbounded, LongLogsAndHighTermsBeyondThePackedState) {
    ub::State u = ub::init(1);
    ub::Effect e;
    for (int t = 0; t < 100; ++t) ASSERT_TRUE(ub::apply(u, ub::Action{spec::ActionKind::kTimeout, 0}, e));
    ASSERT_TRUE(ub::apply(u, ub::Action{spec::ActionKind::kRequestVote, 0, 0}, e));
    ub::Action vote{spec::ActionKind::kHandleRequestVoteRequest, 0, 0};
    vote.m = *e.sent;
    ASSERT_TRUE(ub::apply(u, vote, e));
    ub::Action tally{spec::ActionKind::kHandleRequestVoteResponse, 0, 0};
    tally.m = *e.sent;
    ASSERT_TRUE(ub::apply(u, tally, e));
    ASSERT_TRUE(ub::apply(u, ub::Action{spec::ActionKind::kBecomeLeader, 0}, e));
    for (std::uint64_t v = 1; v <= 1000; ++v) ASSERT_TRUE(ub::apply(u, ub::Action{spec::ActionKind::kClientRequest, 0, 0, v}, e));
    ASSERT_TRUE(ub::apply(u, ub::Action{spec::ActionKind::kAdvanceCommitIndex, 0}, e));
    EXPECT_EQ(u.servers[0].current_term, 101u);
    EXPECT_EQ(u.servers[0].log.size(), 1000u);
    EXPECT_EQ(u.servers[0].commit_index, 1000u) << "a single server is its own quorum";
}
