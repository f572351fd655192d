#pragma once
// Planted bugs in the implementation, kept out of raft/: each is a wrapper around raft::step
// that rewrites the step's input or its result the way a buggy implementation would behave.
// The explorer (`raftcheck explore --model impl --plant-bug NAME`) and the property tests
// must catch every one; the tests pin how.

#include <optional>
#include <string>
#include <vector>

#include "checker/impl_events.hpp"

namespace checker::impl {

enum class ImplBug {
    kForgetVoteOnRestart,       // votedFor is never made durable, so a crash forgets it
    kVoteWithoutUpToDateCheck,  // a vote is granted whatever the candidate's log
    kCommitEarlierTermByCount,  // a leader commits an earlier term's entry by counting replicas
    kTruncateOnStaleAppend,     // a follower drops entries after a stale AppendEntries' last one
    kCountStaleVote,            // a candidate counts a vote granted in an older term
    kCommitPastLastNewEntry,    // commitIndex = min(leaderCommit, last index), not last new entry
    kCommitIndexGoesBack,       // commitIndex = min(leaderCommit, last new entry), even if lower
    kBackupTrustsHint,          // a rejection's XTerm/XIndex/XLen hint is taken as a match
    kCompactUncommitted,        // a compaction takes the whole log, committed or not
    kInstallSnapshotRollsBackCommit,  // a follower takes a snapshot older than its commitIndex
};

inline constexpr ImplBug kAllImplBugs[] = {
    ImplBug::kForgetVoteOnRestart,    ImplBug::kVoteWithoutUpToDateCheck, ImplBug::kCommitEarlierTermByCount,
    ImplBug::kTruncateOnStaleAppend,  ImplBug::kCountStaleVote,           ImplBug::kCommitPastLastNewEntry,
    ImplBug::kCommitIndexGoesBack,    ImplBug::kBackupTrustsHint,         ImplBug::kCompactUncommitted,
    ImplBug::kInstallSnapshotRollsBackCommit,
};

// The bugs that only act on snapshots: nothing to catch without CompactLog events.
inline bool needs_snapshots(ImplBug b) {
    return b == ImplBug::kCompactUncommitted || b == ImplBug::kInstallSnapshotRollsBackCommit;
}

const char* bug_name(ImplBug b);
const char* bug_meaning(ImplBug b);
std::optional<ImplBug> impl_bug_named(const std::string& name);
// The step function with `b` planted.
StepFn buggy_step(ImplBug b);

}  // namespace checker::impl
