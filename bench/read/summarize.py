#!/usr/bin/env python3
"""Turns the JSON lines of run.sh (one per reading run) into RESULTS.md:
per file layout, compression, reader, mode and threads, the best (shortest)
wall time of the repetitions, its events/s and MB/s, the CPU time of that
run, and the peak resident memory (largest over the repetitions).

    python3 bench/read/summarize.py RESULTS.jsonl RESULTS.md [--header header.md]
"""

import argparse
import json
import os
from collections import defaultdict


def key(r):
    return (r["layout"], r["compression"], r["reader"], r["mode"], r.get("chunk"), r["threads"])


READER_ORDER = {"hepkey": 0, "uproot": 1, "ROOT": 2}


def fmt(x, digits=0):
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("markdown")
    p.add_argument("--header", default=None)
    args = p.parse_args()

    runs = defaultdict(list)
    with open(args.results) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                runs[key(r)].append(r)

    rows = []
    best = {}
    for k, rs in runs.items():
        b = min(rs, key=lambda r: r["seconds"])
        peak = max((r.get("time_max_rss_MB") or r.get("peak_rss_MB") or 0) for r in rs)
        baseline = b.get("baseline_rss_MB")
        rows.append((k, b, peak, baseline, len(rs)))
        best[k] = b

    rows.sort(key=lambda row: (row[0][0] != "root", row[0][1], READER_ORDER.get(row[0][2], 9),
                               row[0][3], row[0][4] or 0, row[0][5]))
    out = []
    if args.header and os.path.exists(args.header):
        with open(args.header) as f:
            out.append(f.read().rstrip() + "\n")

    layouts = {"root": "written by ROOT 6.40 (TTree::CloneTree of the uproot file)",
               "uproot": "written by uproot (100k-event baskets)"}
    for layout in ["root", "uproot"]:
        lrows = [r for r in rows if r[0][0] == layout]
        if not lrows:
            continue
        out.append(f"\n### Files {layouts[layout]}\n")
        out.append("| compression | reader | mode | threads | events/s | compressed MB/s "
                   "| uncompressed MB/s | wall s | CPU s | events per CPU s | peak RSS MB "
                   "| RSS before reading MB | runs |")
        out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for (lay, comp, reader, mode, chunk, threads), b, peak, baseline, n in lrows:
            cpu = b.get("cpu_seconds")
            mode_text = mode + (f" (chunks of {chunk:,})" if chunk else "")
            out.append(
                f"| {comp} | {reader} | {mode_text} | {threads} | {fmt(b['events_per_s'])} "
                f"| {fmt(b['compressed_MB_per_s'], 1)} | {fmt(b['uncompressed_MB_per_s'], 1)} "
                f"| {fmt(b['seconds'], 2)} | {fmt(cpu, 2)} "
                f"| {fmt(b['entries'] / cpu if cpu else None)} | {fmt(peak)} "
                f"| {fmt(baseline)} | {n} |")

        out.append("\nRatios (best wall time; in brackets, per CPU second):\n")
        out.append("| compression | hepkey 2 threads / uproot 2 threads (target ≥ 3) "
                   "| hepkey / uproot, 1 thread, per CPU s "
                   "| hepkey 2 threads / best ROOT (target ≥ 0.67) | best ROOT is |")
        out.append("|---|---:|---:|---:|---|")
        for comp in sorted({r[0][1] for r in lrows}):
            hk = best.get((layout, comp, "hepkey", "read_many", None, 2))
            up = best.get((layout, comp, "uproot", "arrays", None, 2))
            roots = [b for k, b in best.items() if k[0] == layout and k[1] == comp
                     and k[2] == "ROOT"]
            if not hk:
                continue

            def ratio(a, b):
                if not b:
                    return "–"
                wall = a["events_per_s"] / b["events_per_s"]
                cpu = (b["cpu_seconds"] / a["cpu_seconds"]
                       if a.get("cpu_seconds") and b.get("cpu_seconds") else None)
                return f"{wall:.2f}× ({cpu:.2f}×)" if cpu else f"{wall:.2f}×"

            broot = max(roots, key=lambda r: r["events_per_s"]) if roots else None
            what = f"{broot['mode']}, {broot['threads']} threads" if broot else "–"
            hk1 = best.get((layout, comp, "hepkey", "read_many", None, 1))
            up1 = best.get((layout, comp, "uproot", "arrays", None, 1))
            cpu1 = (f"{up1['cpu_seconds'] / hk1['cpu_seconds']:.2f}×"
                    if hk1 and up1 and hk1.get("cpu_seconds") and up1.get("cpu_seconds") else "–")
            out.append(f"| {comp} | {ratio(hk, up)} | {cpu1} | {ratio(hk, broot)} | {what} |")

    with open(args.markdown + ".part", "w") as f:
        f.write("\n".join(out) + "\n")
    os.replace(args.markdown + ".part", args.markdown)


if __name__ == "__main__":
    main()
