#!/usr/bin/env python3
"""The AGC tt̄ analysis (../shared/specs/agc-ttbar.md §3-§6, arithmetic of §9)
in plain uproot + awkward + numpy, as a coffea user would write it without
coffea: uproot.iterate in chunks of 200k entries, object masks, event
selection, HT and m_bjj from 3-jet combinations, the two jet-pt variations
(pt x 1.03, deterministic JER) and 8 b-tag weight variations, 22 histograms.

The input file is treated as tt̄ nominal: w = 729.84 pb x 3378 pb^-1 / N_entries,
as in examples/agc/ttbar.toml (sum_weights = "entries").

Prints one JSON line: events, events/s, CPU s (getrusage user+sys), wall s,
peak RSS, all measured from opening the file to the filled histograms.
With --compare OUT/histograms.json it checks every histogram against
hepkey's output (values and variances, flow bins included) to 1e-6 relative.

Usage: agc_uproot.py FILE [--step 200000] [--compare OUT/histograms.json]
"""

import argparse
import json
import resource
import sys
import time
from statistics import NormalDist

import awkward as ak
import numpy as np
import uproot

from compare import compare

XSEC = 729.84
LUMI = 3378.0
BINS, LO, HI = 25, 50.0, 550.0
BRANCHES = [
    "Electron_pt", "Electron_eta", "Electron_cutBased", "Electron_sip3d",
    "Muon_pt", "Muon_eta", "Muon_tightId", "Muon_sip3d", "Muon_pfRelIso04_all",
    "Jet_pt", "Jet_eta", "Jet_phi", "Jet_mass", "Jet_btagCSVV2", "Jet_jetId",
]
KINEMATIC = ["nominal", "pt_scale_up", "pt_res_up"]
BTAG = [f"btag_var_{i}_{d}" for i in range(4) for d in ("up", "down")]
VARIATIONS = KINEMATIC + BTAG

# JER factor r = f32(1 + 0.05 * Phi^-1(0.001 * (k mod 1000) + 0.0005)): only
# 1000 possible values, so tabulate them once (float64 quantile, then float32).
_PPF = NormalDist().inv_cdf
JER_TABLE = np.array(
    [1.0 + 0.05 * _PPF(0.001 * k + 0.0005) for k in range(1000)], dtype=np.float64
).astype(np.float32)


def jer_factor(pt):
    flat = ak.flatten(pt).to_numpy()
    k = (flat * np.float32(1000)).astype(np.int64)  # float32 product, truncated
    return ak.unflatten(JER_TABLE[k % 1000], ak.num(pt))


class Histograms:
    """Sigma w and Sigma w^2 with flow bins, boost-histogram's bin rule in float64."""

    def __init__(self):
        self.sumw = {}
        self.sumw2 = {}

    def fill(self, key, x, w):
        x = np.asarray(x, dtype=np.float64)
        w = np.broadcast_to(np.asarray(w, dtype=np.float64), x.shape)
        with np.errstate(invalid="ignore"):
            idx = np.floor((x - LO) / (HI - LO) * BINS) + 1
        idx = np.where(np.isnan(idx), BINS + 1, np.clip(idx, 0, BINS + 1)).astype(np.int64)
        sw = np.bincount(idx, weights=w, minlength=BINS + 2)
        sw2 = np.bincount(idx, weights=w * w, minlength=BINS + 2)
        if key in self.sumw:
            self.sumw[key] += sw
            self.sumw2[key] += sw2
        else:
            self.sumw[key], self.sumw2[key] = sw, sw2


def p4(jets):
    """float64 Cartesian components from the widened float32 (pt, eta, phi, m)."""
    pt = ak.values_astype(jets.pt, np.float64)
    eta = ak.values_astype(jets.eta, np.float64)
    phi = ak.values_astype(jets.phi, np.float64)
    m = ak.values_astype(jets.mass, np.float64)
    px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
    e = np.sqrt(px * px + py * py + pz * pz + m * m)
    return px, py, pz, e


def m_bjj(jets):
    """Mass of the trijet with the largest pT among those with a b-tagged jet."""
    px, py, pz, e = p4(jets)
    idx = ak.argcombinations(jets.pt, 3)
    i, j, k = idx["0"], idx["1"], idx["2"]
    tpx = px[i] + px[j] + px[k]
    tpy = py[i] + py[j] + py[k]
    tpz = pz[i] + pz[j] + pz[k]
    te = e[i] + e[j] + e[k]
    b = jets.btagCSVV2
    has_b = np.maximum(np.maximum(b[i], b[j]), b[k]) > 0.5
    tpt = np.sqrt(tpx * tpx + tpy * tpy)
    best = ak.argmax(tpt[has_b], axis=1, keepdims=True)
    m2 = (te * te - tpx * tpx - tpy * tpy - tpz * tpz)[has_b][best]
    with np.errstate(invalid="ignore"):
        return np.sqrt(ak.to_numpy(ak.flatten(m2)))


