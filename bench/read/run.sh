#!/usr/bin/env bash
# Reading benchmark: hepkey vs uproot 5 (awkward arrays) vs ROOT 6.40 reading
# the same 45 branches of a 1M-event NanoAOD-like file in zlib, lz4 and zstd.
# Writes bench/read/RESULTS.md (and the raw JSON lines next to the files).
#
# Installs nothing. The Python peers live in a venv made once with
#   python3 -m venv /tmp/venv-peers && /tmp/venv-peers/bin/pip install uproot awkward numpy root
# and peak memory is measured with GNU time (apt-get install time).
#
# Settings (environment): PY (python of the venv), OUT (where the files go),
# REPS (runs per case, best taken), COMPRESSIONS, LAYOUTS ("root uproot":
# files rewritten by ROOT, and the uproot-written originals), CARGO_TARGET_DIR;
# READERS (default "hepkey uproot root"; the summary shows what ran);
# SUMMARY_ONLY=1 only rewrites RESULTS.md from the last run's raw results.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PY=${PY:-/tmp/venv-peers/bin/python}
OUT=${OUT:-/tmp/hepkey-bench}
REPS=${REPS:-3}
COMPRESSIONS=${COMPRESSIONS:-"zlib lz4 zstd"}
LAYOUTS=${LAYOUTS:-"root uproot"}
CHUNK=${CHUNK:-100000}
READERS=${READERS:-"hepkey uproot root"}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target-bench}
TIME=/usr/bin/time
RESULTS=$OUT/results.jsonl

[ -x "$PY" ] || { echo "run.sh: no python at $PY (see the venv command at the top)" >&2; exit 1; }
[ -x "$TIME" ] || { echo "run.sh: GNU time missing (apt-get install time)" >&2; exit 1; }
mkdir -p "$OUT"

BRANCHES=$("$PY" "$HERE/make_file.py" --list-branches 2>/dev/null)
HEPKEY=$CARGO_TARGET_DIR/release/examples/read_bench
if [ "${SUMMARY_ONLY:-0}" != 1 ]; then
    echo "== files" >&2
    ROOT_COPY=""
    case " $LAYOUTS " in *" root "*) ROOT_COPY="--root-copy" ;; esac
    "$PY" "$HERE/make_file.py" --out "$OUT" --compressions "$(echo $COMPRESSIONS | tr ' ' ,)" $ROOT_COPY
    echo "== hepkey read_bench (release)" >&2
    (cd "$REPO" && cargo build --release -p hepkey-root --example read_bench)
fi

# run LAYOUT COMPRESSION COMMAND...: runs under GNU time, appends the reader's
# JSON line(s) with the layout, compression and the process's peak RSS.
run() {
    local layout=$1 compression=$2
    shift 2
    local tfile
    tfile=$(mktemp)
    "$TIME" -f "%M" -o "$tfile" "$@" 2>"$OUT/last.err" >"$OUT/last.out" || {
        echo "run.sh: failed: $*" >&2
        cat "$OUT/last.err" >&2
        rm -f "$tfile"
        return 1
    }
    "$PY" - "$layout" "$compression" "$(tail -n 1 "$tfile")" "$OUT/last.out" >>"$RESULTS" <<'EOF'
import json, sys
layout, compression, max_rss_kb, path = sys.argv[1:5]
for line in open(path):
    if line.startswith("{"):
        r = json.loads(line)
        r.update(layout=layout, compression=compression, time_max_rss_MB=int(max_rss_kb) / 1024)
        print(json.dumps(r))
        print(f"   {r['reader']:7} {r['mode']:16} {r['threads']} threads: {r['seconds']:6.2f} s wall, "
              f"{r.get('cpu_seconds') or 0:6.2f} s CPU, {r['events_per_s']:10,.0f} events/s, "
              f"{r['time_max_rss_MB']:6.0f} MB", file=sys.stderr)
EOF
    rm -f "$tfile"
}

META=$OUT/run-meta.sh
if [ "${SUMMARY_ONLY:-0}" = 1 ]; then
    # Rewrites RESULTS.md from the last run's raw results, without running anything.
    . "$META"
