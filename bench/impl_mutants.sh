#!/usr/bin/env bash
# The planted bugs of the implementation (checker/impl_mutants.*) against the explorer: the
# property that catches each, the length of the shortest counterexample (states, Init
# included) and the time, with the refinement check on and with invariants only (bounds per
# bug: the smallest found that show it). The RapidCheck side is bench/impl_schedules.sh.
# BUILD_DIR selects the build (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
BUILD_DIR=$build_dir ./scripts/build.sh raftcheck >/dev/null

# bug | bounds with refinement | bounds, invariants only ("-": none found within a few minutes)
rows=(
  "ForgetVoteOnRestart|--max-term 2 --max-log 1 --max-msgs 2 --max-crashes 1 --max-proposals 1|--max-term 2 --max-log 1 --max-msgs 2 --max-crashes 1 --max-proposals 1"
  "VoteWithoutUpToDateCheck|--max-term 2 --max-log 1 --max-msgs 2 --max-crashes 1 --max-proposals 1|--max-term 2 --max-log 1 --max-msgs 2 --max-crashes 1 --max-proposals 1"
  "CommitIndexGoesBack|--max-term 2 --max-log 1 --max-msgs 2 --max-crashes 1 --max-proposals 1|--max-term 2 --max-log 1 --max-msgs 2 --max-crashes 1 --max-proposals 1"
  "CountStaleVote|--max-term 2 --max-log 1 --max-msgs 3 --max-crashes 0 --max-proposals 1|${COUNT_STALE_VOTE_INV:--}"
  "TruncateOnStaleAppend|--max-term 2 --max-log 1 --max-msgs 3 --max-crashes 0 --max-proposals 1|${TRUNCATE_INV:--}"
  "CommitEarlierTermByCount|--max-term 2 --max-log 1 --max-msgs 3 --max-crashes 0 --max-proposals 1|${FIGURE8_INV:--}"
  "BackupTrustsHint|--max-term 3 --max-log 2 --max-msgs 2 --max-crashes 0 --max-proposals 2|${BACKUP_INV:--}"
  "CompactUncommitted|--max-term 2 --max-log 2 --max-msgs 2 --max-crashes 0 --max-proposals 2 --max-snapshots 1|--max-term 2 --max-log 2 --max-msgs 2 --max-crashes 0 --max-proposals 2 --max-snapshots 1"
  "InstallSnapshotRollsBackCommit|--max-term 2 --max-log 2 --max-msgs 2 --max-crashes 0 --max-proposals 2 --max-snapshots 1|--max-term 2 --max-log 2 --max-msgs 2 --max-crashes 0 --max-proposals 2 --max-snapshots 1"
)

explore() {  # bug flags extra -> "property length seconds" or "none - seconds"
  "$build_dir"/raftcheck explore --model impl --servers 3 $2 $3 --symmetry --plant-bug "$1" --threads 1 --progress 0 --json |
    python3 -c 'import json,sys; d=json.load(sys.stdin); v=d["violation"]; print(v["invariant"] if v else "none", v["length"] if v else "-", "%.2f" % d["seconds"])'
}

printf '%-30s | %-18s %6s %8s | %-18s %6s %8s\n' bug "with refinement" length seconds "invariants only" length seconds
for row in "${rows[@]}"; do
  IFS='|' read -r bug with inv <<<"$row"
  read -r p1 l1 s1 <<<"$(explore "$bug" "$with" "")"
  if [ "$inv" = "-" ]; then p2="not tried"; l2="-"; s2="-"; else read -r p2 l2 s2 <<<"$(explore "$bug" "$inv" --no-refinement)"; fi
  printf '%-30s | %-18s %6s %8s | %-18s %6s %8s\n' "$bug" "$p1" "$l1" "$s1" "$p2" "$l2" "$s2"
done
