#!/usr/bin/env bash
# A NanoAOD-wide tree (issue #14): `hepkey inspect` on a tree of 1,530 branches, and reading 10 of its
# branches against reading the same 10 of a 45-branch tree holding the same values
# (`make_wide.py`, 20,000 events, zlib 1, written by uproot). Each command is run REPS times as a
# whole process, alternating wide and narrow; the table has the median wall and CPU milliseconds
# (user + system, from the kernel's accounting of the child). Writes bench/read/RESULTS-wide.md.
#
# Settings: PY (a python with uproot and awkward), OUT (where the files go), REPS, CARGO_TARGET_DIR.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PY=${PY:-/tmp/venv-peers/bin/python}
OUT=${OUT:-/tmp/hepkey-bench}
REPS=${REPS:-40}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}

[ -x "$PY" ] || { echo "wide.sh: no python at $PY" >&2; exit 1; }
mkdir -p "$OUT"
WIDE=$OUT/wide_ttree.root
NARROW=$OUT/narrow_ttree.root
[ -f "$WIDE" ] || "$PY" "$HERE/make_wide.py" "$WIDE"
[ -f "$NARROW" ] || "$PY" "$HERE/make_wide.py" "$NARROW" --narrow
(cd "$REPO" && cargo build --release -q -p hepkey -p hepkey-root --example read_bench)
HEPKEY=$CARGO_TARGET_DIR/release/hepkey
READ=$CARGO_TARGET_DIR/release/examples/read_bench
TEN=C0_m0,C0_m1,C0_m2,C0_m3,C0_m4,C0_m5,C0_m6,C0_m7,C0_m8,C0_m9

"$PY" - "$HERE/RESULTS-wide.md" "$REPS" "$HEPKEY" "$READ" "$WIDE" "$NARROW" "$TEN" <<'PY'
import os, resource, statistics, subprocess, sys, time

out, reps, hepkey, read, wide, narrow, ten = sys.argv[1:8]
reps = int(reps)
cases = [
    ("`hepkey inspect`", "1,530 branches", [hepkey, "inspect", wide]),
    ("`hepkey inspect`", "45 branches", [hepkey, "inspect", narrow]),
    ("reading 10 branches (`read_bench`, 1 thread)", "1,530 branches", [read, wide, "Events", ten, "--threads", "1"]),
    ("reading 10 branches (`read_bench`, 1 thread)", "45 branches", [read, narrow, "Events", ten, "--threads", "1"]),
]
times = {i: ([], []) for i in range(len(cases))}
for _ in range(reps):
    for i, (_, _, cmd) in enumerate(cases):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        times[i][0].append(wall * 1e3)
        times[i][1].append(cpu * 1e3)
lines = [
    "# A wide tree: listing 1,530 branches, and reading 10 of them",
    "",
    f"Produced by `bench/read/wide.sh` ({reps} runs each, alternating; medians; load average "
    f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end). `make_wide.py` writes a",
    "tree of 30 collections of 49 float members with their counters and 30 scalars (1,530 branches,",
    "20,000 events, zlib 1) and the first collection alone with 44 members (45 branches, the same values).",
    "Times are whole processes (start-up, opening the file, reading, exit).",
    "",
    "| what | tree | wall ms | CPU ms |",
    "|---|---|---|---|",
]
for i, (what, tree, _) in enumerate(cases):
    wall, cpu = times[i]
    lines.append(f"| {what} | {tree} | {statistics.median(wall):.1f} | {statistics.median(cpu):.1f} |")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
