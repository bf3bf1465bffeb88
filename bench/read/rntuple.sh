#!/usr/bin/env bash
# RNTuple reading benchmark (issue #14): the 1M-event NanoAOD benchmark file written as an RNTuple
# by uproot 5.7, read by hepkey and by uproot, against hepkey reading the same events as a TTree.
# A/B in one run; writes bench/read/RESULTS-rntuple.md.
#
# Needs the TTree file of bench/read/run.sh ($OUT/nano_1M_zlib.root, made by make_file.py) and a
# python with uproot and awkward (PY). Settings: PY, OUT, REPS (best of), CHUNK, CARGO_TARGET_DIR.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PY=${PY:-/tmp/venv-peers/bin/python}
OUT=${OUT:-/tmp/hepkey-bench}
REPS=${REPS:-3}
CHUNK=${CHUNK:-100000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
HEPKEY=$CARGO_TARGET_DIR/release/examples/read_bench

[ -x "$PY" ] || { echo "rntuple.sh: no python at $PY" >&2; exit 1; }
BRANCHES=$("$PY" "$HERE/make_file.py" --list-branches 2>/dev/null)
TTREE=$OUT/nano_1M_zlib.root
RNTUPLE=$OUT/nano_1M_rntuple_zlib.root
[ -f "$TTREE" ] || "$PY" "$HERE/make_file.py" --out "$OUT" --compressions zlib
[ -f "$RNTUPLE" ] || "$PY" "$HERE/make_rntuple.py" "$TTREE" "$RNTUPLE" --compression zlib
(cd "$REPO" && cargo build --release -q -p hepkey-root --example read_bench)

RESULTS=$OUT/rntuple-results.jsonl
: >"$RESULTS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq "$REPS"); do
    for t in 1 2; do
        "$HEPKEY" "$RNTUPLE" Events "$BRANCHES" --threads $t --chunk "$CHUNK" >>"$RESULTS"
        "$HEPKEY" "$RNTUPLE" Events "$BRANCHES" --threads $t >>"$RESULTS"
        "$HEPKEY" "$TTREE" Events "$BRANCHES" --threads $t --chunk "$CHUNK" >>"$RESULTS"
        "$PY" "$HERE/uproot_read.py" "$RNTUPLE" Events "$BRANCHES" --threads $t | sed 's/"reader": "uproot"/"reader": "uproot", "format": "rntuple"/' >>"$RESULTS"
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

"$PY" - "$RESULTS" "$HERE/RESULTS-rntuple.md" "$LOAD_BEFORE" "$LOAD_AFTER" "$REPS" <<'PY'
import json, sys, collections
path, out, before, after, reps = sys.argv[1:6]
best = collections.OrderedDict()
for line in open(path):
    r = json.loads(line)
    key = (r["reader"], r.get("format", "ttree"), r["mode"], r["threads"])
    if key not in best or r["cpu_seconds"] < best[key]["cpu_seconds"]:
        best[key] = r
sums = [r["checksum"] for r in best.values()]
agree = max(sums) - min(sums) <= 1e-9 * abs(max(sums))
uproot_cpu = {k[3]: r["cpu_seconds"] for k, r in best.items() if k[0] == "uproot"}
ttree_cpu = {k[3]: r["cpu_seconds"] for k, r in best.items() if k[0] == "hepkey" and k[1] == "ttree"}
lines = [
    "# RNTuple reading: hepkey vs uproot, and vs hepkey on the same events as a TTree",
    "",
    f"Produced by `bench/read/rntuple.sh` (best of {reps}; load average {before} before, {after} after;",
    "2 cores shared with other jobs: compare CPU seconds). All 45 branches of the 1M-event NanoAOD benchmark",
    "file (`bench/read/make_file.py`, zlib), and the same arrays written as an RNTuple by uproot 5.7",
    "(`bench/read/make_rntuple.py`: one cluster, one page per column). Every reader sums every value;",
    f"the sums agree to 1e-9 (summation order differs): {'yes' if agree else 'NO: ' + str(sorted(sums))}.",
    "",
    "| reader | format | mode | threads | wall s | CPU s | peak RSS MB | uproot RNTuple CPU / this CPU | this CPU / hepkey TTree CPU |",
    "|---|---|---|---|---|---|---|---|---|",
]
for (reader, fmt, mode, threads), r in best.items():
    ratio_up = uproot_cpu.get(threads, 0) / r["cpu_seconds"] if r["cpu_seconds"] else 0
    ratio_tt = r["cpu_seconds"] / ttree_cpu[threads] if threads in ttree_cpu else 0
    lines.append(
        f"| {reader} | {fmt} | {mode} | {threads} | {r['seconds']:.2f} | {r['cpu_seconds']:.2f} | "
        f"{r.get('peak_rss_MB', 0):.0f} | {ratio_up:.2f}× | {ratio_tt:.2f} |"
    )
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
