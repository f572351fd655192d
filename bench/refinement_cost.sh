#!/usr/bin/env bash
# What checking refinement to raft-abstract costs (explore --refines-abstract, issue 7 §2):
# the tlc_parity rows of raft-tla, and the raft model at its default bounds, each explored
# without and with the check, on the same number of threads, alternating (best of $RUNS,
# default 3, since this machine's timings are noisy). With the check the explorer also
# carries the mapping's history (the committed entries), so it may count more states; the
# columns say how many.
#
#   RUNS=3 THREADS=1 ROWS="A B C D E F G raft" bench/refinement_cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
threads=${THREADS:-1}
want=${ROWS:-"A B C D E F G raft"}
./scripts/setup.sh
RAFTCHECK_BUILD_JOBS=${RAFTCHECK_BUILD_JOBS:-1} ./scripts/build.sh raftcheck >/dev/null

# row | model and flags
rows=(
  "A|--model raft-tla --servers 2 --max-term 2 --max-log 1 --max-copies 1 --max-msgs 1"
  "B|--model raft-tla --servers 2 --max-term 3 --max-log 1 --max-copies 1 --max-msgs 1"
  "C|--model raft-tla --servers 2 --max-term 2 --max-log 1 --max-copies 2 --max-msgs 2"
  "D|--model raft-tla --servers 3 --max-term 2 --max-log 0 --max-copies 1 --max-msgs 1"
  "E|--model raft-tla --servers 3 --max-term 2 --max-log 0 --max-copies 1 --max-msgs 1 --symmetry"
  "F|--model raft-tla --servers 3 --max-term 2 --max-log 1 --max-copies 1 --max-msgs 1"
  "G|--model raft-tla --servers 3 --max-term 2 --max-log 1 --max-copies 1 --max-msgs 1 --symmetry"
  "raft|--model raft --servers 3 --max-term 2 --max-log 1 --max-copies 1 --max-msgs 1"
)

one_run() {  # prints "distinct seconds verdict"
  local json  # read after the run has ended: python3 starting alongside it in a pipe takes a core
  json=$(./build/raftcheck explore --values 1 $1 --threads "$threads" --progress 0 --json || true)
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["distinct_states"], d["seconds"], "ok" if d["violation"] is None else d["violation"]["invariant"])' <<<"$json" || true
}
faster() { awk -v a="$(echo "$1" | cut -d" " -f2)" -v b="$(echo "$2" | cut -d" " -f2)" 'BEGIN{exit !(a<b)}'; }

echo "threads: $threads, best of $runs"
printf '%-5s %11s %11s %9s %9s %7s %s\n' row distinct "with hist" "off s" "on s" "on/off" verdict
for row in "${rows[@]}"; do
  IFS='|' read -r name flags <<<"$row"
  case " $want " in *" $name "*) ;; *) continue ;; esac
  off="" on=""
  for _ in $(seq "$runs"); do
    r=$(one_run "$flags"); if [ -z "$off" ] || faster "$r" "$off"; then off=$r; fi
    r=$(one_run "$flags --refines-abstract"); if [ -z "$on" ] || faster "$r" "$on"; then on=$r; fi
  done
  read -r d0 s0 _ <<<"$off"
  read -r d1 s1 v1 <<<"$on"
  awk -v n="$name" -v d0="$d0" -v d1="$d1" -v s0="$s0" -v s1="$s1" -v v="$v1" 'BEGIN{
    printf "%-5s %11d %11d %9.3f %9.3f %7.2f %s\n", n, d0, d1, s0, s1, s1/s0, v }'
done
