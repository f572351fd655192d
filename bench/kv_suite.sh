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
