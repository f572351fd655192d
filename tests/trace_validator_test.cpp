// The recorder and the validator: runs of the simulator validate against the spec, whole or
// with parts hidden; runs of planted bugs and hand-corrupted traces are rejected at the event
// that shows the fault, with the right message.

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <sstream>

#include "sim/free_run.hpp"
#include "sim/scenarios.hpp"
#include "traces/cluster_recorder.hpp"
#include "traces/reader.hpp"
#include "traces/validator.hpp"

namespace {

using traces::ActionKind;
using traces::Event;

std::vector<Event> read_all(const std::string& text) {
    std::istringstream in(text);
    traces::TraceReader reader(in, "trace");
    std::vector<Event> events;
    while (std::optional<Event> e = reader.next()) events.push_back(std::move(*e));
    return events;
}

// A free run of the simulator under every fault, recorded.
std::vector<Event> record_free_run(std::uint64_t seed, std::uint32_t servers, double seconds, sim::StepFn step = {},
                                   bool full_log = false) {
    std::ostringstream out;
    traces::ClusterRecorder recorder(out, traces::RecorderOptions{full_log});
    sim::FreeRunOptions o;
    o.servers = servers;
    o.seed = seed;
    o.unreliable = true;
    o.crashes = true;
    o.duration_ms = static_cast<sim::Millis>(seconds * 1000);
    o.lab.observer = &recorder;
    o.lab.step = std::move(step);
    sim::free_run(o);  // a planted bug may or may not make the run itself fail
    return read_all(out.str());
}

struct Outcome {
    bool ok = true;
    traces::Failure failure;
    traces::ValidatorStats stats;
};

Outcome validate(const std::vector<Event>& events, traces::ValidatorOptions options = {}) {
    traces::Validator v(options);
    Outcome o;
    for (const Event& e : events) {
        if (!v.feed(e)) {
            o.ok = false;
            o.failure = *v.failure();
            break;
        }
    }
    o.stats = v.stats();
    return o;
}

std::string explain(const Outcome& o) {
    std::string s = o.failure.file + ":" + std::to_string(o.failure.line) + " " + o.failure.action + ": " + o.failure.reason;
    for (const auto& a : o.failure.attempts) {
        s += "\n  " + a.action + " " + a.why;
        for (const auto& m : a.mismatches) s += "\n    " + m.variable + " spec " + m.expected + " trace " + m.observed;
    }
    return s;
}

std::uint64_t seeds() {
    const char* env = std::getenv("RAFTCHECK_SEEDS");
    return env ? std::strtoull(env, nullptr, 10) : 5;
}

}  // namespace

TEST(TraceValidator, EveryScenarioRunValidates) {
    for (const sim::Scenario& s : sim::all_scenarios()) {
        for (std::uint64_t seed = 1; seed <= seeds(); ++seed) {
            std::ostringstream out;
            traces::ClusterRecorder recorder(out);
            sim::LabOptions options;
            options.observer = &recorder;
            s.run(seed, options);
            const Outcome o = validate(read_all(out.str()));
            ASSERT_TRUE(o.ok) << s.name << " seed " << seed << ": " << explain(o);
            EXPECT_EQ(o.stats.hidden_steps, 0u) << "the simulator's recorder logs every step";
        }
    }
}

TEST(TraceValidator, FreeRunsUnderEveryFaultValidate) {
    for (std::uint64_t seed = 1; seed <= seeds(); ++seed) {
        const Outcome o = validate(record_free_run(seed, 5, 5, {}, seed == 1));
        ASSERT_TRUE(o.ok) << "seed " << seed << ": " << explain(o);
        EXPECT_GT(o.stats.events, 300u);
    }
}

// ---- Partial traces: what a recorder leaves out is searched, not assumed ----

TEST(TraceValidator, OnlyMessagesValidate) {
    std::vector<Event> events = record_free_run(3, 3, 3);
    for (Event& e : events) {
        if (e.action != ActionKind::kInit) e.observed = {};
    }
    const Outcome o = validate(events);
    EXPECT_TRUE(o.ok) << explain(o);
}

TEST(TraceValidator, OnlyTermsAndRolesValidate) {
    std::vector<Event> events = record_free_run(4, 3, 1);
    for (Event& e : events) {
        if (e.action == ActionKind::kInit) continue;
        if (e.message && (e.action == ActionKind::kRequestVote || e.action == ActionKind::kAppendEntries)) e.peer = e.message->to;
        e.message.reset();
        e.reply.reset();
        traces::Observed keep;
        keep.term = e.observed.term;
        keep.role = e.observed.role;
        e.observed = keep;
    }
    traces::ValidatorOptions options;
    options.max_candidates = 1 << 16;
    const Outcome o = validate(events, options);
    EXPECT_TRUE(o.ok) << explain(o);
    EXPECT_GT(o.stats.max_candidates, 1u) << "without messages, several explanations are kept";
}