else
STARTED=$(date -u +%FT%TZ)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$RESULTS"
for layout in $LAYOUTS; do
    for c in $COMPRESSIONS; do
        f=$OUT/nano_1M_$c.root
        [ "$layout" = root ] && f=$OUT/nano_1M_${c}_rootw.root
        echo "== $layout-written, $c: $f" >&2
        for rep in $(seq "$REPS"); do
            for t in 1 2; do
                case " $READERS " in *" hepkey "*)
                    run "$layout" "$c" "$HEPKEY" "$f" Events "$BRANCHES" --threads $t ;; esac
                case " $READERS " in *" uproot "*)
                    run "$layout" "$c" "$PY" "$HERE/uproot_read.py" "$f" Events "$BRANCHES" --threads $t ;; esac
            done
            case " $READERS " in *" hepkey "*)
                run "$layout" "$c" "$HEPKEY" "$f" Events "$BRANCHES" --threads 2 --chunk "$CHUNK" ;; esac
        done
        case " $READERS " in *" root "*)
            # ROOT starts slowly: the repetitions run in one process, after a warm-up.
            run "$layout" "$c" "$PY" "$HERE/root_read.py" "$f" Events "$BRANCHES" --mode rdf --threads 2 --repeat "$REPS"
            run "$layout" "$c" "$PY" "$HERE/root_read.py" "$f" Events "$BRANCHES" --mode rdf --threads 1 --repeat "$REPS"
            run "$layout" "$c" "$PY" "$HERE/root_read.py" "$f" Events "$BRANCHES" --mode getentry --threads 1 --repeat "$REPS"
            ;;
        esac
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
printf 'STARTED=%q\nLOAD_BEFORE=%q\nLOAD_AFTER=%q\n' "$STARTED" "$LOAD_BEFORE" "$LOAD_AFTER" >"$META"
fi

HEADER=$(mktemp)
UPROOT_VERSION=$("$PY" -c 'import uproot, awkward; print(uproot.__version__, "/ awkward", awkward.__version__)')
cat >"$HEADER" <<EOF
# Reading benchmark: hepkey vs uproot vs ROOT

Produced by \`bench/read/run.sh\` on $STARTED ($(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),
$(free -g | awk '/Mem:/ {print $2}') GiB; load average $LOAD_BEFORE before, $LOAD_AFTER after). The machine is shared
with other jobs: wall times are the best of $REPS runs, and CPU seconds (user + system, of the reading only) are
given too. With a load average above the core count there is no free second core, so 2-thread wall times
then say nothing about scaling: compare events per CPU second.
uproot $UPROOT_VERSION; ROOT 6.40 from PyPI (\`root\`); hepkey's \`read_bench\` example in release.

The file: 1,000,000 events drawn from the 200 real events of
\`nanoAOD_2015_CMS_Open_Data_ttbar.root\` (floats smeared by 1e-4 so that the compressor cannot match whole
replicated events), $(echo "$BRANCHES" | tr , ' ' | wc -w) branches (scalars, counters nJet/nElectron/nMuon and
leaf-count arrays \`Jet_pt[nJet]\`...), written by uproot in 100k-event chunks with ZLIB(1), LZ4(4), ZSTD(5)
(ROOT's default levels) and rewritten by ROOT (\`TTree::CloneTree\`: ROOT's own basket sizes and clusters).

Each reader reads all these branches of all entries into memory and sums every value
(hepkey \`Tree::read_many\`, or \`Tree::iterate\` in chunks; uproot \`tree.arrays(library="ak")\` with a
\`ThreadPoolExecutor\` as decompression and interpretation executor for 2 threads; ROOT a typed
\`RDataFrame\` with one \`Aggregate\` per branch and \`EnableImplicitMT\`, or \`SetBranchAddress\` +
\`TTree::GetEntry\`, compiled with ACLiC \`+O\`). Times run from opening the file to the last sum;
the files are in the page cache. MB/s are the branches' compressed and uncompressed bytes (fZipBytes,
fTotBytes) per second. Peak RSS is GNU time's maximum resident set of the whole process (for Python and
ROOT it includes the interpreter; "RSS before reading" is what the process held before opening the file).

Commands:

\`\`\`sh
bench/read/run.sh        # builds the files in $OUT if missing, then everything below, then this file
$PY bench/read/make_file.py --root-copy --out $OUT
CARGO_TARGET_DIR=$CARGO_TARGET_DIR cargo build --release -p hepkey-root --example read_bench
$CARGO_TARGET_DIR/release/examples/read_bench FILE Events BRANCHES --threads 2 [--chunk $CHUNK]
$PY bench/read/uproot_read.py FILE Events BRANCHES --threads 2
$PY bench/read/root_read.py FILE Events BRANCHES --mode rdf --threads 2 --repeat $REPS
$PY bench/read/root_read.py FILE Events BRANCHES --mode getentry --threads 1 --repeat $REPS
\`\`\`

BRANCHES=\`$BRANCHES\`
EOF
"$PY" "$HERE/summarize.py" "$RESULTS" "$HERE/RESULTS.md" --header "$HEADER"
rm -f "$HEADER"
echo "run.sh: wrote $HERE/RESULTS.md (raw runs in $RESULTS)" >&2
