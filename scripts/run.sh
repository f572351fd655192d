#!/usr/bin/env bash
# The main job: install what is missing, build, and run the model checker on its default
# cluster: every reachable state of Ongaro's raft.tla with 3 servers, terms up to 2, logs up
# to 1 entry and one message in flight (2,379,781 states, as TLC counts them), every
# invariant checked. Arguments replace the default command line, e.g.
#   ./scripts/run.sh simulate --servers 5 --seed 1 --unreliable --crashes
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh raftcheck >/dev/null
if [ $# -eq 0 ]; then
  set -- explore --model raft-tla --servers 3 --values 1 --max-term 2 --max-log 1 --max-copies 1 --max-msgs 1
fi
exec ./build/raftcheck "$@"
