#!/usr/bin/env python3
"""Builds the NanoAOD-like benchmark files for the reading benchmark.

Events are drawn at random (fixed seed) from the 200 real CMS Open Data ttbar
events of nanoAOD_2015_CMS_Open_Data_ttbar.root and written with uproot as
NanoAOD writes them: scalar branches, counters (nJet, nElectron, nMuon) and
leaf-count arrays (Jet_pt[nJet], ...). The tree is filled in chunks of
--basket-entries events, each chunk one basket per branch, like a real file.

Floating-point values get a small multiplicative smear (0.1 per mille by
default): replicated events would otherwise repeat byte for byte within the
compressor's window, giving unrealistically high compression ratios and fast
decompression. Integers, booleans and counters are copied unchanged; `event`
is renumbered 1..N so event numbers stay unique.

    python3 bench/read/make_file.py [--events 1000000] [--out /tmp/hepkey-bench]
        [--compressions zlib,lz4,zstd] [--basket-entries 100000] [--smear 1e-4] [--root-copy]

Writes OUT/nano_1M_<compression>.root (via a temporary file and a rename) and,
with --root-copy, OUT/nano_1M_<compression>_rootw.root: the same tree copied
by ROOT itself (TTree::CloneTree), which picks basket sizes and clusters as
it does for real NanoAOD files; uproot's layout (one basket per branch per
chunk, clusters not aligned with ROOT's auto-flush estimate) is less usual.
"""

import argparse
import os
import sys
import time

import awkward as ak
import numpy as np
import uproot

SOURCE = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "../../../shared/data/root/nanoAOD_2015_CMS_Open_Data_ttbar.root",
)

SCALARS = [
    "run",
    "luminosityBlock",
    "event",
    "genWeight",
    "MET_pt",
    "MET_phi",
    "MET_sumEt",
    "PV_npvs",
    "PV_npvsGood",
    "PV_z",
    "Flag_goodVertices",
    "Flag_METFilters",
    "HLT_IsoMu20",
    "HLT_IsoMu24",
    "HLT_Ele27_WPLoose_Gsf",
]

COLLECTIONS = {
    "Jet": ["pt", "eta", "phi", "mass", "btagCSVV2", "btagDeepFlavB", "jetId", "puId",
            "hadronFlavour"],
    "Electron": ["pt", "eta", "phi", "mass", "charge", "cutBased", "pfRelIso03_all", "dxy",
                 "dz"],
    "Muon": ["pt", "eta", "phi", "mass", "charge", "tightId", "mediumId", "pfRelIso04_all",
             "dxy", "dz"],
}

# ROOT's defaults for each algorithm (ZLIB 1 is ROOT's classic default, 101).
COMPRESSIONS = {
    "zlib": lambda: uproot.ZLIB(1),
    "lz4": lambda: uproot.LZ4(4),
    "zstd": lambda: uproot.ZSTD(5),
}
# The same as ROOT compression settings (100 * algorithm + level).
ROOT_SETTINGS = {"zlib": 101, "lz4": 404, "zstd": 505}


def branch_names(tree):
    """The benchmark's branches that exist in the source file, in file order."""
    wanted = list(SCALARS)
    for coll, fields in COLLECTIONS.items():
        wanted.append("n" + coll)
        wanted += [f"{coll}_{f}" for f in fields]
    present = set(tree.keys())
    missing = [b for b in wanted if b not in present]
    if missing:
        print(f"make_file: not in the source file, skipped: {', '.join(missing)}", file=sys.stderr)
    return [b for b in wanted if b in present]


def smeared(values, rng, smear):
    """Floats times (1 + smear * N(0,1)); other types unchanged."""
    if smear > 0 and values.dtype.kind == "f":
        noise = rng.standard_normal(len(values)).astype(values.dtype)
        return values * (1 + values.dtype.type(smear) * noise)
    return values


