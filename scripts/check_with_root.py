#!/usr/bin/env python3
"""Check that ROOT itself reads files hepkey writes.

Needs ROOT's Python bindings (PyPI package `root`):
    python3 -m venv /tmp/venv-root && /tmp/venv-root/bin/pip install root
    cargo run --release -p hepkey-root --example write_demo -- /tmp/demo.root zstd
    /tmp/venv-root/bin/python scripts/check_with_root.py /tmp/demo.root [--hepkey BINARY]

Prints every tree's entries and per-branch sums (via TTree::Draw-free loops),
every histogram's contents, and exits non-zero on any ROOT error message.
With --hepkey, also compares each branch's count and sum of values with what
`hepkey inspect --json --stats` reads (counts exact, sums to 1e-9 relative).
"""
import json
import subprocess
import sys

import ROOT

errors = []
sums = {}


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
            names = [br.GetName() for br in obj.GetListOfBranches()]
            totals = {name: [0.0, 0] for name in names}
            # One pass over the entries, every branch at once.
            for entry in obj:
                for name in names:
                    value = getattr(entry, name)
                    try:
                        items = list(value)
                    except TypeError:
                        items = [value]
                    totals[name][0] += sum(float(v) for v in items)
                    totals[name][1] += len(items)
            for name in names:
                total, count = totals[name]
                print(f"    {name:12s} values={count:8d} sum={total:.10g}")
                sums[(path, name)] = (count, total)
        elif obj.InheritsFrom("TH1"):
            cells = [obj.GetBinContent(i) for i in range(obj.GetNcells())]
            print(f"{path}: {obj.ClassName()} entries={obj.GetEntries()} sum(cells)={sum(cells):.6g}")


def compare_with_hepkey(hepkey, path):
    mine = json.loads(subprocess.run([hepkey, "inspect", path, "--json", "--stats"],
                                     check=True, capture_output=True).stdout)
    for (tree, name), (count, total) in sums.items():
        key = next((k for k in mine["objects"] if k.split(";")[0] == tree), None)
        b = mine["objects"].get(key, {}).get("branches", {}).get(name)
        if b is None or b.get("kind") != "number":
            errors.append(f"{tree}:{name}: not read as numbers by hepkey")
        elif b["n"] != count or abs(b["sum"] - total) > 1e-9 * max(abs(total), 1e-300):
            errors.append(f"{tree}:{name}: ROOT {count} values, sum {total!r}; hepkey {b['n']}, {b['sum']!r}")
    print(f"{len(sums)} branches compared with hepkey")


def main(path, hepkey=None):
    ROOT.gErrorIgnoreLevel = ROOT.kWarning
    f = ROOT.TFile.Open(path)
    if not f or f.IsZombie():
        sys.exit(f"ROOT cannot open {path}")
    walk(f)
    if hepkey:
        compare_with_hepkey(hepkey, path)
    if f.TestBit(ROOT.TFile.kRecovered):
        errors.append("ROOT had to recover the file")
    if errors:
        sys.exit("\n".join(errors))


if __name__ == "__main__":
    args = sys.argv[1:]
    binary = None
    if "--hepkey" in args:
        i = args.index("--hepkey")
        binary = args[i + 1]
        del args[i:i + 2]
    main(args[0], binary)
