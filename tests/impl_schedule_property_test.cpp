// RapidCheck over cluster schedules: random sequences of cluster events (deliver, drop or
// duplicate message k, election and heartbeat timeouts, proposals, crash-restarts, log
// compactions, partitions and heals) over 3 to 5 real raft::step nodes, far longer than exhaustive search reaches.
//
// After every event: every invariant of the impl model holds, the step refines the spec, the
// state's encoding round-trips; replaying the schedule gives the same states (determinism).
// A failure shrinks to a minimal schedule, written as a counterexample file with the command
// that replays it (`raftcheck replay FILE`). Every planted bug that can change behaviour here
// must be caught.
//
// Events are drawn interactively, knowing the state: weighted so that messages are mostly
// delivered (elections finish, entries commit), with faults a few percent of the time. The
// distribution of outcomes is printed with RC_CLASSIFY / RC_TAG.
//
// RAFTCHECK_SCHEDULES=N runs N schedules per property instead of the CI default (used by
// bench/impl_schedules.sh for a long run).

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <fstream>
#include <string>
#include <vector>

#include "checker/impl_model.hpp"
#include "checker/impl_mutants.hpp"
#include "tools/raftcheck/impl_trace.hpp"

namespace checker::impl {
namespace {

namespace gen = rc::gen;

// Under the sanitizers every event costs some thirty times more: fewer schedules there.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

// No event that sends to every peer, and no duplication, beyond this many messages in flight:
// the bag stays far below what a byte of the encoding counts.
constexpr std::uint32_t kMaxNetwork = 24;
constexpr int kMaxEvents = 150;

int schedules(int ci_default) {
    const char* env = std::getenv("RAFTCHECK_SCHEDULES");
    return env != nullptr ? std::max(1, std::atoi(env)) : ci_default;
}

// Bounds generous enough that schedules never meet them (the generator stays inside), and
// that `raftcheck replay` enumerates every event the schedule uses.
Params schedule_params(std::uint32_t servers) {
    Params p;
    p.servers = servers;
    p.values = 3;
    p.max_term = kMaxTerm - 1;
    p.max_log = kMaxLog;
    p.max_msgs = 16;
    p.max_copies = 16;
    p.max_crashes = 15;
    p.max_proposals = 15;
    p.max_snapshots = 15;
    return p;
}

struct Outcome {
    std::uint32_t servers = 0;
    bool elected = false;
    bool committed = false;
    bool crashed = false;
    bool partitioned = false;
    bool compacted = false;
    bool violated = false;
    std::string property;
    std::size_t events = 0;
};

std::uint64_t events_checked = 0;

// The last failing schedule's length: RapidCheck's last failing run is its minimal one.
Outcome last_failure;

std::string replay_file(const std::string& tag) {
    return (std::filesystem::temp_directory_path() / ("raftcheck-schedule-" + tag + ".ndjson")).string();
}

// Runs one schedule, drawn event by event; returns what happened. Stops at the first
// violation, after writing the behaviour to a counterexample file.
Outcome run_schedule(StepFn step, const std::string& bug, bool check_determinism) {
    const auto servers = *gen::element<std::uint32_t>(3, 4, 5);
    // The schedule: one number per event, read against the state it meets (which group of
    // enabled events, then which one). A list, so that shrinking can drop events anywhere;
    // a number shrinks towards 0, the first delivery.
    const auto choices = *gen::resize(kMaxEvents, gen::container<std::vector<std::uint32_t>>(gen::arbitrary<std::uint32_t>()));
    const Params p = schedule_params(servers);
    const ImplModel model(p, step, false, true);
    ClusterState s = model.initial_states()[0];
    std::vector<std::pair<std::optional<Event>, ClusterState>> behaviour{{std::nullopt, s}};
    std::uint32_t cut = 0;  // the nodes cut off from the rest; 0: no partition
    Outcome o;
    o.servers = servers;
    Undo undo;
    std::string a, b;
    for (const std::uint32_t choice : choices) {
        std::vector<Event> deliver, fault, timeout, heartbeat, propose, restart, compact;
        for_each_event(s, p, [&](const Event& e) {
            const raft::NodeState& n = s.nodes[e.node];
            switch (e.kind) {
                case EventKind::kDeliver: deliver.push_back(e); break;
                case EventKind::kDrop: fault.push_back(e); break;
                case EventKind::kDuplicate:
                    if (s.network.size() < kMaxNetwork) fault.push_back(e);
                    break;
                case EventKind::kElectionTimeout:
                    if (n.current_term.value + 1 < p.max_term && s.network.size() < kMaxNetwork) timeout.push_back(e);
                    break;
                case EventKind::kHeartbeatTimeout:
                    if (s.network.size() < kMaxNetwork) heartbeat.push_back(e);
                    break;
                case EventKind::kPropose:
                    if (n.log.last_index().value < p.max_log && s.network.size() < kMaxNetwork) propose.push_back(e);
                    break;
                case EventKind::kRestart: restart.push_back(e); break;
                case EventKind::kCompactLog: compact.push_back(e); break;
            }
        });
        // Weights: deliveries dominate so that elections finish and entries commit.
        const std::vector<std::pair<int, std::vector<Event>*>> groups = {
            {24, &deliver}, {4, &heartbeat}, {4, &propose}, {2, &timeout}, {1, &fault}, {1, &restart}, {1, &compact}};
        int total = 1;  // partition or heal
        for (const auto& [w, g] : groups) total += g->empty() ? 0 : w;
        int pick = static_cast<int>(choice % static_cast<std::uint32_t>(total));
        const std::uint32_t which = choice / static_cast<std::uint32_t>(total);
        std::optional<Event> chosen;
        for (const auto& [w, g] : groups) {
            if (g->empty()) continue;
            if (pick < w) {
                chosen = (*g)[which % g->size()];
                break;
            }
            pick -= w;
        }
        if (!chosen) {
            // A partition cuts a minority off; the next one heals it.
            cut = cut != 0 ? 0 : 1 + which % ((1u << (servers - 1)) - 1);
            o.partitioned |= cut != 0;
            continue;
        }
        Event e = *chosen;
        if (e.kind == EventKind::kDeliver && cut != 0 && (((cut >> e.msg.from()) ^ (cut >> e.msg.to())) & 1u)) {
            e.kind = EventKind::kDrop;  // the partition loses what crosses it
        }
        const ClusterState before = s;
        const raft::Outputs out = apply_event(s, p, step, e, undo);
        behaviour.emplace_back(e, s);
        ++o.events;
        ++events_checked;
        o.crashed |= e.kind == EventKind::kRestart;
        o.compacted |= e.kind == EventKind::kCompactLog;
        for (const raft::NodeState& n : s.nodes) {
            o.elected |= n.role == raft::Role::kLeader;
            o.committed |= n.commit_index.value > 0;
        }
        const char* bad = model.violated_step(before, s);
        if (bad == nullptr) bad = model.violated_invariant(s);
        if (bad == nullptr && RefinementCheck(before, p).check(e, out, s)) bad = ImplModel::kRefinement;
        if (bad != nullptr) {
            o.violated = true;
            o.property = bad;
            const std::string path = replay_file(bug.empty() ? "raft" : bug);
            std::ofstream file(path);
            raftcheck::write_impl_behaviour(file, p, bug, true, bad, model, behaviour);
            RC_LOG() << bad << " after " << o.events << " events; replay: raftcheck replay " << path << "\n";
            return o;
        }
        encode(s, p, identity_perm(), a);
        encode(decode(a, p), p, identity_perm(), b);
        RC_ASSERT(a == b);
    }
    if (check_determinism) {
        // The same schedule again, from scratch: the same states, byte for byte.
        ClusterState again = model.initial_states()[0];
        for (std::size_t k = 1; k < behaviour.size(); ++k) {
            apply_event(again, p, step, *behaviour[k].first, undo);
            encode(again, p, identity_perm(), a);
            encode(behaviour[k].second, p, identity_perm(), b);
            RC_ASSERT(a == b);
        }
    }
    return o;
}

rc::detail::TestResult check_schedules(StepFn step, const std::string& bug, int count, std::uint64_t seed, bool shrink = true) {
    rc::detail::TestMetadata metadata;
    metadata.id = metadata.description = "schedules" + (bug.empty() ? std::string() : " with " + bug);
    rc::detail::TestParams params;
    params.maxSuccess = count;
    params.seed = seed;
    params.disableShrinking = !shrink;
    return rc::detail::checkTestable(
        [&] {
            const Outcome o = run_schedule(step, bug, bug.empty());
            if (o.violated) last_failure = o;
            RC_TAG(std::to_string(o.servers) + " servers");
            RC_CLASSIFY(o.elected, "leader elected");
            RC_CLASSIFY(o.committed, "entry committed");
            RC_CLASSIFY(o.crashed, "crash");
            RC_CLASSIFY(o.partitioned, "partition");
            RC_CLASSIFY(o.compacted, "compaction");
            RC_ASSERT(!o.violated);
        },
        metadata, params);
}

TEST(ImplSchedules, InvariantsRefinementDeterminismAndEncodingHoldOnEverySchedule) {
    const auto result = check_schedules(&raft::step, "", schedules(kSanitized ? 200 : 3000), 1);
    std::ostringstream report;
    rc::detail::printResultMessage(result, report);
    ASSERT_TRUE(result.is<rc::detail::SuccessResult>()) << report.str();
    const auto& success = result.get<rc::detail::SuccessResult>();
    std::cout << report.str() << "\n" << events_checked << " events checked in " << success.numSuccess << " schedules\n";
    // The weights do their job: most schedules elect a leader, many commit.
    int elected = 0, committed = 0;
    for (const auto& [tags, count] : success.distribution) {
        for (const std::string& t : tags) {  // RapidCheck keeps tags as shown: quoted
            elected += t.find("leader elected") != std::string::npos ? count : 0;
            committed += t.find("entry committed") != std::string::npos ? count : 0;
        }
    }
    EXPECT_GT(elected, success.numSuccess / 2);
    EXPECT_GT(committed, success.numSuccess / 4);
}

class PlantedBugSchedules : public ::testing::TestWithParam<ImplBug> {};

// Shrinking replays the schedule thousands of times: CI shrinks only where that takes well
// under a second; RAFTCHECK_SHRINK_ALL=1 (bench/impl_schedules.sh) shrinks every one.
bool shrink_in_ci(ImplBug bug) {
    if (std::getenv("RAFTCHECK_SHRINK_ALL") != nullptr) return true;
    return bug == ImplBug::kForgetVoteOnRestart || bug == ImplBug::kTruncateOnStaleAppend ||
           (bug == ImplBug::kVoteWithoutUpToDateCheck && !kSanitized);
}

TEST_P(PlantedBugSchedules, AreCaughtAndShrunk) {
    const ImplBug bug = GetParam();
    last_failure = Outcome{};
    const auto result = check_schedules(buggy_step(bug), bug_name(bug), schedules(2000), 7, shrink_in_ci(bug));
    ASSERT_TRUE(result.is<rc::detail::FailureResult>()) << bug_name(bug) << " was not caught";
    ASSERT_TRUE(last_failure.violated);
    std::cout << bug_name(bug) << ": " << last_failure.property << " after " << last_failure.events << " events ("
              << (shrink_in_ci(bug) ? "shrunk" : "not shrunk") << ", " << result.get<rc::detail::FailureResult>().numSuccess
              << " schedules passed before); replay: raftcheck replay " << replay_file(bug_name(bug)) << "\n";
    EXPECT_TRUE(std::filesystem::exists(replay_file(bug_name(bug))));
}

INSTANTIATE_TEST_SUITE_P(RapidCheck, PlantedBugSchedules,
                         ::testing::Values(ImplBug::kForgetVoteOnRestart, ImplBug::kVoteWithoutUpToDateCheck,
                                           ImplBug::kCommitEarlierTermByCount, ImplBug::kTruncateOnStaleAppend,
                                           ImplBug::kCountStaleVote, ImplBug::kCommitIndexGoesBack, ImplBug::kBackupTrustsHint,
                                           ImplBug::kCompactUncommitted, ImplBug::kInstallSnapshotRollsBackCommit),
                         [](const ::testing::TestParamInfo<ImplBug>& info) { return std::string(bug_name(info.param)); });

}  // namespace
}  // namespace checker::impl
