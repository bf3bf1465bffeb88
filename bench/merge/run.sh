#!/usr/bin/env bash
# Merging N (default 1,000) partial results of the AGC tt̄ analysis (issue 17): wall time and peak
# RSS of `hepkey merge`, and a check that the merge gives the bytes of one `hepkey run` over all
# N inputs. Not a test: the figures go in docs/benchmarks.md.
#
#   bench/merge/run.sh               # N=1000
#   N=200 bench/merge/run.sh
#
# The inputs are N hard links of ../shared's 200-event CMS NanoAOD file (distinct paths, one copy on
# disk), one sample `ttbar` of N files. One real partial run reads file 0; its partial.json is then
# copied N times with the input index and path of each file (the histograms of identical files are
# identical), which is what N jobs of `hepkey run --files-of ttbar --file-range i..i+1` would write.
# Environment: CARGO_TARGET_DIR (default the repository's target), WORK (default /tmp/hepkey-merge-bench).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
N=${N:-1000}
WORK=${WORK:-/tmp/hepkey-merge-bench}
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
SOURCE=$(cd "$REPO/../shared/data/root" && pwd)/nanoAOD_2015_CMS_Open_Data_ttbar.root
export SOURCE_DATE_EPOCH=1700000000

(cd "$REPO" && cargo build --release -q -p hepkey)
HEPKEY=$TARGET/release/hepkey

rm -rf "$WORK"
mkdir -p "$WORK/files"
cd "$WORK"
cp "$SOURCE" files/f00000.root
for ((i = 1; i < N; i++)); do
    ln files/f00000.root "$(printf 'files/f%05d.root' "$i")"
done
sed 's|^files = \["../../../shared/data/root/nanoAOD_2015_CMS_Open_Data_ttbar.root"\]|files = ["files/*.root"]|' \
    "$REPO/examples/agc/ttbar.toml" > ttbar.toml
grep -q '^files = \["files/\*.root"\]' ttbar.toml || { echo "could not point ttbar.toml at files/" >&2; exit 1; }

"$HEPKEY" run ttbar.toml --files-of ttbar --file-range 0..1 -o part0 -q 2>/dev/null
python3 - "$N" <<'PY'
import json, os, sys
n = int(sys.argv[1])
part = json.load(open("part0/partial.json"))
record = part["inputs"][0]
for i in range(n):
    record["index"] = i
    record["path"] = f"files/f{i:05d}.root"
    os.makedirs(f"parts/p{i:05d}", exist_ok=True)
    with open(f"parts/p{i:05d}/partial.json", "w") as f:
        json.dump(part, f, separators=(",", ":"))
PY
du -sh parts | sed 's/^/partials on disk: /'
ls -la parts/p00000/partial.json | awk '{print "one partial.json: " $5 " bytes"}'

/usr/bin/time -v "$HEPKEY" merge parts/p* -o merged -q 2> merge.time
/usr/bin/time -v "$HEPKEY" run ttbar.toml -o full -q 2> run.time

same=yes
for f in histograms.json histograms.root cutflow.json provenance.json; do
    cmp -s "full/$f" "merged/$f" || { same=no; echo "differs: $f"; }
done
diff -rq full/plots merged/plots > /dev/null || { same=no; echo "differs: plots"; }
field() { grep "$1" "$2" | awk -F': ' '{print $2}'; }
echo "N=$N partials"
echo "merge: wall $(field 'Elapsed (wall clock)' merge.time), user $(field 'User time' merge.time) s, peak RSS $(field 'Maximum resident' merge.time) kB"
echo "run over the $N files: wall $(field 'Elapsed (wall clock)' run.time), peak RSS $(field 'Maximum resident' run.time) kB"
echo "merged outputs byte-identical to the run's: $same"
[ "$same" = yes ]