def process(events, weight, hists, relaxed=False):
    if relaxed:
        # examples/agc/ttbar_relaxed_lepton.toml: no lepton requirement (the
        # lepton branches are not even read).
        one_lepton = np.ones(len(events), dtype=bool)
    else:
        one_lepton = lepton_count(events) == 1
    jet_variations(events, weight, hists, one_lepton)


def lepton_count(events):
    ele = events.Electron_pt
    n_ele = ak.sum(
        (ele > 30) & (abs(events.Electron_eta) < 2.1)
        & (events.Electron_cutBased == 4) & (events.Electron_sip3d < 4),
        axis=1,
    )
    n_mu = ak.sum(
        (events.Muon_pt > 30) & (abs(events.Muon_eta) < 2.1) & events.Muon_tightId
        & (events.Muon_sip3d < 4) & (events.Muon_pfRelIso04_all < 0.15),
        axis=1,
    )
    return n_ele + n_mu


def jet_variations(events, weight, hists, one_lepton):
    pt_nominal = events.Jet_pt
    jet_static = (abs(events.Jet_eta) < 2.4) & ((events.Jet_jetId & 4) != 0)
    varied_pt = {
        "nominal": pt_nominal,
        "pt_scale_up": pt_nominal * np.float32(1.03),
        "pt_res_up": pt_nominal * jer_factor(pt_nominal),
    }
    for variation, pt in varied_pt.items():
        jet_mask = (pt > 30) & jet_static
        n_jets = ak.sum(jet_mask, axis=1)
        keep = one_lepton & (n_jets >= 4)
        mask = jet_mask[keep]
        jets = ak.zip(
            {
                "pt": pt[keep][mask],
                "eta": events.Jet_eta[keep][mask],
                "phi": events.Jet_phi[keep][mask],
                "mass": events.Jet_mass[keep][mask],
                "btagCSVV2": events.Jet_btagCSVV2[keep][mask],
            }
        )
        n_b = ak.sum(jets.btagCSVV2 > 0.5, axis=1)
        for region, in_region in (("4j1b", n_b == 1), ("4j2b", n_b >= 2)):
            sel = jets[in_region]
            if region == "4j1b":
                name = "HT"
                x = ak.to_numpy(ak.sum(ak.values_astype(sel.pt, np.float64), axis=1))
            else:
                name = "m_bjj"
                x = m_bjj(sel)
            hists.fill(f"{region}/{name}/ttbar/{variation}", x, weight)
            if variation != "nominal":
                continue
            for i in range(4):
                shift = ak.to_numpy(sel.pt[:, i]).astype(np.float64) * 0.075 / 50
                hists.fill(f"{region}/{name}/ttbar/btag_var_{i}_up", x, weight * (1 + shift))
                hists.fill(f"{region}/{name}/ttbar/btag_var_{i}_down", x, weight * (1 - shift))


def main():
    ap = argparse.ArgumentParser(description="AGC tt̄ in uproot + awkward")
    ap.add_argument("file")
    ap.add_argument("--step", type=int, default=200_000)
    ap.add_argument("--compare", metavar="HISTOGRAMS_JSON")
    ap.add_argument("--dump", metavar="JSON", help="write the histograms (with flow) here")
    ap.add_argument("--relaxed", action="store_true",
                    help="no one-lepton requirement (examples/agc/ttbar_relaxed_lepton.toml)")
    args = ap.parse_args()

    wall0 = time.perf_counter()
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    with uproot.open(args.file) as f:
        n_total = f["Events"].num_entries
    weight = XSEC * LUMI / n_total
    hists = Histograms()
    n = 0
    branches = [b for b in BRANCHES if b.startswith("Jet_")] if args.relaxed else BRANCHES
    for events in uproot.iterate(f"{args.file}:Events", branches, step_size=args.step):
        process(events, weight, hists, args.relaxed)
        n += len(events)
    wall = time.perf_counter() - wall0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (ru.ru_utime - ru0.ru_utime) + (ru.ru_stime - ru0.ru_stime)
    print(json.dumps({
        "implementation": "uproot+awkward",
        "events": n,
        "events_per_s": round(n / wall),
        "cpu_s": round(cpu, 2),
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(ru.ru_maxrss / 1024, 1),
        "histograms": len(hists.sumw),
        "entries_4j1b": float(hists.sumw["4j1b/HT/ttbar/nominal"].sum() / weight),
        "entries_4j2b": float(hists.sumw["4j2b/m_bjj/ttbar/nominal"].sum() / weight),
    }))
    if args.dump:
        with open(args.dump, "w") as f:
            json.dump({k: {"sumw": v.tolist(), "sumw2": hists.sumw2[k].tolist()}
                       for k, v in hists.sumw.items()}, f)
    mine = {k: (v, hists.sumw2[k]) for k, v in hists.sumw.items()}
    if args.compare and not compare(mine, args.compare, "uproot+awkward"):
        sys.exit(1)


if __name__ == "__main__":
    main()
