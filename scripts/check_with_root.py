#!/usr/bin/env python3
"""Check that ROOT itself reads files hepkey writes.

Needs ROOT's Python bindings (PyPI package `root`):
    python3 -m venv /tmp/venv-root && /tmp/venv-root/bin/pip install root
    cargo run --release -p hepkey-root --example write_demo -- /tmp/demo.root zstd
    /tmp/venv-root/bin/python scripts/check_with_root.py /tmp/demo.root [--hepkey BINARY]

Prints every tree's entries and per-branch sums (via TTree::Draw-free loops),
every RNTuple's entries and per-field sums (RDataFrame over its numeric
fields, subfields under dotted names, vectors summed element by element),
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
FILE = []  # the file being checked


def handler(level, abort, location, msg):
    if level >= ROOT.kError:
        errors.append(f"{location}: {msg}")


def walk(directory, prefix=""):
    for key in directory.GetListOfKeys():
        path = prefix + key.GetName()
        if key.GetClassName() == "ROOT::RNTuple":
            walk_rntuple(path)
            continue
        obj = key.ReadObj()
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


NUMBERS = {"bool", "char", "float", "double", "std::int8_t", "std::uint8_t", "std::int16_t",
           "std::uint16_t", "std::int32_t", "std::uint32_t", "std::int64_t", "std::uint64_t"}


def walk_rntuple(path):
    df = ROOT.RDataFrame(path, FILE[0])
    entries = df.Count()
    results = {}
    for column in df.GetColumnNames():
        column = str(column)
        kind = str(df.GetColumnType(column))
        inner = kind[len("ROOT::VecOps::RVec<"):-1] if kind.startswith("ROOT::VecOps::RVec<") else None
        if kind in NUMBERS:
            total = df.Define(f"_d_{len(results)}", f"double({column})").Sum(f"_d_{len(results)}")
            results[column] = (entries, total)
        elif inner in NUMBERS:
            i = len(results)
            d = df.Define(f"_n_{i}", f"double({column}.size())").Define(
                f"_s_{i}", f"ROOT::VecOps::Sum(ROOT::VecOps::RVec<double>({column}.begin(), {column}.end()))")
            results[column] = (d.Sum(f"_n_{i}"), d.Sum(f"_s_{i}"))
    print(f"{path}: RNTuple with {entries.GetValue()} entries")
    for column, (count, total) in results.items():
        count, total = int(count.GetValue()), float(total.GetValue())
        print(f"    {column:12s} values={count:8d} sum={total:.10g}")
        sums[(path, column)] = (count, total)


def compare_with_hepkey(hepkey, path):
    mine = json.loads(subprocess.run([hepkey, "inspect", path, "--json", "--stats"],
                                     check=True, capture_output=True).stdout)
    for (tree, name), (count, total) in sums.items():
        key = next((k for k in mine["objects"] if k.split(";")[0] == tree), None)
        obj = mine["objects"].get(key, {})
        b = obj.get("branches", obj.get("fields", {})).get(name)
        if b is None or b.get("kind") != "number":
            errors.append(f"{tree}:{name}: not read as numbers by hepkey")
        elif b["n"] != count or abs(b["sum"] - total) > 1e-9 * max(abs(total), 1e-300):
            errors.append(f"{tree}:{name}: ROOT {count} values, sum {total!r}; hepkey {b['n']}, {b['sum']!r}")
    print(f"{len(sums)} branches compared with hepkey")


def main(path, hepkey=None):
    ROOT.gErrorIgnoreLevel = ROOT.kWarning
    FILE.append(path)
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
