#!/usr/bin/env bash
# Where hepkey's time goes on the AGC benchmark (see PROFILE.md): runs
# `hepkey run --threads 1` on variants of the AGC analysis file and prints
# CPU seconds per variant, then a perf profile of the full analysis if perf exists.
# Run bench/agc/run.sh first (it builds hepkey and the input file).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target-bench}
WORK=${WORK:-/tmp/hepkey-agc-bench}
HEPKEY=$CARGO_TARGET_DIR/release/hepkey
TOML=$WORK/ttbar_bench.toml
EXP=$WORK/profile
mkdir -p "$EXP"

python3 - "$TOML" "$EXP" <<'EOF'
import re, sys
src, exp = open(sys.argv[1]).read(), sys.argv[2]
trijet = ("tri = combinations(jets, 3)\nhas_b = max(tri.0.btagCSVV2, tri.1.btagCSVV2, tri.2.btagCSVV2) > 0.5\n"
          "best = tri[has_b][argmax(pt(tri.0, tri.1, tri.2)[has_b])]\nm_bjj = mass(best.0, best.1, best.2)\n")
assert trijet in src
variants = {
    "full": src,
    # The event filter written into the definitions by hand: combinations and
    # four-vectors only for 4j2b events (same histograms, byte for byte).
    "early_filter": src.replace("tri = combinations(jets, 3)\n",
        "jets_4j2b = jets[count(electrons) + count(muons) == 1 && count(jets) >= 4 && n_btag >= 2]\n"
        "tri = combinations(jets_4j2b, 3)\n"),
    # No m_bjj (the 4j2b histogram shows HT instead).
    "no_mbjj": src.replace(trijet, "").replace('expression = "m_bjj"', 'expression = "HT"'),
    # No kinematic variations (one pass of the selection instead of three).
    "no_kinematic": re.sub(r'\[\[systematics\]\]\nname = "pt_(scale|res)_up"\nkind = "kinematic"\nreplace = \{[^\n]*\}\n', "", src),
}
# Reading only: every branch read, one trivial per-event expression, no selection.
head = src.split("[[selections]]")[0].split("[analysis]")[1]
branches = ["Jet_pt", "Jet_eta", "Jet_phi", "Jet_mass", "Jet_btagCSVV2", "Jet_jetId", "Electron_pt",
            "Electron_eta", "Electron_cutBased", "Electron_sip3d", "Muon_pt", "Muon_eta", "Muon_tightId",
            "Muon_sip3d", "Muon_pfRelIso04_all"]
variants["read_only"] = ('definitions = ""\n[analysis]' + head + '[[histograms]]\nname = "n"\nexpression = "'
                         + " + ".join(f"count({b})" for b in branches) + '"\nbins = 25\nrange = [0.0, 100.0]\n')
for name, text in variants.items():
    open(f"{exp}/{name}.toml", "w").write(text)
EOF

for v in read_only no_kinematic no_mbjj early_filter full; do
    /usr/bin/time -f "$v: %U s user + %S s sys, %e s wall, %M KB peak RSS" \
        "$HEPKEY" run "$EXP/$v.toml" -o "$EXP/out-$v" --no-plots --threads 1 2>&1 | tail -1
done
cmp -s "$EXP/out-early_filter/histograms.json" "$EXP/out-full/histograms.json" &&
    echo "early_filter and full: identical histograms.json"

if command -v perf > /dev/null; then
    perf record -F 499 -g -o "$EXP/perf.data" "$HEPKEY" run "$TOML" -o "$EXP/out-perf" --no-plots --threads 1 > /dev/null 2>&1
    perf report -i "$EXP/perf.data" --no-children --stdio --sort symbol 2> /dev/null |
        grep -E '^\s+[0-9.]+%' | head -25 | cut -c1-120
fi
