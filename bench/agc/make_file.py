#!/usr/bin/env python3
"""Build the AGC benchmark input: 2M NanoAOD-like events replicated from the
real events of ../shared/data/root/nanoAOD_2015_CMS_Open_Data_ttbar.root.

Output: one ROOT file, tree ``Events``, only the 18 branches the AGC needs
(``nElectron, Electron_{pt,eta,cutBased,sip3d}, nMuon,
Muon_{pt,eta,tightId,sip3d,pfRelIso04_all}, nJet,
Jet_{pt,eta,phi,mass,btagCSVV2,jetId}``), written by uproot as leaf-count
arrays (counter branches ``nElectron/nMuon/nJet`` as uproot writes them,
int32; ``Jet_pt[nJet]`` etc.), ZLIB level 1, one basket per branch per
chunk of ``--chunk`` (100k) events.

Why the events are perturbed. The 200 source events look like W+jets
(spec agc-ttbar.md §10): every muon has ``tightId`` False and only 2 events
have >= 4 jets passing |eta| < 2.4 and jetId bit 2, so plain copies give 0
events in 4j1b/4j2b, and a benchmark where every event dies at the first cut
would be unrealistically cheap (no HT, no trijet combinations). Real tt̄ has
about 1 % of events in 4j1b and 2 % in 4j2b (spec §9). So, deterministically
(numpy ``default_rng(SEED)``, SEED = 20150, one generator per chunk seeded with
(SEED, chunk index), so the file is identical for any run):

Output event n takes its **leptons** from source event ``n % 200`` and its
**jets** from a source event drawn per event (event mixing):
  * with probability P_RICH = 0.50, uniformly from the 19 "jet-rich" source
    events (>= 4 jets with |eta| < 2.4 and (jetId & 4) != 0);
  * otherwise uniformly from all 200 source events.
Then:
  1. ``Muon_tightId`` := ``Muon_pt > 30`` (after the smearing of step 2).
  2. Lepton pt × (1 + N(0, 0.02)) per lepton; other lepton columns copied.
  3. Jet pt × s × (1 + N(0, 0.02)), s ~ U(1.0, 2.0) per event (harder jets).
     Jet eta += N(0, 0.02), phi += N(0, 0.02) (wrapped into [-pi, pi)),
     mass × (1 + N(0, 0.02)). jetId copied.
  4. b-tag promotion: each jet independently, with probability Q_BTAG = 0.30,
     gets ``btagCSVV2`` ~ U(0.55, 1.0) (above the 0.5 threshold); otherwise
     its value is copied.
  5. Every perturbed float is rounded to the mantissa precision its branch
     has in the source file (NanoAOD stores e.g. Jet_pt with 10 mantissa bits, eta/phi
     with 12), so the values are distinct yet compress like NanoAOD,
     rather than as byte-identical copies that zlib would squeeze unrealistically.
With these settings 16.7 % of events have exactly one selected lepton,
about 1.0 % are 4j1b and 2.4 % 4j2b (``--stats`` prints the fractions),
and the mean nJet is 4.5 (2.7 in the source file).

Usage: make_file.py [-o /tmp/hepkey-agc-bench/agc_2M.root] [-n 2000000]
       make_file.py --stats 200000      # fractions only, writes nothing
"""

import argparse
import os
import sys

import awkward as ak
import numpy as np
import uproot

SOURCE = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "../../../shared/data/root/nanoAOD_2015_CMS_Open_Data_ttbar.root",
)
SEED = 20150
P_RICH = 0.50
S_RANGE = (1.0, 2.0)
SMEAR = 0.02
Q_BTAG = 0.30

ELECTRON = ["pt", "eta", "cutBased", "sip3d"]
MUON = ["pt", "eta", "tightId", "sip3d", "pfRelIso04_all"]
JET = ["pt", "eta", "phi", "mass", "btagCSVV2", "jetId"]


def trailing_zero_bits(x):
    """Smallest count of trailing zero mantissa bits over a float32 array."""
    bits = np.asarray(x, dtype=np.float32).view(np.uint32)
    bits = bits[bits != 0]
    if len(bits) == 0:
        return 0
    low = bits & (~bits + np.uint32(1))  # lowest set bit
    return int(np.log2(low.astype(np.float64)).min())


def round_mantissa(x, zero_bits):
    """Round float32 values to nearest, keeping 23 - zero_bits mantissa bits."""
    x = np.asarray(x, dtype=np.float32)
    if zero_bits <= 0:
        return x
    bits = x.view(np.uint32).astype(np.uint64)
    half = np.uint64(1 << (zero_bits - 1))
    mask = np.uint64((0xFFFFFFFF >> zero_bits) << zero_bits)
    return ((bits + half) & mask).astype(np.uint32).view(np.float32)


def load_source():
    tree = uproot.open(SOURCE)["Events"]
    names = (
        [f"Electron_{f}" for f in ELECTRON]
        + [f"Muon_{f}" for f in MUON]
        + [f"Jet_{f}" for f in JET]
    )
    src = tree.arrays(names)
    precision = {
        n: trailing_zero_bits(ak.flatten(src[n]).to_numpy())
        for n in names
        if ak.flatten(src[n]).to_numpy().dtype == np.float32
    }
    jet_ok = (abs(src.Jet_eta) < 2.4) & ((src.Jet_jetId & 4) != 0)
    rich = np.flatnonzero(ak.sum(jet_ok, axis=1).to_numpy() >= 4)
    return src, precision, rich


def collection(src, prefix, fields, index):
    return ak.zip({f: src[f"{prefix}_{f}"][index] for f in fields})


