#!/usr/bin/env bash
# The main job: install what is missing, build, and run the model checker on its default
# cluster: 3 servers running the real raft::step, every interleaving of message delivery,
# loss and duplication, timeouts, a client proposal, a crash and a log compaction (snapshot),
# with terms up to 2, logs up to 1 entry and 3 messages in flight; every state checked against
# the invariants and every step against the spec. Arguments replace the default command line, e.g.
#   ./scripts/run.sh explore --model raft-tla --servers 3 --max-term 2 --max-log 1   (raft.tla, as TLC)
#   ./scripts/run.sh simulate --servers 5 --seed 1 --unreliable --crashes
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh raftcheck >/dev/null
if [ $# -eq 0 ]; then
  set -- explore --model impl --servers 3 --max-term 2 --max-log 1 --max-msgs 3 --max-crashes 1 --max-proposals 1 --max-snapshots 1 --symmetry
fi
exec ./build/raftcheck "$@"