TEST(TraceValidator, LostDuplicatesAreInsertedAsHiddenSteps) {
    std::vector<Event> events = record_free_run(5, 3, 3);
    // Deliver some request twice: the second receipt needs a duplicate nobody logged.
    std::vector<Event> doubled;
    bool done = false;
    for (const Event& e : events) {
        doubled.push_back(e);
        if (!done && e.action == ActionKind::kHandleRequestVoteRequest && e.message->from != e.message->to) {
            Event again = e;
            again.observed = {};
            again.reply->vote_granted = e.reply->vote_granted;  // same term, same vote: same answer
            doubled.push_back(again);
            done = true;
        }
    }
    ASSERT_TRUE(done);
    const Outcome o = validate(doubled);
    EXPECT_TRUE(o.ok) << explain(o);
    EXPECT_EQ(o.stats.duplicates_assumed, 1u);
}

// A receipt is excused as a lost duplicate only if the very message was consumed before:
// one whose middle entry differs was never sent, even if its header and both ends match.
TEST(TraceValidator, ARedeliveryWithOtherEntriesIsNoDuplicate) {
    const std::vector<Event> events = record_free_run(5, 3, 3);
    std::size_t at = events.size();
    for (std::size_t k = 0; k < events.size(); ++k) {
        const Event& e = events[k];
        if (e.action == ActionKind::kHandleAppendEntriesRequest && e.message->entries.size() >= 3) {
            at = k;
            break;
        }
    }
    ASSERT_LT(at, events.size()) << "no AppendEntries of three entries in the run";
    auto redelivered = [&](bool change_middle) {
        std::vector<Event> out(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(at + 1));
        Event again = events[at];
        again.observed = {};
        if (change_middle) again.message->entries[1].value += "-forged";
        out.push_back(again);
        out.insert(out.end(), events.begin() + static_cast<std::ptrdiff_t>(at + 1), events.end());
        return out;
    };
    const Outcome same = validate(redelivered(false));
    EXPECT_TRUE(same.ok) << explain(same);
    EXPECT_EQ(same.stats.duplicates_assumed, 1u);
    const Outcome forged = validate(redelivered(true));
    ASSERT_FALSE(forged.ok) << "a message never sent was excused as a duplicate";
    EXPECT_EQ(forged.failure.event_index, at + 2) << explain(forged);
}

// ---- Hand-corrupted traces ----

// Applies `corrupt` to the first event `pick` accepts and expects the validator to stop there
// with a mismatch on `variable` (or any reason, if empty).
void expect_rejected_at(std::vector<Event> events, const std::function<bool(const Event&)>& pick,
                        const std::function<void(Event&)>& corrupt, const std::string& variable) {
    std::size_t index = events.size();
    for (std::size_t k = 0; k < events.size(); ++k) {
        if (pick(events[k])) {
            index = k;
            break;
        }
    }
    ASSERT_LT(index, events.size()) << "no event to corrupt";
    corrupt(events[index]);
    const Outcome o = validate(events);
    ASSERT_FALSE(o.ok) << "corrupted trace accepted";
    EXPECT_EQ(o.failure.event_index, index + 1) << explain(o);
    if (variable.empty()) return;
    bool named = false;
    for (const auto& a : o.failure.attempts) {
        for (const auto& m : a.mismatches) named |= m.variable == variable;
    }
    EXPECT_TRUE(named) << "expected a mismatch on " << variable << ": " << explain(o);
}

class CorruptedTrace : public ::testing::Test {
protected:
    void SetUp() override {
        events = record_free_run(11, 5, 10, {}, true);
        ASSERT_TRUE(validate(events).ok);
    }
    std::vector<Event> events;
};

TEST_F(CorruptedTrace, TermGoesBackwards) {
    expect_rejected_at(events, [](const Event& e) { return e.observed.term && *e.observed.term > 2; },
                       [](Event& e) { e.observed.term = *e.observed.term - 1; }, "term");
}

