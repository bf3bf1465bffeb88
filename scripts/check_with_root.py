#!/usr/bin/env python3
"""Check that ROOT itself reads files hepkey writes.

Needs ROOT's Python bindings (PyPI package `root`):
    python3 -m venv /tmp/venv-root && /tmp/venv-root/bin/pip install root
    cargo run --release -p hepkey-root --example write_demo -- /tmp/demo.root zstd
    /tmp/venv-root/bin/python scripts/check_with_root.py /tmp/demo.root

Prints every tree's entries and per-branch sums (via TTree::Draw-free loops),
every histogram's contents, and exits non-zero on any ROOT error message.
"""
import sys

import ROOT

errors = []


def handler(level, abort, location, msg):
    if level >= ROOT.kError:
        errors.append(f"{location}: {msg}")


def walk(directory, prefix=""):
    for key in directory.GetListOfKeys():
        obj = key.ReadObj()
        path = prefix + key.GetName()
        if obj.InheritsFrom("TDirectory"):
            walk(obj, path + "/")
        elif obj.InheritsFrom("TTree"):
            print(f"{path}: TTree with {obj.GetEntries()} entries")
            for br in obj.GetListOfBranches():
                name = br.GetName()
                total, count = 0.0, 0
                for entry in obj:
                    value = getattr(entry, name)
                    try:
                        items = list(value)
                    except TypeError:
                        items = [value]
                    total += sum(float(v) for v in items)
                    count += len(items)
                print(f"    {name:12s} values={count:8d} sum={total:.6g}")
        elif obj.InheritsFrom("TH1"):
            cells = [obj.GetBinContent(i) for i in range(obj.GetNcells())]
            print(f"{path}: {obj.ClassName()} entries={obj.GetEntries()} sum(cells)={sum(cells):.6g}")


def main(path):
    ROOT.gErrorIgnoreLevel = ROOT.kWarning
    f = ROOT.TFile.Open(path)
    if not f or f.IsZombie():
        sys.exit(f"ROOT cannot open {path}")
    walk(f)
    if f.TestBit(ROOT.TFile.kRecovered):
        errors.append("ROOT had to recover the file")
    if errors:
        sys.exit("\n".join(errors))


if __name__ == "__main__":
    main(sys.argv[1])
