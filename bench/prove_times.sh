#!/usr/bin/env bash
# raftcheck prove's solver times. First the encodings compared (Int, bit-vector and
# enumeration scalars; one solver per action with push/pop per conjunct, one query per
# action, or a fresh solver per check) on 3 servers with T = L = 3, and the three scalar
# encodings (incremental) on 5 servers with T = L = 3, there also checking every action
# instance instead of those of s1 and s2 (enough by symmetry); then the issue's targets
# with the chosen encoding: 3 servers T = L = 3, 5 servers T = L = 4, 5 servers T = L = 5.
# Each line gives the verdict, the solver time raftcheck reports, the process's user CPU and
# wall time and its peak memory (GNU time). The machine is shared, so wall time can exceed
# CPU time; CPU time is the steadier figure.
#
#   BUILD_DIR=build-x bench/prove_times.sh [compare|targets|all]   (default: all)
#   ENCODING=bv MODE=incremental   the encoding of the targets (default: the fastest measured)
#   SKIP_SLOW=1                    leave out 5 servers with T = L = 5 (several minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
build_dir=${BUILD_DIR:-build}
encoding=${ENCODING:-bv}
mode=${MODE:-incremental}
./scripts/setup.sh
BUILD_DIR="$build_dir" ./scripts/build.sh raftcheck >/dev/null
bin="$build_dir/raftcheck"
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time, package 'time')" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# servers T L encoding mode [extra flag] -> one table row
row() {
  local n=$1 t=$2 l=$3 enc=$4 m=$5 extra=${6:-}
  /usr/bin/time -f "%U %e %M" -o "$tmp/time" "$bin" prove --servers "$n" --max-term "$t" --max-log "$l" --encoding "$enc" \
    --mode "$m" --cti "$tmp/cti.json" $extra >"$tmp/out" || true
  local verdict solver user wall rss
  verdict=$(grep -q '^PROVED' "$tmp/out" && echo proved || echo "NOT PROVED")
  solver=$(sed -n 's/^total solver time \([0-9.]*\) s.*/\1/p' "$tmp/out")
  read -r user wall rss <"$tmp/time"
  printf '| %s | %s | %s | %s | %s%s | %s | %s s | %s s | %s s | %d MiB |\n' "$n" "$t" "$l" "$enc" "$m" "${extra:+ $extra}" "$verdict" "$solver" "$user" \
    "$wall" $((rss / 1024))
  cp "$tmp/out" "$tmp/last"
}

header() {
  echo "| servers | T | L | scalars | solving | verdict | solver time | user CPU | wall | peak memory |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
}

if [ "$what" = compare ] || [ "$what" = all ]; then
  echo "## Encodings"
  header
  for enc in int bv enum; do
    for m in incremental combined fresh; do row 3 3 3 "$enc" "$m"; done
  done
  for enc in int bv enum; do row 5 3 3 "$enc" incremental; done
  row 5 3 3 bv incremental --all-instances
  echo
fi
if [ "$what" = targets ] || [ "$what" = all ]; then
  echo "## Targets ($encoding scalars, $mode solving)"
  header
  targets=("3 3 3" "5 4 4")
  [ "${SKIP_SLOW:-0}" = 1 ] || targets+=("5 5 5")
  for target in "${targets[@]}"; do
    read -r n t l <<<"$target"
    row "$n" "$t" "$l" "$encoding" "$mode"
    echo "per action, $n servers T=$t L=$l:" >>"$tmp/per_action"
    grep -E '^  (Init|Inv)' "$tmp/last" >>"$tmp/per_action" || true
  done
  echo
  cat "$tmp/per_action"
fi