TEST_F(CorruptedTrace, TwoVotesInOneTerm) {
    // A node that granted a vote grants another candidate in the same term.
    expect_rejected_at(events,
                       [](const Event& e) {
                           return e.action == ActionKind::kHandleRequestVoteRequest && e.reply && !e.reply->vote_granted &&
                                  e.message->term == e.reply->term && e.observed.voted_for && *e.observed.voted_for &&
                                  **e.observed.voted_for != e.message->from;
                       },
                       [](Event& e) {
                           e.reply->vote_granted = true;
                           if (e.observed.voted_for) e.observed.voted_for = std::optional<std::uint32_t>(e.message->from);
                       },
                       "message sent");
}

TEST_F(CorruptedTrace, CommitIndexBeyondTheLog) {
    expect_rejected_at(events, [](const Event& e) { return e.observed.commit_index && e.observed.log_length; },
                       [](Event& e) { e.observed.commit_index = *e.observed.log_length + 1; }, "commitIndex");
}

TEST_F(CorruptedTrace, CommittedEntryOverwritten) {
    // A follower's log shows another value at an index it had committed.
    expect_rejected_at(events,
                       [](const Event& e) { return e.observed.commit_index && *e.observed.commit_index >= 1 && e.observed.log; },
                       [](Event& e) { (*e.observed.log)[0].value = "overwritten"; }, "log");
}

TEST_F(CorruptedTrace, MessageReceivedThatWasNeverSent) {
    expect_rejected_at(events, [](const Event& e) { return e.action == ActionKind::kHandleAppendEntriesRequest && e.reply; },
                       [](Event& e) { e.message->commit_index += 100; }, "");
}

TEST_F(CorruptedTrace, ClockOrderAndUnknownNodesAreBadInputNotViolations) {
    Event e = events[1];
    e.node = 9;
    std::vector<Event> bad{events[0], e};
    const Outcome o = validate(bad);
    ASSERT_FALSE(o.ok);
    EXPECT_NE(o.failure.reason.find("not in the cluster"), std::string::npos);
}

// ---- Planted bugs in the implementation show in its traces ----

TEST(TraceValidatorCatches, VoteWithoutTheUpToDateCheck) {
    // The wrapped node believes every candidate's log is up to date; the trace shows the
    // real request, so the granted vote contradicts the spec.
    sim::StepFn bug = [](raft::NodeState s, const raft::Input& in) {
        raft::Input input = in;
        if (auto* m = std::get_if<raft::Message>(&input)) {
            if (auto* rv = std::get_if<raft::RequestVote>(&m->body)) {
                rv->last_log_term = raft::Term{1'000'000};
                rv->last_log_index = raft::LogIndex{1'000'000};
            }
        }
        return raft::step(std::move(s), input);
    };
    bool caught = false;
    for (std::uint64_t seed = 1; seed <= 20 && !caught; ++seed) {
        const Outcome o = validate(record_free_run(seed, 5, 5, bug));
        if (o.ok) continue;
        caught = true;
        EXPECT_NE(o.failure.action.find("HandleRequestVoteRequest"), std::string::npos) << explain(o);
    }
    EXPECT_TRUE(caught);
}

TEST(TraceValidatorCatches, VoteForgottenAcrossARestart) {
    sim::StepFn bug = [](raft::NodeState s, const raft::Input& in) {
        raft::Input input = in;
        if (auto* r = std::get_if<raft::Restart>(&input)) r->persisted.voted_for.reset();
        return raft::step(std::move(s), input);
    };
    bool caught = false;
    for (std::uint64_t seed = 1; seed <= 20 && !caught; ++seed) {
        const Outcome o = validate(record_free_run(seed, 3, 5, bug));
        if (o.ok) continue;
        caught = true;
        EXPECT_NE(o.failure.action.find("Restart"), std::string::npos) << explain(o);
    }
    EXPECT_TRUE(caught);
}

TEST(TraceValidatorCatches, AcknowledgingEntriesNeverStored) {
    sim::StepFn bug = [](raft::NodeState s, const raft::Input& in) {
        raft::StepResult r = raft::step(std::move(s), in);
        for (raft::Message& m : r.outputs.messages) {
            if (auto* reply = std::get_if<raft::AppendEntriesReply>(&m.body); reply && reply->success && reply->match_index.value > 0) {
                reply->match_index = raft::LogIndex{reply->match_index.value - 1};  // under-reports: the leader stays safe
            }
        }
        return r;
    };
    const Outcome o = validate(record_free_run(2, 3, 3, bug));
    ASSERT_FALSE(o.ok);
    EXPECT_NE(o.failure.action.find("HandleAppendEntriesRequest"), std::string::npos) << explain(o);
}
