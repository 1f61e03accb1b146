#!/usr/bin/env python3
"""Latency percentile curves (PNG) from a bench.sh results directory.

usage: plot.py RESULTS_DIR

Reads RESULTS_DIR/percentiles.tsv (written by bench.sh through `benchlib.py pcts`) and writes one PNG per run
set, table and size into RESULTS_DIR/plots/, for instance plots/main-1_main_1k.png. Each target is one curve:
for every percentile, the median latency over the rounds. The x axis is spread like HdrHistogram's percentile
plots (50 %, 90 %, 99 %, 99.9 % ... equally spaced), the y axis is logarithmic. Prints a markdown list of the
files on stdout.

Needs matplotlib (Debian: apt-get install python3-matplotlib).
"""
import math
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator  # noqa: E402

COLS = ["table", "label", "round", "size", "target", "tool", "ref", "percentile", "latency_ms"]
# x position of a percentile: -log10(1 - p/100), so 90 % -> 1, 99 % -> 2, 99.9 % -> 3; 100 % (max) sits at 6
MAX_X = 6.0
TICKS = [(50, "50%"), (90, "90%"), (99, "99%"), (99.9, "99.9%"), (99.99, "99.99%"),
         (99.999, "99.999%"), (100, "max")]
TOOL_NOTE = {
    "wrk": "wrk, closed loop: service time under saturation (coordinated omission)",
    "wrk-close": "wrk, one request per connection (Connection: close)",
    "h2load": "h2load, per-request log",
}


def xpos(p):
    return MAX_X if p >= 100 else min(MAX_X - 0.5, -math.log10(1 - p / 100.0))


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) != len(COLS):
                continue
            r = dict(zip(COLS, p))
            try:
                r["percentile"] = float(r["percentile"])
                r["latency_ms"] = float(r["latency_ms"])
            except ValueError:
                continue
            rows.append(r)
    return rows


def safe(name):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    res = argv[1]
    rows = load(os.path.join(res, "percentiles.tsv"))
    out_dir = os.path.join(res, "plots")
    os.makedirs(out_dir, exist_ok=True)
    groups = {}
    for r in rows:
        groups.setdefault((r["label"], r["table"], r["size"]), []).append(r)
    written = []
    for (label, table, size), rs in groups.items():
        by_target = {}
        tools = set()
        for r in rs:
            by_target.setdefault(r["target"], {}).setdefault(r["percentile"], []).append(r["latency_ms"])
            tools.add(r["tool"])
        fig, ax = plt.subplots(figsize=(9, 5.5))
        for target, per_p in by_target.items():
            ps = sorted(per_p)
            ys = [statistics.median(per_p[p]) for p in ps]
            ax.plot([xpos(p) for p in ps], [max(y, 0.001) for y in ys], marker="o", markersize=3,
                    linewidth=1.6, label=target)
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(FixedLocator([xpos(p) for p, _ in TICKS]))
        labels = {round(xpos(p), 6): t for p, t in TICKS}
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: labels.get(round(x, 6), "")))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xlim(0, MAX_X + 0.1)
        ax.set_xlabel("percentile")
        ax.set_ylabel("latency (ms, log scale)")
        ax.grid(True, which="both", alpha=0.3)
        notes = "; ".join(TOOL_NOTE.get(t, t) for t in sorted(tools))
        ax.set_title(f"{label}: {table} / {size} - latency percentiles, median over rounds\n{notes}", fontsize=10)
        ax.legend(fontsize=8, loc="upper left")
        fig.tight_layout()
        name = f"{safe(label)}_{safe(table)}_{safe(size)}.png"
        fig.savefig(os.path.join(out_dir, name), dpi=110)
        plt.close(fig)
        written.append(name)
    for name in sorted(written):
        print(f"- [plots/{name}](plots/{name})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
