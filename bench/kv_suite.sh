#!/usr/bin/env bash
# The 6.824 lab 3A and 3B suites (the key/value service, without and with snapshots) for many
# seeds: pass counts per test and wall time; GenericTestSpeed's virtual time per operation;
# then each planted service bug over the same seeds, with the number of seeds each test
# catches it in.
#   bench/kv_suite.sh [SEEDS]   (default 100; BUILD_DIR picks the build directory, default build;
#                                LAB=3A or LAB=3B runs one lab's tests only, default both)
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-100}
build=${BUILD_DIR:-build}
lab=${LAB:-all}
./scripts/setup.sh
BUILD_DIR=$build ./scripts/build.sh raftcheck >/dev/null
bin=./$build/raftcheck
jobs=$(nproc)

echo "== suite ($lab): $seeds seeds, $jobs threads =="
$bin kv-sim --scenario "$lab" --seed 1 --seeds "$seeds" --jobs "$jobs"

speeds=()
[ "$lab" = 3B ] || speeds+=(Speed)
[ "$lab" = 3A ] || speeds+=(Speed3B)
for speed in "${speeds[@]}"; do
  echo
  echo "== $speed: 1,000 appends by one clerk (bound: 33.3 ms/op), seeds 1-5 =="
  for seed in 1 2 3 4 5; do
    $bin kv-sim --scenario "$speed" --seed "$seed" -v 2>&1 | grep 'appends in' || true
  done
done

# A planted bug's table: "passed" counts the seeds the bug survived; the rest caught it.
for bug in NoDedup LocalReadByLeader; do
  echo
  echo "== planted $bug ($lab): $seeds seeds, $jobs threads (passed = seeds it went unnoticed) =="
  { $bin kv-sim --scenario "$lab" --seed 1 --seeds "$seeds" --jobs "$jobs" --plant-bug "$bug" || true; } | awk '/^FAIL/ { exit } { print }'
done

# The random-key tests check no Get themselves (the originals leave that to porcupine): count
# the stale reads their histories hold, with the bug and without.
linearizable=()
[ "$lab" = 3B ] || linearizable+=(PersistPartitionUnreliableLinearizable)
[ "$lab" = 3A ] || linearizable+=(SnapshotUnreliableRecoverConcurrentPartitionLinearizable)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for scenario in "${linearizable[@]}"; do
  echo
  echo "== stale reads in $scenario histories, seeds 1-10 =="
  for bug in LocalReadByLeader none; do
    for seed in $(seq 1 10); do
      plant=(); [ "$bug" = none ] || plant=(--plant-bug "$bug")
      $bin kv-sim --scenario "$scenario" --seed "$seed" "${plant[@]}" \
        --history "$scratch/$scenario-$bug-$seed.json" >/dev/null || true
    done
    echo "-- $bug"
    python3 bench/kv_stale_reads.py "$scratch/$scenario-$bug"-*.json | sed "s|$scratch/||"
  done
done
