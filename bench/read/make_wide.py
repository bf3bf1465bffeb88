#!/usr/bin/env python3
"""A NanoAOD-wide file for issue #14: 1,530 branches (30 collections of 49 float members with their
counters, 30 scalars), 20,000 events, ZLIB(1), written by uproot as a TTree (and, with --rntuple,
the same arrays as an RNTuple). Used to time `hepkey inspect` and reading 10 of the branches.

    python3 bench/read/make_wide.py OUT.root [--rntuple]
    python3 bench/read/make_wide.py NARROW.root --narrow   # the same first collection, 45 branches

With --narrow only the first collection is written, with 44 of its members (45 branches with the
counter): the same values as in the wide file, to compare reading 10 branches of each.
"""

import argparse
import os

import awkward as ak
import numpy as np
import uproot


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("output")
    p.add_argument("--rntuple", action="store_true")
    p.add_argument("--narrow", action="store_true")
    args = p.parse_args()
    n = 20000
    rng = np.random.default_rng(1)
    data = {}
    for c in range(30):
        counts = rng.integers(0, 6, n)
        members = {
            f"m{m}": ak.unflatten(rng.normal(size=counts.sum()).astype(np.float32), counts)
            for m in range(49)
        }
        data[f"C{c}"] = ak.zip(members)
    for s in range(30):
        data[f"S{s}"] = rng.normal(size=n).astype(np.float32)
    if args.narrow:
        data = {"C0": ak.zip({f"m{m}": data["C0"][f"m{m}"] for m in range(44)})}
    partial = args.output + ".part"
    with uproot.recreate(partial, compression=uproot.ZLIB(1)) as f:
        if args.rntuple:
            f.mkrntuple("Events", data)
        else:
            types = {k: ak.type(v) if isinstance(v, ak.Array) else v.dtype for k, v in data.items()}
            f.mktree("Events", types)
            f["Events"].extend(data)
    os.replace(partial, args.output)


if __name__ == "__main__":
    main()