def chunk_data(source, names, index, first_event, rng, smear):
    """The dict uproot writes for one chunk: scalars, and one record array per
    collection (uproot writes it as nColl plus Coll_field leaf-count branches)."""
    out = {}
    for name in names:
        if name in SCALARS:
            values = np.asarray(source[name])[index]
            if name == "event":
                values = np.arange(first_event + 1, first_event + 1 + len(index),
                                   dtype=values.dtype)
            out[name] = smeared(values, rng, smear)
    for coll, fields in COLLECTIONS.items():
        present = [f for f in fields if f"{coll}_{f}" in names]
        if not present:
            continue
        counts = np.asarray(source["n" + coll])[index].astype(np.int64)
        record = {}
        for f in present:
            jagged = source[f"{coll}_{f}"][index]
            flat = smeared(ak.to_numpy(ak.flatten(jagged)), rng, smear)
            record[f] = ak.unflatten(flat, counts)
        out[coll] = ak.zip(record)
    return out


def build(compression, args, source, names):
    path = os.path.join(args.out, f"nano_{args.label}_{compression}.root")
    if os.path.exists(path) and not args.force:
        print(f"make_file: {path} exists (use --force to rebuild)")
        return path
    tmp = path + ".part"
    rng = np.random.default_rng(args.seed)
    n_source = len(source[names[0]])
    started = time.time()
    with uproot.recreate(tmp, compression=COMPRESSIONS[compression]()) as f:
        written = 0
        tree = None
        while written < args.events:
            n = min(args.basket_entries, args.events - written)
            index = rng.integers(0, n_source, size=n)
            data = chunk_data(source, names, index, written, rng, args.smear)
            if tree is None:
                # mktree, not assignment: uproot >= 5.7 writes RNTuples on assignment.
                tree = f.mktree("Events", data,
                                initial_basket_capacity=args.events // args.basket_entries + 2)
            else:
                tree.extend(data)
            written += n
    os.replace(tmp, path)
    size = os.path.getsize(path) / 1e6
    print(f"make_file: wrote {path} ({args.events} events, {size:.1f} MB, "
          f"{time.time() - started:.0f} s)")
    return path


def rewrite_with_root(src, dst, compression, force):
    """Copies the tree entry by entry with ROOT (TTree::CloneTree without fast
    cloning), so that ROOT chooses basket sizes and cluster boundaries the way
    it does for a real NanoAOD file (auto-flush every ~30 MB, baskets resized
    at the first flush)."""
    if os.path.exists(dst) and not force:
        print(f"make_file: {dst} exists (use --force to rebuild)")
        return
    import warnings
    warnings.filterwarnings("ignore")  # the PyPI build's "alpha stage" notice
    import ROOT

    started = time.time()
    tmp = dst + ".part"
    source = ROOT.TFile.Open(src)
    tree = source.Get("Events")
    out = ROOT.TFile(tmp, "RECREATE", "", ROOT_SETTINGS[compression])
    copy = tree.CloneTree(-1)
    copy.Write()
    out.Close()
    source.Close()
    os.replace(tmp, dst)
    print(f"make_file: wrote {dst} with ROOT {ROOT.gROOT.GetVersion()} "
          f"({os.path.getsize(dst) / 1e6:.1f} MB, {time.time() - started:.0f} s)")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--basket-entries", type=int, default=100_000)
    p.add_argument("--out", default="/tmp/hepkey-bench")
    p.add_argument("--label", default="1M")
    p.add_argument("--compressions", default="zlib,lz4,zstd")
    p.add_argument("--smear", type=float, default=1e-4)
    p.add_argument("--seed", type=int, default=2015)
    p.add_argument("--source", default=SOURCE)
    p.add_argument("--force", action="store_true")
    p.add_argument("--root-copy", action="store_true",
                   help="also write OUT/nano_<label>_<compression>_rootw.root, the same tree "
                        "rewritten by ROOT (needs the PyPI package root)")
    p.add_argument("--list-branches", action="store_true",
                   help="print the comma-separated branch list and exit")
    args = p.parse_args()

    tree = uproot.open(args.source)["Events"]
    names = branch_names(tree)
    if args.list_branches:
        print(",".join(names))
        return
    os.makedirs(args.out, exist_ok=True)
    source = tree.arrays(names, library="ak")
    source = {name: source[name] for name in names}
    for compression in args.compressions.split(","):
        if compression not in COMPRESSIONS:
            sys.exit(f"make_file: unknown compression {compression!r} "
                     f"(expected one of {', '.join(COMPRESSIONS)})")
        path = build(compression, args, source, names)
        if args.root_copy:
            rewrite_with_root(path, path.replace(".root", "_rootw.root"), compression, args.force)


if __name__ == "__main__":
    main()
