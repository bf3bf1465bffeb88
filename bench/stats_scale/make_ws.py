#!/usr/bin/env python3
"""Scaled HistFactory workspaces (pyhf JSON) for bench/stats_scale/run.sh and the
large-model fixture of crates/stats/tests.

  make_ws.py bins N OUT       one channel, N bins: signal (normfactor mu), background
                              with shapesys, a second background with staterror
  make_ws.py channels M OUT   M channels x 2 bins: signal (mu, lumi), background with
                              per-channel normsys + histosys + staterror, and a shared normsys
  make_ws.py big OUT          ~60 MB workspace (many channels, samples, histosys) for
                              inspect-ws / sort / digest

Deterministic (seeded); data are the expected background plus Poisson-like noise, so fits
are well-defined and mu fits near a small positive value.
"""
import json
import math
import random
import sys


def noisy(rng, nu):
    # Gaussian approximation of a Poisson draw, rounded, never negative.
    return float(max(0, round(nu + math.sqrt(nu) * rng.gauss(0.0, 1.0))))


def ws_bins(n, seed=1):
    rng = random.Random(seed)
    sig = [max(0.5, 20.0 * math.exp(-0.5 * ((i - n / 2) / (n / 10 + 1)) ** 2)) for i in range(n)]
    bkg = [50.0 + 30.0 * rng.random() for _ in range(n)]
    bkg_unc = [b * (0.05 + 0.05 * rng.random()) for b in bkg]
    bkg2 = [20.0 + 10.0 * rng.random() for _ in range(n)]
    bkg2_unc = [math.sqrt(b) * 0.5 for b in bkg2]
    obs = [noisy(rng, b + c + 0.3 * s) for s, b, c in zip(sig, bkg, bkg2)]
    return {
        "channels": [
            {
                "name": "singlechannel",
                "samples": [
                    {"name": "signal", "data": sig,
                     "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]},
                    {"name": "background", "data": bkg,
                     "modifiers": [{"name": "uncorr_bkguncrt", "type": "shapesys", "data": bkg_unc}]},
                    {"name": "background2", "data": bkg2,
                     "modifiers": [{"name": "staterror_singlechannel", "type": "staterror",
                                    "data": bkg2_unc}]},
                ],
            }
        ],
        "observations": [{"name": "singlechannel", "data": obs}],
        "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.0.0",
    }


def ws_channels(m, seed=2):
    rng = random.Random(seed)
    channels, observations = [], []
    width = len(str(m - 1))
    for c in range(m):
        name = f"ch{c:0{width}d}"
        sig = [2.0 + 3.0 * rng.random() for _ in range(2)]
        bkg = [40.0 + 40.0 * rng.random() for _ in range(2)]
        hi = [b * (1.0 + 0.05 * rng.random()) for b in bkg]
        lo = [b * (1.0 - 0.04 * rng.random()) for b in bkg]
        stat = [0.1 * math.sqrt(b) for b in bkg]
        lo_n, hi_n = 0.9 - 0.05 * rng.random(), 1.1 + 0.05 * rng.random()
        channels.append({
            "name": name,
            "samples": [
                {"name": "signal", "data": sig, "modifiers": [
                    {"name": "mu", "type": "normfactor", "data": None},
                    {"name": "lumi", "type": "lumi", "data": None},
                ]},
                {"name": "background", "data": bkg, "modifiers": [
                    {"name": f"norm_{name}", "type": "normsys", "data": {"hi": hi_n, "lo": lo_n}},
                    {"name": f"shape_{name}", "type": "histosys",
                     "data": {"hi_data": hi, "lo_data": lo}},
                    {"name": f"staterror_{name}", "type": "staterror", "data": stat},
                    {"name": "bkg_xsec", "type": "normsys", "data": {"hi": 1.05, "lo": 0.95}},
                ]},
            ],
        })
        observations.append({"name": name, "data": [noisy(rng, b + 0.5 * s) for s, b in zip(sig, bkg)]})
    return {
        "channels": channels,
        "observations": observations,
        "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": [
            {"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.8, 1.2]], "inits": [1.0]},
        ]}}],
        "version": "1.0.0",
    }


def ws_big(seed=3, n_channels=240, n_bins=50, n_samples=8, n_histo=15):
    rng = random.Random(seed)
    channels, observations = [], []
    for c in range(n_channels):
        name = f"region_{c:03d}"
        samples = []
        total = [0.0] * n_bins
        for s in range(n_samples):
            nom = [10.0 + 100.0 * rng.random() for _ in range(n_bins)]
            total = [t + v for t, v in zip(total, nom)]
            mods = [{"name": "mu" if s == 0 else f"norm_s{s}", "type": "normfactor", "data": None}]
            for h in range(n_histo):
                # Half the systematics shared, half per region (thousands of parameters).
                sname = f"syst_{h:02d}" if h < n_histo // 2 else f"syst_{h:02d}_{name}"
                mods.append({"name": sname, "type": "histosys", "data": {
                    "hi_data": [v * (1.0 + 0.1 * rng.random()) for v in nom],
                    "lo_data": [v * (1.0 - 0.1 * rng.random()) for v in nom]}})
            mods.append({"name": f"staterror_{name}", "type": "staterror",
                         "data": [0.05 * v for v in nom]})
            samples.append({"name": f"sample_{s}", "data": nom, "modifiers": mods})
        channels.append({"name": name, "samples": samples})
        observations.append({"name": name, "data": [float(round(t)) for t in total]})
    return {
        "channels": channels,
        "observations": observations,
        "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.0.0",
    }


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    kind = sys.argv[1]
    if kind == "bins":
        ws, out = ws_bins(int(sys.argv[2])), sys.argv[3]
    elif kind == "channels":
        ws, out = ws_channels(int(sys.argv[2])), sys.argv[3]
    elif kind == "big":
        ws, out = ws_big(), sys.argv[2]
    else:
        sys.exit(__doc__)
    with open(out, "w") as f:
        json.dump(ws, f)


if __name__ == "__main__":
    main()
