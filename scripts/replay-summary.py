#!/usr/bin/env python3
"""Summarises `twinchain benchmark block` output (on standard input) for one load scenario
(argv[1]): how long its loaded blocks took to execute against the weight they were charged.
Used by scripts/bench.sh; prints a Markdown paragraph."""
import re
import statistics
import sys

LINE = re.compile(r"Block (\d+) with\s+(\d+) tx used\s+([\d.]+)% of its weight \(\s*([\d,]+) of\s+([\d,]+) ns\)")
# Blocks carrying at least this many extrinsics count as loaded (the rest are the inherent-only
# or session-rotation blocks between steps).
LOADED = 50

scenario = sys.argv[1]
blocks = []
for line in sys.stdin:
    m = LINE.search(line)
    if m:
        n, tx, _, took, weight = m.groups()
        took, weight = int(took.replace(",", "")), int(weight.replace(",", ""))
        if int(tx) - 1 >= LOADED and weight > 0:
            blocks.append((int(tx) - 1, took, weight))
if not blocks:
    print(f"\nReplay of the {scenario} blocks: no loaded block to replay.")
    sys.exit(0)
ratios = sorted(100.0 * took / weight for _, took, weight in blocks)
per_xt = sorted(took / tx / 1000.0 for tx, took, _ in blocks)
print(
    f"\nReplay of the {scenario} run's {len(blocks)} loaded blocks (`twinchain benchmark block`, "
    f"re-executed once): executing a block took {ratios[0]:.0f}% / {statistics.median(ratios):.0f}% / "
    f"{ratios[-1]:.0f}% (min / median / max) of the weight it was charged, "
    f"≈ {statistics.median(per_xt):.0f} µs per extrinsic (median)."
)
