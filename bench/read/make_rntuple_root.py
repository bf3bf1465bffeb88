#!/usr/bin/env python3
"""Writes the reading benchmark's TTree file again as an RNTuple with ROOT's own writer
(`RNTupleImporter`, PyROOT from `pip install root`): the same events and branches, zlib level 1 as
the TTree. ROOT cuts pages of about 64 KiB and puts a leaf-count array's branches in a collection
field (`_collection0.Electron_pt`), which hepkey and uproot read under the branch's name too.

    python3 bench/read/make_rntuple_root.py IN.root OUT.root
"""

import argparse
import os

import ROOT


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input")
    p.add_argument("output")
    args = p.parse_args()
    partial = args.output + ".part"
    if os.path.exists(partial):
        os.remove(partial)
    importer_class = getattr(ROOT, "RNTupleImporter", None) or ROOT.Experimental.RNTupleImporter
    importer = importer_class.Create(args.input, "Events", partial)
    options = ROOT.RNTupleWriteOptions()
    options.SetCompression(101)  # zlib, level 1
    importer.SetWriteOptions(options)
    importer.SetIsQuiet(True)
    importer.Import()
    os.replace(partial, args.output)
    print(f"wrote {args.output} ({os.path.getsize(args.output) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
