#!/usr/bin/env python3
"""Counts provably stale reads in raftcheck-history files (the format of `kv-sim --history`).

A Get of key k is stale when it misses the value of a write W to k (values are unique tokens
in the kv-sim workloads) although W returned before the Get was called, and no Put to k
other than W could be ordered between them. Appends never remove a token, so no
linearization explains such a Get. Conservative: it finds only this kind of violation; the
linearizability checker finds them all. Prints one line per file: stale gets / returned gets.
"""
import json
import sys

NEVER = float("inf")


def stale_gets(path):
    with open(path) as f:
        ops = json.load(f)["operations"]
    by_key = {}
    for o in ops:
        ret = NEVER if o["return"] is None else o["return"]
        by_key.setdefault(o["key"], []).append((o["kind"], o.get("value", ""), o.get("output", ""), o["call"], ret))
    stale = gets = 0
    for entries in by_key.values():
        puts = [e for e in entries if e[0] == "put"]
        for kind, _, output, call, ret in entries:
            if kind != "get" or ret == NEVER:
                continue
            gets += 1
            for w in entries:
                if w[0] == "get" or w[4] >= call:
                    continue
                between = any(p is not w and p[3] < ret and p[4] > w[3] for p in puts)
                if not between and w[1] not in output:
                    stale += 1
                    break
    return stale, gets


for path in sys.argv[1:]:
    s, g = stale_gets(path)
    print(f"{path}: {s} stale gets of {g}")
