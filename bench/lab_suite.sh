#!/usr/bin/env bash
# The whole 6.824 2A-2D suite for many seeds: pass counts per test and wall time.
#   bench/lab_suite.sh [SEEDS]   (default 100; also prints a 20-seed run, the issue's target)
#   LAB=2D bench/lab_suite.sh [SEEDS]   one lab's tests only (one table per test)
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-100}
./scripts/setup.sh
./scripts/build.sh raftcheck >/dev/null
jobs=$(nproc)
if [ -n "${LAB:-}" ]; then
  echo "== lab $LAB: $seeds seeds, $jobs threads =="
  for s in $(./build/raftcheck simulate --list-scenarios | awk -v lab="$LAB" '$3 == lab { print $1 }'); do
    ./build/raftcheck simulate --scenario "$s" --seed 1 --seeds "$seeds" --jobs "$jobs"
  done
  exit 0
fi
echo "== 20 seeds, $jobs threads =="
./build/raftcheck simulate --scenario all --seed 1 --seeds 20 --jobs "$jobs" | tail -n 1 | grep -v '^$' || true
echo
echo "== $seeds seeds, $jobs threads =="
./build/raftcheck simulate --scenario all --seed 1 --seeds "$seeds" --jobs "$jobs"
