#!/usr/bin/env python3
"""Build the busy AGC benchmark input: genuine tt̄ NanoAOD events, replicated.

Source: the 10 events of the CMS 2015 tt̄ sample (dataset 19980) in
../shared/data/root/cmsopendata2015_ttbar_19980_NANOAOD_RNTupleImporter_rntuple_v1-0-0-1.root,
read by uproot. Output event n is source event ``n % 10``, unchanged: no
smearing, no mixing, so every event is a real tt̄ event and a selection passes
as often as on tt̄ (about half the events have >= 4 jets; 20 % reach 4j2b).

The output is a TTree ``Events`` with the 18 branches the AGC needs, written as
make_file.py writes them (uproot ``mktree``, leaf-count arrays with int32
counters ``nElectron/nMuon/nJet``, ZLIB level 1, one basket per branch per
chunk of ``--chunk`` events).

Usage: make_ttbar_file.py [-o /tmp/hepkey-agc-bench/ttbar_2M.root] [-n 2000000]
"""

import argparse
import os
import sys

import awkward as ak
import numpy as np
import uproot

SOURCE = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "../../../shared/data/root/cmsopendata2015_ttbar_19980_NANOAOD_RNTupleImporter_rntuple_v1-0-0-1.root",
)
COLLECTIONS = {
    "Electron": ["pt", "eta", "cutBased", "sip3d"],
    "Muon": ["pt", "eta", "tightId", "sip3d", "pfRelIso04_all"],
    "Jet": ["pt", "eta", "phi", "mass", "btagCSVV2", "jetId"],
}


def load_source():
    events = uproot.open(SOURCE)["Events"]
    return {
        prefix: ak.zip({f: events[f"{prefix}_{f}"].array() for f in fields})
        for prefix, fields in COLLECTIONS.items()
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", default="/tmp/hepkey-agc-bench/ttbar_2M.root")
    ap.add_argument("-n", "--events", type=int, default=2_000_000)
    ap.add_argument("--chunk", type=int, default=100_000)
    args = ap.parse_args()

    src = load_source()
    nsrc = len(src["Jet"])
    tmp = args.output + ".tmp"
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with uproot.recreate(tmp, compression=uproot.ZLIB(1)) as out:
        tree = None
        for start in range(0, args.events, args.chunk):
            stop = min(start + args.chunk, args.events)
            index = np.arange(start, stop) % nsrc
            chunk = {k: v[index] for k, v in src.items()}
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
