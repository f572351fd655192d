#!/usr/bin/env bash
# Plants one bug at a time in a scratch copy of raft/ and reports which 6.824 scenarios catch
# it: the measure of what the scenario tests can see.
#   bench/lab_mutants.sh [SEEDS]   (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-100}
./scripts/setup.sh
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tar --exclude='./build*' --exclude='./.git' -cf - . | tar -xf - -C "$scratch"
cmake -S "$scratch" -B "$scratch/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAFTCHECK_WERROR=OFF >/dev/null

# name | file | text to replace | replacement
mutants=(
  "votes without the log up-to-date check|raft/election.cpp|log_is_up_to_date(rv.last_log_term, rv.last_log_index, c.s.log)|true"
  "log not persisted|raft/step.cpp|c.out.persist.log = LogWrite{*c.log_dirty_from, c.s.log.slice_from(*c.log_dirty_from)};|"
  "no fast backup (nextIndex back by one)|raft/replication.cpp|const LogIndex backed_up = backed_up_next_index(c.s.log, r);|const LogIndex backed_up = next.value > 1 ? next.prev() : next;"
  "commits earlier-term entries by counting replicas|raft/replication.cpp|if (c.s.log.at(n).term != c.s.current_term) break;|"
  "votedFor not persisted|raft/step.cpp|HardState{c.s.current_term, c.s.voted_for}|HardState{c.s.current_term, std::nullopt}"
  "follower commitIndex = min(leaderCommit, last log index)|raft/replication.cpp|std::min(ae.leader_commit, last_new)|std::min(ae.leader_commit, c.s.log.last_index())"
)

for m in "${mutants[@]}"; do
  IFS='|' read -r name file from to <<<"$m"
  cp "$scratch/$file" "$scratch/$file.orig"
  python3 - "$scratch/$file" "$from" "$to" <<'PY'
import sys
path, old, new = sys.argv[1:4]
text = open(path).read()
if old not in text:
    sys.exit(f"mutant pattern not found in {path}: {old}")
open(path, "w").write(text.replace(old, new))
PY
  cmake --build "$scratch/build" --target raftcheck -j "$(nproc)" >/dev/null
  # Exit code 1 is the point here (some scenario failed): keep going.
  caught=$({ "$scratch/build/raftcheck" simulate --scenario all --seeds "$seeds" --jobs "$(nproc)" || true; } |
    awk '$1 != "total" && $3 ~ /\// { split($3, p, "/"); if (p[1] != p[2]) printf "%s %d, ", $1, p[2] - p[1] }')
  printf '%-58s %s\n' "$name:" "${caught:-none}"
  mv "$scratch/$file.orig" "$scratch/$file"
  touch "$scratch/$file"  # the restored file must look newer than the mutant's object file
done
