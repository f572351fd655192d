#!/usr/bin/env bash
# Linearizability checking speed (issue 6's figure): $HISTORIES (default 1,000) histories of
# $OPS (default 10,000) operations each, from $CLIENTS (default 15) concurrent clients of the
# simulated KV store under faults (1% lost requests, 1% lost replies, 3% retried requests),
# each checked by lincheck with a 10 s budget. Prints, per number of keys in $KEYS (default
# "10 3 1"), histories per second, mean and max milliseconds per history, and how many were
# decided. Fewer keys means more concurrent calls on each key: 1 key is the hardest case.
set -euo pipefail
cd "$(dirname "$0")/.."
histories=${HISTORIES:-1000}
ops=${OPS:-10000}
clients=${CLIENTS:-15}
keys_list=${KEYS:-10 3 1}
build_dir=${BUILD_DIR:-build}
./scripts/setup.sh
./scripts/build.sh lincheck_bench >/dev/null
status=0
for keys in $keys_list; do
  # Exit 1 from the bench: some history was not decided, or not found linearizable.
  "$build_dir/lincheck_bench" --histories "$histories" --ops "$ops" --clients "$clients" --keys "$keys" --timeout 10 || status=1
  echo
done
exit $status
