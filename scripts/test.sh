#!/usr/bin/env bash
# Builds everything and runs every test: install what is missing, build, ctest.
# RAFTCHECK_SANITIZE=1 runs the same tests built with ASan + UBSan (in build-asan).
# RAFTCHECK_SEEDS sets how many seeds each 6.824 Raft scenario runs (default 20),
# RAFTCHECK_KV_SEEDS each KV scenario (see below).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
if [ "${RAFTCHECK_SANITIZE:-0}" = 1 ]; then build_dir=${BUILD_DIR:-build-asan}; else build_dir=${BUILD_DIR:-build}; fi
# The KV tests' seeds (each of the 23 3A/3B tests runs once per seed, its history checked by
# lincheck): 10 in the release build, the tests' own default of 3 under the sanitizers, where
# the 3B tests with many clients take most of a minute per seed.
if [ "${RAFTCHECK_SANITIZE:-0}" != 1 ]; then export RAFTCHECK_KV_SEEDS=${RAFTCHECK_KV_SEEDS:-10}; fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