def make_chunk(src, precision, rich, start, stop, chunk_no):
    rng = np.random.default_rng([SEED, chunk_no])
    n = stop - start
    nsrc = len(src)
    lep_src = np.arange(start, stop) % nsrc
    jet_src = np.where(
        rng.random(n) < P_RICH,
        rich[rng.integers(0, len(rich), n)],
        rng.integers(0, nsrc, n),
    )

    def smeared(values, scale):
        flat = ak.flatten(values).to_numpy().astype(np.float64)
        return flat * (1.0 + rng.normal(0.0, scale, len(flat)))

    def finish(name, flat):
        return round_mantissa(np.asarray(flat, dtype=np.float32), precision[name])

    # Leptons.
    ele = collection(src, "Electron", ELECTRON, lep_src)
    ecounts = ak.num(ele)
    ele_pt = finish("Electron_pt", smeared(ele.pt, SMEAR))
    ele = ak.zip(
        {
            "pt": ak.unflatten(ele_pt, ecounts),
            "eta": ele.eta,
            "cutBased": ele.cutBased,
            "sip3d": ele.sip3d,
        }
    )
    mu = collection(src, "Muon", MUON, lep_src)
    mcounts = ak.num(mu)
    mu_pt = finish("Muon_pt", smeared(mu.pt, SMEAR))
    mu = ak.zip(
        {
            "pt": ak.unflatten(mu_pt, mcounts),
            "eta": mu.eta,
            "tightId": ak.unflatten(mu_pt > np.float32(30), mcounts),
            "sip3d": mu.sip3d,
            "pfRelIso04_all": mu.pfRelIso04_all,
        }
    )

    # Jets.
    jet = collection(src, "Jet", JET, jet_src)
    jcounts = ak.num(jet).to_numpy()
    njet = int(jcounts.sum())
    s = np.repeat(rng.uniform(*S_RANGE, n), jcounts)
    pt = finish("Jet_pt", smeared(jet.pt, SMEAR) * s)
    eta = finish("Jet_eta", ak.flatten(jet.eta).to_numpy() + rng.normal(0, SMEAR, njet))
    phi = ak.flatten(jet.phi).to_numpy() + rng.normal(0, SMEAR, njet)
    phi = finish("Jet_phi", (phi + np.pi) % (2 * np.pi) - np.pi)
    mass = finish("Jet_mass", smeared(jet.mass, SMEAR))
    btag = ak.flatten(jet.btagCSVV2).to_numpy()
    promote = rng.random(njet) < Q_BTAG
    btag = np.where(promote, rng.uniform(0.55, 1.0, njet).astype(np.float32), btag)
    btag = finish("Jet_btagCSVV2", btag)
    jet = ak.zip(
        {
            "pt": ak.unflatten(pt, jcounts),
            "eta": ak.unflatten(eta, jcounts),
            "phi": ak.unflatten(phi, jcounts),
            "mass": ak.unflatten(mass, jcounts),
            "btagCSVV2": ak.unflatten(btag, jcounts),
            "jetId": jet.jetId,
        }
    )
    return {"Electron": ele, "Muon": mu, "Jet": jet}


def region_fractions(chunk):
    """AGC selection on float32 values (spec §3-§4), nominal jets."""
    e, m, j = chunk["Electron"], chunk["Muon"], chunk["Jet"]
    ne = ak.sum((e.pt > 30) & (abs(e.eta) < 2.1) & (e.cutBased == 4) & (e.sip3d < 4), axis=1)
    nm = ak.sum(
        (m.pt > 30) & (abs(m.eta) < 2.1) & m.tightId & (m.sip3d < 4) & (m.pfRelIso04_all < 0.15),
        axis=1,
    )
    sel = (j.pt > 30) & (abs(j.eta) < 2.4) & ((j.jetId & 4) != 0)
    nj = ak.sum(sel, axis=1)
    nb = ak.sum(sel & (j.btagCSVV2 > 0.5), axis=1)
    base = ((ne + nm) == 1) & (nj >= 4)
    return {
        "one_lepton": float(ak.mean((ne + nm) == 1)),
        "4j1b": float(ak.mean(base & (nb == 1))),
        "4j2b": float(ak.mean(base & (nb >= 2))),
        "mean_nJet": float(ak.mean(ak.num(j))),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", default="/tmp/hepkey-agc-bench/agc_2M.root")
    ap.add_argument("-n", "--events", type=int, default=2_000_000)
    ap.add_argument("--chunk", type=int, default=100_000)
    ap.add_argument("--stats", type=int, metavar="N", help="print region fractions of N events; write nothing")
    args = ap.parse_args()

    src, precision, rich = load_source()
    if args.stats:
        print(region_fractions(make_chunk(src, precision, rich, 0, args.stats, 0)))
        return

    tmp = args.output + ".tmp"
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with uproot.recreate(tmp, compression=uproot.ZLIB(1)) as out:
        tree = None
        for chunk_no, start in enumerate(range(0, args.events, args.chunk)):
            stop = min(start + args.chunk, args.events)
            chunk = make_chunk(src, precision, rich, start, stop, chunk_no)
            if tree is None:
                # mktree, not out["Events"] = ...: uproot >= 5.7 writes an RNTuple then.
                tree = out.mktree("Events", {k: v.type.content for k, v in chunk.items()})
            tree.extend(chunk)
            print(f"\r{stop}/{args.events} events", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    os.replace(tmp, args.output)
    print(f"wrote {args.output} ({os.path.getsize(args.output) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
