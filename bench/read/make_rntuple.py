#!/usr/bin/env python3
"""Writes the reading benchmark's TTree file again as an RNTuple, with uproot 5.7
(`mkrntuple`): the same 1M events and branches, the same compression.

    python3 bench/read/make_rntuple.py IN.root OUT.root --compression zlib|lz4|zstd

uproot puts each column of a cluster in one page and the whole file in one cluster;
ROOT's writer cuts pages of about 64 KiB. Both are valid RNTuple v1.0.
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
    args = p.parse_args()
    arrays = uproot.open(args.input)["Events"].arrays()
    partial = args.output + ".part"
    with uproot.recreate(partial, compression=LEVELS[args.compression]) as f:
        f.mkrntuple("Events", arrays)
    os.replace(partial, args.output)


if __name__ == "__main__":
    main()
