#!/usr/bin/env bash
# RNTuple reading benchmark (issue #14): the 1M-event NanoAOD benchmark file written as an RNTuple
# by uproot 5.7, read by hepkey and by uproot, against hepkey reading the same events as a TTree.
# A/B in one run; writes bench/read/RESULTS-rntuple.md.
#
# Needs the TTree file of bench/read/run.sh ($OUT/nano_1M_zlib.root, made by make_file.py) and a
# python with uproot and awkward (PY). Settings: PY, OUT, REPS (best of), CHUNK, CARGO_TARGET_DIR,
# BASE: a read_bench built from an earlier commit, read alongside as "hepkey (base)" for a
# before/after table (e.g. `git worktree add /tmp/base main`, build its read_bench there, copy it).
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
[ -f "$TTREE" ] || "$PY" "$HERE/make_file.py" --out "$OUT" --compressions zlib
[ -f "$RNTUPLE" ] || "$PY" "$HERE/make_rntuple.py" "$TTREE" "$RNTUPLE" --compression zlib
[ -f "$CLUSTERED" ] || "$PY" "$HERE/make_rntuple.py" "$TTREE" "$CLUSTERED" --compression zlib --cluster-entries 100000
(cd "$REPO" && cargo build --release -q -p hepkey-root --example read_bench)

RESULTS=$OUT/rntuple-results.jsonl
: >"$RESULTS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq "$REPS"); do
    for t in 1 2; do
        "$HEPKEY" "$RNTUPLE" Events "$BRANCHES" --threads $t --chunk "$CHUNK" >>"$RESULTS"
        "$HEPKEY" "$RNTUPLE" Events "$BRANCHES" --threads $t >>"$RESULTS"
        "$HEPKEY" "$TTREE" Events "$BRANCHES" --threads $t --chunk "$CHUNK" >>"$RESULTS"
        if [ -n "${BASE:-}" ]; then
            for mode in "--chunk $CHUNK" ""; do
                # shellcheck disable=SC2086
                "$BASE" "$RNTUPLE" Events "$BRANCHES" --threads $t $mode |
                    sed 's/"reader":"hepkey"/"reader":"hepkey (base)"/' >>"$RESULTS"
            done
        fi
        "$PY" "$HERE/uproot_read.py" "$RNTUPLE" Events "$BRANCHES" --threads $t | sed 's/"reader": "uproot"/"reader": "uproot", "format": "rntuple"/' >>"$RESULTS"
        "$HEPKEY" "$CLUSTERED" Events "$BRANCHES" --threads $t --chunk "$CHUNK" |
            sed 's/"format":"rntuple"/"format":"rntuple, 100k clusters"/' >>"$RESULTS"
        "$PY" "$HERE/uproot_read.py" "$CLUSTERED" Events "$BRANCHES" --threads $t |
            sed 's/"reader": "uproot"/"reader": "uproot", "format": "rntuple, 100k clusters"/' >>"$RESULTS"
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
    wall = min(r["seconds"], best[key]["seconds"]) if key in best else r["seconds"]
    if key not in best or r["cpu_seconds"] < best[key]["cpu_seconds"]:
        best[key] = r
    # CPU seconds of the best run by CPU, the best wall time of all runs.
    best[key]["seconds"] = wall
sums = [r["checksum"] for r in best.values()]
agree = max(sums) - min(sums) <= 1e-9 * abs(max(sums))
# uproot on the same file (the TTree rows compare with uproot on the one-cluster RNTuple).
uproot = {(k[1], k[3]): r for k, r in best.items() if k[0] == "uproot"}
ttree = {k[3]: r for k, r in best.items() if k[0] == "hepkey" and k[1] == "ttree"}
def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "-"
lines = [
    "# RNTuple reading: hepkey vs uproot, and vs hepkey on the same events as a TTree",
    "",
    f"Produced by `bench/read/rntuple.sh` (best of {reps}, CPU and wall each; load average {before} before, {after} after;",
    "2 cores shared with other jobs: compare CPU seconds). All 45 branches of the 1M-event NanoAOD benchmark",
    "file (`bench/read/make_file.py`, zlib), and the same arrays written as an RNTuple by uproot 5.7",
    "(`bench/read/make_rntuple.py`: one cluster, one page per column; `rntuple, 100k clusters`: written in",
    "clusters of 100k entries, each one page per column). Every reader sums every value;",
    f"the sums agree to 1e-9 (summation order differs): {'yes' if agree else 'NO: ' + str(sorted(sums))}.",
    "`hepkey (base)` rows, when present, are the same reader built from an earlier commit (`BASE`).",
    "",
    "| reader | format | mode | threads | wall s | CPU s | peak RSS MB | uproot CPU / this CPU (same file) | uproot wall / this wall | this CPU / hepkey TTree CPU | this wall / hepkey TTree wall |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
]
order = {"hepkey (base)": 0, "hepkey": 1, "uproot": 2}
rows = sorted(best.items(), key=lambda kr: (kr[0][3], kr[0][1] == "rntuple, 100k clusters", order.get(kr[0][0], 3), kr[0][1], kr[0][2]))
for (reader, fmt, mode, threads), r in rows:
    up = uproot.get((fmt if fmt != "ttree" else "rntuple", threads), {})
    tt = ttree.get(threads, {})
    lines.append(
        f"| {reader} | {fmt} | {mode} | {threads} | {r['seconds']:.2f} | {r['cpu_seconds']:.2f} | "
        f"{r.get('peak_rss_MB', 0):.0f} | {ratio(up.get('cpu_seconds'), r['cpu_seconds'])} | "
        f"{ratio(up.get('seconds'), r['seconds'])} | {ratio(r['cpu_seconds'], tt.get('cpu_seconds'))} | "
        f"{ratio(r['seconds'], tt.get('seconds'))} |"
    )
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
