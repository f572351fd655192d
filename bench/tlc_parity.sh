#!/usr/bin/env bash
# raftcheck against TLC on Ongaro's raft.tla: the seven rows of issue 3, each explored with 1
# and 2 threads (best of $RUNS each, default 7, alternating, since this machine's timings are
# noisy). Prints
# distinct states (checked against TLC's), seconds, states per second, speed-up over TLC's
# time, the 2-thread speed-up, and memory.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-7}
only=${ROWS:-}  # e.g. ROWS="E G": only these rows (default: all)
./scripts/setup.sh
./scripts/build.sh raftcheck >/dev/null

# row | flags | TLC distinct | TLC generated | TLC seconds
rows=(
  "A|--servers 2 --max-term 2 --max-log 1 --max-copies 1 --max-msgs 1|1760|13797|3.7"
  "B|--servers 2 --max-term 3 --max-log 1 --max-copies 1 --max-msgs 1|25164|198851|11.1"
  "C|--servers 2 --max-term 2 --max-log 1 --max-copies 2 --max-msgs 2|25164|239037|11.2"
  "D|--servers 3 --max-term 2 --max-log 0 --max-copies 1 --max-msgs 1|705532|8683474|143"
  "E|--servers 3 --max-term 2 --max-log 0 --max-copies 1 --max-msgs 1 --symmetry|118001|1451643|38.7"
  "F|--servers 3 --max-term 2 --max-log 1 --max-copies 1 --max-msgs 1|2379781|28169044|450"
  "G|--servers 3 --max-term 2 --max-log 1 --max-copies 1 --max-msgs 1 --symmetry|397346|4702217|96.9"
)

# A run's JSON, read only after the run has ended: python3 starting alongside the explorer in a
# pipe took a core from two-thread runs (0.1 s of CPU to start here, a whole run of row E).
summary() {
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["distinct_states"], d["states_generated"], d["seconds"], d["visited_set_bytes"], d["peak_frontier_bytes"])' <<<"$1"
}

best_run() {  # prints "distinct generated seconds visited_bytes frontier_bytes" of the fastest run
  local flags=$1 threads=$2 best=""
  for _ in $(seq "$runs"); do
    line=$(summary "$(./build/raftcheck explore --model raft-tla --values 1 $flags --threads "$threads" --progress 0 --json)")
    if [ -z "$best" ] || awk -v a="$(echo "$line" | cut -d" " -f3)" -v b="$(echo "$best" | cut -d" " -f3)" 'BEGIN{exit !(a<b)}'; then best=$line; fi
  done
  echo "$best"
}

one_run() {  # prints "distinct generated seconds visited_bytes frontier_bytes"
  summary "$(./build/raftcheck explore --model raft-tla --values 1 $1 --threads "$2" --progress 0 --json)"
}
faster() { awk -v a="$(echo "$1" | cut -d" " -f3)" -v b="$(echo "$2" | cut -d" " -f3)" 'BEGIN{exit !(a<b)}'; }

printf '%-3s %11s %11s %5s %9s %9s %11s %9s %9s %8s %8s %9s %12s\n' row distinct generated tlc= "1 thr s" "2 thr s" "states/s" "x TLC(1)" "x TLC(2)" "2thr/1" "median" "B/state" "frontier MiB"
for row in "${rows[@]}"; do
  IFS='|' read -r name flags tlc_distinct tlc_generated tlc_seconds <<<"$row"
  if [ -n "$only" ] && [[ " $only " != *" $name "* ]]; then continue; fi
  # 1 and 2 threads alternately, best of each: the machine's speed drifts over minutes, and
  # runs side by side in time see the same machine.
  b1="" b2="" ratios=""
  for _ in $(seq "$runs"); do
    r1=$(one_run "$flags" 1); if [ -z "$b1" ] || faster "$r1" "$b1"; then b1=$r1; fi
    r2=$(one_run "$flags" 2); if [ -z "$b2" ] || faster "$r2" "$b2"; then b2=$r2; fi
    ratios="$ratios $(awk -v a="$(echo "$r1" | cut -d" " -f3)" -v b="$(echo "$r2" | cut -d" " -f3)" 'BEGIN{print a/b}')"
  done
  # The median of the pairs' speed-ups: a pair sees one machine, whatever it does meanwhile.
  median=$(echo $ratios | tr ' ' '\n' | sort -g | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
  read -r d1 g1 s1 vb1 fb1 <<<"$b1"
  read -r d2 g2 s2 vb2 fb2 <<<"$b2"
  same=$([ "$d1" = "$tlc_distinct" ] && [ "$g1" = "$tlc_generated" ] && [ "$d2" = "$d1" ] && [ "$g2" = "$g1" ] && echo yes || echo NO)
  awk -v n="$name" -v d="$d1" -v g="$g1" -v same="$same" -v s1="$s1" -v s2="$s2" -v t="$tlc_seconds" -v vb="$vb2" -v fb="$fb2" -v m="$median" 'BEGIN{
    printf "%-3s %11d %11d %5s %9.3f %9.3f %11.0f %9.0f %9.0f %8.2f %8.2f %9.1f %12.1f\n", n, d, g, same, s1, s2, d/s2, t/s1, t/s2, s1/s2, m, vb/d, fb/1048576 }'
done

# What two threads can gain on this machine at best: row D on one thread alone, then two
# independent copies of it at once. On a virtual machine whose second CPU is shared, the
# pair runs slower than the copy alone, and no parallel explorer can beat that ceiling.
d_flags="--servers 3 --max-term 2 --max-log 0 --max-copies 1 --max-msgs 1"
alone=$(best_run "$d_flags" 1 | cut -d" " -f3)
ceiling=""
for _ in $(seq "$runs"); do
  start=$(date +%s.%N)
  for _ in 1 2; do ./build/raftcheck explore --model raft-tla --values 1 $d_flags --threads 1 --progress 0 >/dev/null & done
  wait
  pair=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{print e-s}')
  c=$(awk -v a="$alone" -v p="$pair" 'BEGIN{printf "%.2f", 2*a/p}')
  if [ -z "$ceiling" ] || awk -v a="$c" -v b="$ceiling" 'BEGIN{exit !(a>b)}'; then ceiling=$c; fi
done
echo
echo "machine ceiling for 2 threads (two independent 1-thread runs of row D at once): ${ceiling}x"
echo
echo "tlc= yes: distinct and generated equal TLC's, and 1 and 2 threads agree. 2thr/1: best against best; median: of each"
echo "alternating pair's speed-up. B/state: visited-set bytes per distinct state."
