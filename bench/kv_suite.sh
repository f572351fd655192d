#!/usr/bin/env bash
# The 6.824 lab 3A suite (the key/value service) for many seeds: pass counts per test and
# wall time; GenericTestSpeed's virtual time per operation; then each planted service bug
# over the same seeds, with the number of seeds each test catches it in.
#   bench/kv_suite.sh [SEEDS]   (default 100; BUILD_DIR picks the build directory, default build)
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-100}
build=${BUILD_DIR:-build}
./scripts/setup.sh
BUILD_DIR=$build ./scripts/build.sh raftcheck >/dev/null
bin=./$build/raftcheck
jobs=$(nproc)

echo "== 3A suite: $seeds seeds, $jobs threads =="
$bin kv-sim --scenario all --seed 1 --seeds "$seeds" --jobs "$jobs"

echo
echo "== Speed: 1,000 appends by one clerk (bound: 33.3 ms/op), seeds 1-5 =="
for seed in 1 2 3 4 5; do
  $bin kv-sim --scenario Speed --seed "$seed" -v 2>&1 | grep 'appends in' || true
done

# A planted bug's table: "passed" counts the seeds the bug survived; the rest caught it.
for bug in NoDedup LocalReadByLeader; do
  echo
  echo "== planted $bug: $seeds seeds, $jobs threads (passed = seeds it went unnoticed) =="
  { $bin kv-sim --scenario all --seed 1 --seeds "$seeds" --jobs "$jobs" --plant-bug "$bug" || true; } | awk '/^FAIL/ { exit } { print }'
done

# The random-key test checks no Get itself (the original leaves that to porcupine): count the
# stale reads its histories hold, with the bug and without.
echo
echo "== stale reads in PersistPartitionUnreliableLinearizable histories, seeds 1-10 =="
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for bug in LocalReadByLeader none; do
  for seed in $(seq 1 10); do
    plant=(); [ "$bug" = none ] || plant=(--plant-bug "$bug")
    $bin kv-sim --scenario PersistPartitionUnreliableLinearizable --seed "$seed" "${plant[@]}" \
      --history "$scratch/$bug-$seed.json" >/dev/null || true
  done
  echo "-- $bug"
  python3 bench/kv_stale_reads.py "$scratch/$bug"-*.json | sed "s|$scratch/||"
done
