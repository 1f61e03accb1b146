#!/usr/bin/env python3
"""Prints a Markdown table of medians from a JMH JSON result file (java -jar edgespot-jmh.jar -rf json -rff FILE).

For each benchmark (and its parameters) the median is taken over every measurement iteration of every fork, and
the min-max of those iterations is printed beside it. For AeadBench, the throughput that the median implies is
added in MiB/s. Usage: jmh-medians.py results.json
"""
import json
import statistics
import sys


def main(path):
    with open(path, encoding="utf-8") as f:
        runs = json.load(f)
    print("| benchmark | params | median | min–max | unit | MiB/s |")
    print("|---|---|---:|---:|---|---:|")
    for run in runs:
        name = run["benchmark"].rsplit(".", 2)
        bench = name[-2] + "." + name[-1]
        params = run.get("params", {})
        values = [v for fork in run["primaryMetric"]["rawData"] for v in fork]
        median = statistics.median(values)
        unit = run["primaryMetric"]["scoreUnit"]
        mib = ""
        if "size" in params and unit == "ns/op" and median > 0:
            mib = f"{int(params['size']) / median * 1e9 / (1 << 20):,.0f}"
        shown = " ".join(f"{k}={v}" for k, v in params.items())
        print(f"| {bench} | {shown} | {median:,.0f} | {min(values):,.0f}–{max(values):,.0f} | {unit} | {mib} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: jmh-medians.py results.json")
    main(sys.argv[1])
