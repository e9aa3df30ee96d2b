#!/usr/bin/env python3
"""Turns bench/run.sh's results.tsv (one line per run) into the Markdown table of BENCHMARKS.md:
medians per tool and size, records/s, ratios to the raw loop and to PullPush, and the project's
targets checked against the medians.

    python3 bench/report.py target/bench/results.tsv
"""

import csv
import statistics
import sys
from collections import defaultdict

ORDER = ["raw", "pullpush", "airbyte", "dlt", "dlt_extract"]
NAMES = {
    "raw": "raw reqwest + serde_json loop",
    "pullpush": "`pullpush read` (map + validate + events)",
    "airbyte": "Airbyte declarative CDK",
    "dlt": "dlt `rest_api`, resource iterated",
    "dlt_extract": "dlt `rest_api`, `pipeline.extract()`",
}


def main() -> None:
    runs = defaultdict(list)
    with open(sys.argv[1], newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file, delimiter="\t"):
            runs[(row["tool"], int(row["records"]))].append(row)
    median = {}
    for key, rows in runs.items():
        median[key] = {
            "wall": statistics.median(float(r["wall_s"]) for r in rows),
            "rss": statistics.median(int(r["peak_rss_kb"]) for r in rows) / 1024,
            "cpu": statistics.median(float(r["user_s"]) + float(r["sys_s"]) for r in rows),
            "reps": len(rows),
        }
    sizes = sorted({size for _, size in median})
    tools = [tool for tool in ORDER if any((tool, size) in median for size in sizes)]

    print("| tool | records | wall time (median) | records/s | CPU time | peak RSS | × raw loop wall | PullPush faster by |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        raw = median.get(("raw", size))
        pullpush = median.get(("pullpush", size))
        for tool in tools:
            m = median.get((tool, size))
            if m is None:
                continue
            vs_raw = f"{m['wall'] / raw['wall']:.2f}×" if raw else "–"
            if pullpush is None or tool == "pullpush":
                vs_pullpush = "–"
            else:
                vs_pullpush = f"{m['wall'] / pullpush['wall']:.2f}×"
            print(
                f"| {NAMES[tool]} | {size:,} | {m['wall']:.3f} s | {size / m['wall']:,.0f} "
                f"| {m['cpu']:.2f} s | {m['rss']:.1f} MB | {vs_raw} | {vs_pullpush} |"
            )
    reps = sorted({m["reps"] for m in median.values()})
    print()
    print(f"Medians of {'/'.join(map(str, reps))} runs. \"PullPush faster by\" is the tool's wall time "
          "divided by PullPush's (below 1 means the tool is faster).")

    if ("pullpush", sizes[0]) not in median:
        return
    print()
    print("Targets (from the medians):")
    print()
    for size in sizes:
        pp = median[("pullpush", size)]
        checks = []
        if ("raw", size) in median:
            ratio = pp["wall"] / median[("raw", size)]["wall"]
            checks.append(f"wall ≤ 1.25× raw: {ratio:.2f}× — {'met' if ratio <= 1.25 else 'NOT met'}")
        if ("airbyte", size) in median:
            ratio = median[("airbyte", size)]["wall"] / pp["wall"]
            checks.append(f"≥ 25× Airbyte: {ratio:.1f}× — {'met' if ratio >= 25 else 'NOT met'}")
        for tool, label in (("dlt", "dlt iterate"), ("dlt_extract", "dlt extract")):
            if (tool, size) in median:
                ratio = median[(tool, size)]["wall"] / pp["wall"]
                checks.append(f"≥ 8× {label}: {ratio:.1f}× — {'met' if ratio >= 8 else 'NOT met'}")
        checks.append(f"peak RSS ≤ 30 MB: {pp['rss']:.1f} MB — {'met' if pp['rss'] <= 30 else 'NOT met'}")
        print(f"- {size:,} records: " + "; ".join(checks))
    for size in sizes:
        raw = median.get(("raw", size))
        others = [(tool, median[(tool, size)]) for tool in ("airbyte", "dlt", "dlt_extract")
                  if (tool, size) in median]
        if raw and others:
            ceiling = ", ".join(f"{NAMES[tool]} {m['wall'] / raw['wall']:.1f}×" for tool, m in others)
            print(f"- the raw loop itself is faster than the others by ({size:,} records): {ceiling}")
    if len(sizes) > 1:
        small, large = median[("pullpush", sizes[0])]["rss"], median[("pullpush", sizes[-1])]["rss"]
        growth = large - small
        flat = growth <= max(2.0, 0.1 * small)
        print(f"- peak RSS from {sizes[0]:,} to {sizes[-1]:,} records: {small:.1f} → {large:.1f} MB "
              f"({growth:+.1f} MB) — {'flat' if flat else 'NOT flat'} (flat: at most +2 MB or +10%)")


if __name__ == "__main__":
    main()
