#!/usr/bin/env bash
# Statistics benchmark: hepkey vs pyhf 0.7.6 (numpy backend, scipy SLSQP, defaults) on the
# ATLAS sbottom likelihoods (HEPData ins1748602): hypotest at mu=1 (pyhf cls), the free
# fit, and the upper limit. Release build; wall and CPU seconds from /usr/bin/time.
#
#   bench/stats.sh [PYTHON]   # PYTHON: an interpreter with pyhf==0.7.6 (default /tmp/venv-pyhf/bin/python)
#   BENCH_LIMITS=0 bench/stats.sh   # skip the (slow, ~1-2 min each in pyhf) limits
#
# Output: a Markdown table on stdout (paste into docs/benchmarks.md), raw logs in bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-/tmp/venv-pyhf/bin/python}
ARCHIVE=../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz
OUT=bench/out
mkdir -p "$OUT/sbottom"
tar xzf "$ARCHIVE" -C "$OUT/sbottom"
cargo build --release -q -p hepkey
HK=target/release/hepkey
CASES=${BENCH_CASES:-"RegionA:sbottom_1300_205_60 RegionB:sbottom_900_750_60 RegionC:sbottom_1400_1150_60"}

# seconds (wall, user+sys) of a command, repeated N times, best of N for hepkey.
measure() { # name reps cmd...
  local name=$1 reps=$2; shift 2
  local best_wall=999999 best_cpu=999999
  for _ in $(seq "$reps"); do
    /usr/bin/time -f "%e %U %S" -o "$OUT/time.txt" "$@" > "$OUT/$name.log" 2>&1
    read -r wall user sys < <(tail -1 "$OUT/time.txt")
    cpu=$(echo "$user + $sys" | bc -l)
    best_wall=$(echo "if ($wall < $best_wall) $wall else $best_wall" | bc -l)
    best_cpu=$(echo "if ($cpu < $best_cpu) $cpu else $best_cpu" | bc -l)
  done
  echo "$best_wall $best_cpu"
}

cat > "$OUT/pyhf_task.py" <<'PYEOF'
import json, sys, pyhf
task, ws_path, patch_path = sys.argv[1:4]
ws = pyhf.Workspace(json.load(open(ws_path)))
model = ws.model(patches=[json.load(open(patch_path))])
data = ws.data(model)
if task == "fit":
    pars, val = pyhf.infer.mle.fit(data, model, return_fitted_val=True)
    print(json.dumps({"twice_nll": float(val)}))
elif task == "limit":
    obs, exp = pyhf.infer.intervals.upper_limits.upper_limit(data, model)
    print(json.dumps({"obs": float(obs), "exp": [float(e) for e in exp]}))
PYEOF

echo "| likelihood | task | hepkey wall s | hepkey CPU s | pyhf wall s | pyhf CPU s | speed-up (CPU) |"
echo "|---|---|---:|---:|---:|---:|---:|"
for case in $CASES; do
  region=${case%%:*}; patch=${case#*:}
  ws=$OUT/sbottom/$region/BkgOnly.json; p=$OUT/sbottom/$region/patch.$patch.json
  tasks="cls fit"
  [ "${BENCH_LIMITS:-1}" = 1 ] && tasks="$tasks limit"
  for task in $tasks; do
    case $task in
      cls)   hk=(cls "$ws" -p "$p"); py=("$(dirname "$PY")/pyhf" cls "$ws" -p "$p") ;;
      fit)   hk=(fit "$ws" -p "$p" --json); py=("$PY" "$OUT/pyhf_task.py" fit "$ws" "$p") ;;
      limit) hk=(limit "$ws" -p "$p" --json); py=("$PY" "$OUT/pyhf_task.py" limit "$ws" "$p") ;;
    esac
    read -r hw hc < <(measure "hk_${region}_${patch}_$task" 3 "$HK" "${hk[@]}")
    read -r pw pc < <(measure "py_${region}_${patch}_$task" 1 "${py[@]}")
    speed=$(echo "scale=0; $pc / $hc" | bc -l)
    echo "| $region $patch | $task | $hw | $hc | $pw | $pc | ${speed}x |"
  done
done
