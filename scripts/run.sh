#!/usr/bin/env bash
# The main job: install what is missing, build, and run raftcheck on its default cluster.
# Until the model checker lands, that is a simulated 5-server cluster under every fault
# (partitions, a lossy reordering network, crashes) that reports what happened and checks
# safety and liveness. Arguments replace the default `simulate` command line.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh raftcheck >/dev/null
if [ $# -eq 0 ]; then
  set -- simulate --servers 5 --seed 1 --unreliable --crashes --duration 60
fi
exec ./build/raftcheck "$@"
