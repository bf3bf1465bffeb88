#!/usr/bin/env python3
"""Writes the reading benchmark's TTree file again as an RNTuple, with uproot 5.7
(`mkrntuple`): the same 1M events and branches, the same compression.

    python3 bench/read/make_rntuple.py IN.root OUT.root --compression zlib|lz4|zstd [--cluster-entries N]

uproot puts each column of a cluster in one page and, written at once, the whole file in one cluster;
`--cluster-entries N` writes N entries and extends by N at a time, one cluster each. ROOT's writer
cuts pages of about 64 KiB. All are valid RNTuple v1.0.
"""

import argparse
import os

import uproot

LEVELS = {"zlib": uproot.ZLIB(1), "lz4": uproot.LZ4(4), "zstd": uproot.ZSTD(5)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--compression", choices=sorted(LEVELS), default="zlib")
    p.add_argument("--cluster-entries", type=int, default=0, help="entries per cluster (0: one cluster)")
    args = p.parse_args()
    arrays = uproot.open(args.input)["Events"].arrays()
    partial = args.output + ".part"
    with uproot.recreate(partial, compression=LEVELS[args.compression]) as f:
        step = args.cluster_entries or len(arrays)
        f.mkrntuple("Events", arrays[:step])
        for start in range(step, len(arrays), step):
            f["Events"].extend(arrays[start : start + step])
    os.replace(partial, args.output)


if __name__ == "__main__":
    main()
