#!/usr/bin/env python3
"""Joins JSON timing lines (from any of the bench programs) into one
Markdown table per operation with ratios against the hand-written baseline.

Usage: compare.py BASELINE_IMPL < lines.jsonl"""
import json
import sys

baseline = sys.argv[1] if len(sys.argv) > 1 else "Python cryptography (hand-written)"
rows, order = {}, []
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    if r["op"] not in rows:
        rows[r["op"]] = {}
        order.append(r["op"])
    rows[r["op"]][r["impl"]] = r["us"]

impls = []
for op in order:
    for i in rows[op]:
        if i not in impls:
            impls.append(i)


def fmt(us):
    return f"{us / 1000:.2f} ms" if us >= 1000 else (f"{us:.1f} µs" if us >= 10 else f"{us:.2f} µs")


print("| operation | " + " | ".join(impls) + " |")
print("|---|" + "---|" * len(impls))
for op in order:
    base = rows[op].get(baseline)
    cells = []
    for i in impls:
        us = rows[op].get(i)
        if us is None:
            cells.append("")
        elif base and i != baseline:
            cells.append(f"{fmt(us)} ({us / base:.2f}×)")
        else:
            cells.append(fmt(us))
    print(f"| {op} | " + " | ".join(cells) + " |")
print(f"\nRatios are time against `{baseline}` measured in the same run (below 1.00× is faster).")
