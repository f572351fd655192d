#!/usr/bin/env bash
# The whole 6.824 2A-2C suite for many seeds: pass counts per test and wall time.
#   bench/lab_suite.sh [SEEDS]   (default 100; also prints a 20-seed run, the issue's target)
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-100}
./scripts/setup.sh
./scripts/build.sh raftcheck >/dev/null
jobs=$(nproc)
echo "== 20 seeds, $jobs threads =="
./build/raftcheck simulate --scenario all --seed 1 --seeds 20 --jobs "$jobs" | tail -n 1 | grep -v '^$' || true
echo
echo "== $seeds seeds, $jobs threads =="
./build/raftcheck simulate --scenario all --seed 1 --seeds "$seeds" --jobs "$jobs"
