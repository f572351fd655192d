#!/usr/bin/env bash
# Configures and builds raftcheck with CMake into $BUILD_DIR (default: build).
# RAFTCHECK_SANITIZE=1 builds with AddressSanitizer + UndefinedBehaviorSanitizer instead
# (default directory: build-asan). Extra arguments name the targets to build.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=${RAFTCHECK_SANITIZE:-0}
if [ "$sanitize" = 1 ]; then
  build_dir=${BUILD_DIR:-build-asan}
  build_type=Debug
else
  build_dir=${BUILD_DIR:-build}
  build_type=RelWithDebInfo
fi
jobs=${RAFTCHECK_BUILD_JOBS:-$(nproc)}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" -DRAFTCHECK_SANITIZE="$([ "$sanitize" = 1 ] && echo ON || echo OFF)" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j "$jobs" "${targets[@]}"
