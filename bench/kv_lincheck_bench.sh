#!/usr/bin/env bash
# Issue 6's linearizability figure on the real service: $HISTORIES (default 1,000) histories of
# $OPS (default 10,000) operations, each from a run of the simulated KV service with $SERVERS
# (default 7) raft servers and $CLIENTS (default 15) clerks under an unreliable network,
# crashes and partitions, each checked by lincheck with a 10 s budget. Prints histories per
# second of checking and mean / max milliseconds per history; exit 1 unless every history is
# decided and linearizable. $JOBS threads (default: the cores) run histories side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
./scripts/setup.sh
BUILD_DIR=$build_dir ./scripts/build.sh kv_lincheck_bench >/dev/null
exec "$build_dir/kv_lincheck_bench" --histories "${HISTORIES:-1000}" --ops "${OPS:-10000}" \
  --servers "${SERVERS:-7}" --clients "${CLIENTS:-15}" --jobs "${JOBS:-$(nproc)}" --timeout 10
