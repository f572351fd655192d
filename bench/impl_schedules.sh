#!/usr/bin/env bash
# RapidCheck over cluster schedules, longer than CI: $SCHEDULES (default 20000) random
# schedules of up to 150 events over 3-5 raft::step nodes against every invariant, the
# refinement check, determinism and the encoding; then every planted bug hunted with the
# same generator and shrunk to a minimal schedule (CI shrinks only the quick ones).
# BUILD_DIR selects the build (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
BUILD_DIR=$build_dir ./scripts/build.sh impl_schedule_tests >/dev/null
start=$(date +%s.%N)
RAFTCHECK_SCHEDULES=${SCHEDULES:-20000} "$build_dir"/tests/impl_schedule_tests --gtest_filter='ImplSchedules.*' |
  grep -E 'events checked|OK|FAILED|^ *[0-9.]+% '
awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "clean schedules: %.1f s wall\n", e-s}'
RAFTCHECK_SHRINK_ALL=1 "$build_dir"/tests/impl_schedule_tests --gtest_filter='RapidCheck/*' | grep -E 'events \(|OK \]|FAILED'
