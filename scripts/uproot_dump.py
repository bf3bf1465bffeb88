#!/usr/bin/env python3
"""Dump every tree branch and histogram of a ROOT file as JSON, read with uproot.

Used by hepkey's interoperability test: files hepkey writes must read back in
uproot with the values hepkey put in. Usage: uproot_dump.py FILE.root
"""
import json
import sys

import awkward as ak
import uproot


def main(path):
    out = {}
    with uproot.open(path) as f:
        for key, cls in f.classnames().items():
            obj = f[key]
            if cls == "TTree":
                out[key] = {
                    "entries": obj.num_entries,
                    "branches": {
                        b: {
                            "typename": obj[b].typename,
                            "values": ak.to_list(obj[b].array(library="ak")),
                        }
                        for b in obj.keys()
                    },
                }
            elif cls.startswith("TH"):
                out[key] = {
                    "values": obj.values(flow=True).T.flatten().tolist(),
                    "variances": obj.variances(flow=True).T.flatten().tolist(),
                    "edges": [obj.axis(i).edges().tolist() for i in range(len(obj.axes))],
                    "title": obj.title,
                    "entries": obj.member("fEntries"),
                }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
