#!/usr/bin/env bash
# Trace validation speed (issue 5's figure): records a 5-node simulated run under every fault
# (lossy network, crashes), cuts it to $EVENTS events (default 1,000,000), and validates it
# twice: with full observed state on every event, and reduced to messages plus terms and
# roles. Prints events per second and peak memory for each.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${EVENTS:-1000000}
./scripts/setup.sh
./scripts/build.sh raftcheck >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# About 250 events per virtual second for 5 nodes; record a little more than needed.
duration=$(( events / 200 + 10 ))
./build/raftcheck simulate --servers 5 --seed 7 --unreliable --crashes --duration "$duration" --trace "$dir/run.ndjson" >/dev/null
head -n "$events" "$dir/run.ndjson" >"$dir/full.ndjson"
python3 - "$dir/full.ndjson" "$dir/partial.ndjson" <<'PY'
import json, sys
with open(sys.argv[1]) as src, open(sys.argv[2], "w") as dst:
    for line in src:
        e = json.loads(line)
        if e["action"] != "Init" and "state" in e:
            e["state"] = {k: v for k, v in e["state"].items() if k in ("term", "role")}
        dst.write(json.dumps(e, separators=(",", ":")) + "\n")
PY
cat >"$dir/report.py" <<'PY'
import json, sys
d = json.load(sys.stdin)
kind, size = sys.argv[1], int(sys.argv[2])
print("%-8s ok=%s events=%s seconds=%.3f events/s=%s MB/s=%.0f peak memory=%.1f MiB hidden steps=%d" % (
    kind, d["ok"], format(d["events"], ","), d["seconds"], format(round(d["events_per_second"]), ","),
    size / 1e6 / d["seconds"], d["peak_memory_bytes"] / 2**20, d["hidden_steps"]))
# The two threads overlap: the slower one's CPU time bounds the rate when each has a core.
print("         CPU time: reading thread %.3f s, validating thread %.3f s" % (
    d["reader_cpu_seconds"], d["validator_cpu_seconds"]))
PY
for kind in full partial; do
  # The JSON is read after the run has ended: python3 starting alongside it in a pipe takes a core.
  json=$(./build/raftcheck validate "$dir/$kind.ndjson" --progress 0 --json)
  python3 "$dir/report.py" "$kind" "$(stat -c %s "$dir/$kind.ndjson")" <<<"$json"
done
