#!/usr/bin/env bash
# The implementation cluster model (`explore --model impl`): generated states per second on
# 1 and 2 threads and bytes per visited state, without the refinement check (the model
# itself: real raft::step nodes, network, history, encoding, invariants) and with it (every
# transition also mapped to spec actions and replayed on the unbounded spec). Best of $RUNS
# (default 3): this machine's timings are noisy. BUILD_DIR selects the build (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
build_dir=${BUILD_DIR:-build}
BUILD_DIR=$build_dir ./scripts/build.sh raftcheck >/dev/null

# name | flags
rows=(
  "model only|--servers 3 --max-term 3 --max-log 1 --max-msgs 2 --max-crashes 1 --max-proposals 1 --no-refinement"
  "model, symmetry|--servers 3 --max-term 3 --max-log 1 --max-msgs 2 --max-crashes 1 --max-proposals 1 --no-refinement --symmetry"
  "with refinement|--servers 3 --max-term 2 --max-log 1 --max-msgs 2 --max-crashes 1 --max-proposals 1"
)

best_run() {  # prints "distinct generated seconds visited_bytes" of the fastest run
  local flags=$1 threads=$2 best=""
  for _ in $(seq "$runs"); do
    # The JSON is read after the run has ended: python3 starting alongside it in a pipe takes a core.
    json=$("$build_dir"/raftcheck explore --model impl $flags --threads "$threads" --progress 0 --json)
    line=$(python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["violation"] is None; print(d["distinct_states"], d["states_generated"], d["seconds"], d["visited_set_bytes"])' <<<"$json")
    if [ -z "$best" ] || awk -v a="$(echo "$line" | cut -d" " -f3)" -v b="$(echo "$best" | cut -d" " -f3)" 'BEGIN{exit !(a<b)}'; then best=$line; fi
  done
  echo "$best"
}

printf '%-17s %10s %11s %8s %8s %13s %13s %7s %8s\n' run distinct generated "1 thr s" "2 thr s" "gen/s 1 thr" "gen/s 2 thr" "2thr/1" "B/state"
for row in "${rows[@]}"; do
  IFS='|' read -r name flags <<<"$row"
  read -r d1 g1 s1 vb1 <<<"$(best_run "$flags" 1)"
  read -r d2 g2 s2 vb2 <<<"$(best_run "$flags" 2)"
  [ "$d1" = "$d2" ] && [ "$g1" = "$g2" ] || { echo "1 and 2 threads disagree on $name" >&2; exit 1; }
  awk -v n="$name" -v d="$d1" -v g="$g1" -v s1="$s1" -v s2="$s2" -v vb="$vb2" 'BEGIN{
    printf "%-17s %10d %11d %8.2f %8.2f %13.0f %13.0f %7.2f %8.1f\n", n, d, g, s1, s2, g/s1, g/s2, s1/s2, vb/d }'
done
