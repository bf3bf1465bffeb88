#!/usr/bin/env bash
# Scale benchmark of the statistics commands: hepkey (release) vs pyhf 0.7.6 (numpy
# backend, its CLI defaults: scipy SLSQP) on generated workspaces of growing size, in
# one run. Wall time and peak memory (max RSS) from /usr/bin/time -v; each pyhf run is
# capped at CAP seconds (reported "> CAP s"), and once pyhf hits the cap at one size the
# larger sizes of that series are not run for pyhf.
#
#   bench/stats_scale/run.sh [PYTHON]     # PYTHON with pyhf (default /tmp/hepkey-ci-venv/bin/python)
#   CAP=300 BINS="100 300 1000 3000" CHANNELS="10 100 300 1000" bench/stats_scale/run.sh
#
# Writes bench/stats_scale/RESULTS.md (table) and raw logs to bench/out/stats_scale/.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${1:-/tmp/hepkey-ci-venv/bin/python}
PYHF="$(dirname "$PY")/pyhf"
CAP=${CAP:-300}
BINS=${BINS:-"100 300 1000 3000"}
CHANNELS=${CHANNELS:-"10 100 300 1000"}
LIMIT_BINS=${LIMIT_BINS:-"100 300 500"}
LIMIT_CHANNELS=${LIMIT_CHANNELS:-"10 100 300"}
OUT=bench/out/stats_scale
mkdir -p "$OUT"
cargo build --release -q -p hepkey
HK=target/release/hepkey
RAW="$OUT/raw.tsv"
: > "$RAW"

for n in $BINS $LIMIT_BINS; do
  [ -f "$OUT/bins_$n.json" ] || "$PY" bench/stats_scale/make_ws.py bins "$n" "$OUT/bins_$n.json"
done
for m in $CHANNELS $LIMIT_CHANNELS; do
  [ -f "$OUT/ch_$m.json" ] || "$PY" bench/stats_scale/make_ws.py channels "$m" "$OUT/ch_$m.json"
done
[ -f "$OUT/big.json" ] || "$PY" bench/stats_scale/make_ws.py big "$OUT/big.json"

# run TOOL TASK SIZE CMD...: one timed run, a row "task size tool wall_s maxrss_MB status".
run() {
  local tool=$1 task=$2 size=$3; shift 3
  local log="$OUT/${task}_${size// /_}_$tool"
  local status=ok
  if ! /usr/bin/time -v -o "$log.time" timeout "$CAP" "$@" > "$log.out" 2> "$log.err"; then
    status=failed
    grep -q "Command exited with non-zero status 124" "$log.time" && status=capped
  fi
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$log.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log.time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$task" "$size" "$tool" "$wall" "$rss" "$status" >> "$RAW"
  echo "$task $size $tool: ${wall}s ${rss}MB $status" >&2
  [ "$status" != capped ]
}

# series TASK PREFIX LABEL SIZES: hepkey and pyhf over growing sizes.
series() {
  local task=$1 prefix=$2 label=$3 sizes=$4 pyhf_on=1
  for n in $sizes; do
    local ws="$OUT/${prefix}_$n.json" size="$n $label"
    case $task in
      fit) run hepkey fit "$size" "$HK" fit "$ws" ;;
      cls) run hepkey cls "$size" "$HK" cls "$ws" ;;
      limit) run hepkey limit "$size" "$HK" limit "$ws" ;;
    esac || true
    if [ $pyhf_on = 1 ]; then
      case $task in
        fit) run pyhf fit "$size" "$PYHF" fit --backend numpy "$ws" ;;
        cls) run pyhf cls "$size" "$PYHF" cls --backend numpy "$ws" ;;
        limit) run pyhf limit "$size" "$PY" bench/stats_scale/pyhf_limit.py "$ws" ;;
      esac || pyhf_on=0
    else
      printf '%s\t%s\tpyhf\t\t\tskipped\n' "$task" "$size" >> "$RAW"
    fi
  done
}

series fit bins bins "$BINS"
series fit ch channels "$CHANNELS"
series cls bins bins "$BINS"
series cls ch channels "$CHANNELS"
series limit bins bins "$LIMIT_BINS"
series limit ch channels "$LIMIT_CHANNELS"

BIG="$OUT/big.json"
MB=$(( $(stat -c %s "$BIG") / 1000000 ))
run hepkey inspect "$MB MB" "$HK" inspect-ws "$BIG" || true
run pyhf inspect "$MB MB" "$PYHF" inspect "$BIG" || true
run hepkey sort "$MB MB" "$HK" sort "$BIG" || true
run pyhf sort "$MB MB" "$PYHF" sort "$BIG" || true
run hepkey digest "$MB MB" "$HK" digest "$BIG" || true
run pyhf digest "$MB MB" "$PYHF" digest "$BIG" || true

"$PY" bench/stats_scale/summarize.py "$RAW" "$CAP" > bench/stats_scale/RESULTS.md
cat bench/stats_scale/RESULTS.md
