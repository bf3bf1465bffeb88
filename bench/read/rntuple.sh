#!/usr/bin/env bash
# RNTuple reading benchmark (issue #14): the 1M-event NanoAOD benchmark file written as an RNTuple
# by uproot 5.7 (at once, and in 100k-entry clusters) and by ROOT 6.40, read by hepkey and by uproot,
# against hepkey reading the same events as a TTree. A/B in one run; writes bench/read/RESULTS-rntuple.md.
#
# Needs a python with uproot and awkward (PY), and for the ROOT-written file one with PyROOT
# (ROOTPY, e.g. a venv with `pip install root`). Settings: PY, ROOTPY, OUT, REPS (best of), CHUNK,
# CARGO_TARGET_DIR.
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
# The same written in clusters of 100k entries (uproot `extend`), as a writer filling as it goes would.
CLUSTERED=$OUT/nano_1M_rntuple_zlib_100k_clusters.root
# The same written by ROOT's RNTupleImporter (pages of ~64 KiB): needs ROOTPY, a python with PyROOT.
ROOTWRITTEN=$OUT/nano_1M_rntuple_root_zlib.root
[ -f "$TTREE" ] || "$PY" "$HERE/make_file.py" --out "$OUT" --compressions zlib
[ -f "$RNTUPLE" ] || "$PY" "$HERE/make_rntuple.py" "$TTREE" "$RNTUPLE" --compression zlib
[ -f "$CLUSTERED" ] || "$PY" "$HERE/make_rntuple.py" "$TTREE" "$CLUSTERED" --compression zlib --cluster-entries 100000
if [ ! -f "$ROOTWRITTEN" ] && [ -n "${ROOTPY:-}" ]; then
    "$ROOTPY" "$HERE/make_rntuple_root.py" "$TTREE" "$ROOTWRITTEN"
fi
(cd "$REPO" && cargo build --release -q -p hepkey-root --example read_bench)

# file label: the format column of the table
declare -A LABEL=([$TTREE]="ttree" [$RNTUPLE]="rntuple, uproot, 1 cluster" \
    [$CLUSTERED]="rntuple, uproot, 100k clusters" [$ROOTWRITTEN]="rntuple, ROOT")
FILES="$TTREE $RNTUPLE $CLUSTERED"
[ -f "$ROOTWRITTEN" ] && FILES="$FILES $ROOTWRITTEN"

RESULTS=$OUT/rntuple-results.jsonl
: >"$RESULTS"
label() { sed "s/\"file\"/\"format\":\"$1\",\"file\"/; s/\"format\":\"rntuple\",//; s/\"format\": \"rntuple\", //"; }
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq "$REPS"); do
    for t in 1 2; do
        for f in $FILES; do
            # Chunk after chunk (fields in parallel), and chunks as tasks in parallel (as `hepkey run`).
            "$HEPKEY" "$f" Events "$BRANCHES" --threads $t --chunk "$CHUNK" | label "${LABEL[$f]}" >>"$RESULTS"
            "$HEPKEY" "$f" Events "$BRANCHES" --threads $t --chunk "$CHUNK" --parallel-chunks |
                label "${LABEL[$f]}" >>"$RESULTS"
            if [ "$f" != "$TTREE" ] && [ "$t" = 1 ]; then
                "$PY" "$HERE/uproot_read.py" "$f" Events "$BRANCHES" | label "${LABEL[$f]}" >>"$RESULTS"
            fi
        done
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

"$PY" - "$RESULTS" "$HERE/RESULTS-rntuple.md" "$LOAD_BEFORE" "$LOAD_AFTER" "$REPS" <<'PY'
import json, sys, collections
path, out, before, after, reps = sys.argv[1:6]
best = collections.OrderedDict()
for line in open(path):
    r = json.loads(line)
    key = (r["reader"], r["format"], r["mode"], r["threads"])
    wall = min(r["seconds"], best[key]["seconds"]) if key in best else r["seconds"]
    if key not in best or r["cpu_seconds"] < best[key]["cpu_seconds"]:
        best[key] = r
    # CPU seconds of the best run by CPU, the best wall time of all runs.
    best[key]["seconds"] = wall
sums = [r["checksum"] for r in best.values()]
agree = max(sums) - min(sums) <= 1e-9 * abs(max(sums))
uproot = {k[1]: r for k, r in best.items() if k[0] == "uproot"}
ttree = {(k[2], k[3]): r for k, r in best.items() if k[0] == "hepkey" and k[1] == "ttree"}
def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "-"
lines = [
    "# RNTuple reading: hepkey vs uproot, and vs hepkey on the same events as a TTree",
    "",
    f"Produced by `bench/read/rntuple.sh` (best of {reps}, CPU and wall each; load average {before} before, {after} after;",
    "2 cores shared with other jobs). All 45 branches of the 1M-event NanoAOD benchmark file",
    "(`bench/read/make_file.py`, zlib 1) as a TTree, and the same arrays as an RNTuple written three ways:",
    "by uproot 5.7 at once (`make_rntuple.py`: one cluster, one page per column), by uproot in clusters of 100k",
    "entries (one page per column each), and by ROOT 6.40's `RNTupleImporter` (`make_rntuple_root.py`: pages of",
    "~64 KiB, zlib 1). hepkey reads in chunks of 100k entries, one after the other with the fields in parallel",
    "(`iterate`), or as tasks in parallel as `hepkey run` reads them (`chunks in parallel`); uproot reads the",
    "whole file with `arrays` (one thread: uproot decompresses RNTuple pages in one thread). Every reader sums",
    f"every value in float64; the sums agree to 1e-9: {'yes' if agree else 'NO: ' + str(sorted(sums))}.",
    "",
    "| reader | format | mode | threads | wall s | CPU s | peak RSS MB | uproot wall / this wall (same file) | uproot CPU / this CPU | this CPU / hepkey TTree CPU (same mode) | this wall / hepkey TTree wall |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
]
order = {"hepkey": 0, "uproot": 1}
rows = sorted(best.items(), key=lambda kr: (order.get(kr[0][0], 2), kr[0][3], kr[0][1], kr[0][2]))
for (reader, fmt, mode, threads), r in rows:
    up = uproot.get(fmt, {}) if reader == "hepkey" else {}
    tt = ttree.get((mode, threads), {}) if reader == "hepkey" and fmt != "ttree" else {}
    lines.append(
        f"| {reader} | {fmt} | {mode} | {threads} | {r['seconds']:.2f} | {r['cpu_seconds']:.2f} | "
        f"{r.get('peak_rss_MB') or 0:.0f} | {ratio(up.get('seconds'), r['seconds'])} | "
        f"{ratio(up.get('cpu_seconds'), r['cpu_seconds'])} | {ratio(r['cpu_seconds'], tt.get('cpu_seconds'))} | "
        f"{ratio(r['seconds'], tt.get('seconds'))} |"
    )
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
