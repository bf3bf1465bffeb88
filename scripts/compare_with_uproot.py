#!/usr/bin/env python3
"""Compare what hepkey and uproot read from ROOT files, branch by branch.

For every tree branch of numbers or bools: the count of flattened values must be equal, the
sum, min and max equal to 1e-9 relative (uproot sums in float64), the first and last five
values equal; the branch's type name must be the same. Exits non-zero on any difference.

    python3 scripts/compare_with_uproot.py HEPKEY_BINARY FILE.root [FILE.root ...]
"""
import json
import math
import subprocess
import sys

import awkward as ak
import numpy as np
import uproot


def close(a, b, rel=1e-9):
    if a is None or b is None:
        return a == b
    if math.isnan(a) and math.isnan(b):
        return True
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def uproot_stats(branch):
    values = ak.flatten(branch.array(library="ak"), axis=None)
    values = np.asarray(values).astype(np.float64)
    n = len(values)
    return {
        "n": n,
        "sum": float(values.sum()) if n else 0.0,
        "min": float(values.min()) if n else None,
        "max": float(values.max()) if n else None,
        "first5": values[:5].tolist(),
        "last5": values[-5:].tolist(),
    }


def compare(hepkey, path):
    mine = json.loads(subprocess.run([hepkey, "inspect", path, "--json", "--stats"],
                                     check=True, capture_output=True).stdout)
    problems, checked = [], 0
    with uproot.open(path) as f:
        for key, cls in f.classnames().items():
            if cls != "TTree":
                continue
            tree = f[key]
            branches = mine["objects"][key]["branches"]
            for name, b in tree.items():
                m = branches.get(name)
                if m is None:
                    problems.append(f"{path}:{key}:{name}: not listed by hepkey")
                    continue
                if m.get("kind") != "number":
                    continue
                if m["typename"] != b.typename:
                    problems.append(f"{path}:{key}:{name}: type {m['typename']} vs uproot {b.typename}")
                ref = uproot_stats(b)
                for field in ("n", "sum", "min", "max"):
                    if not close(m.get(field), ref[field]):
                        problems.append(f"{path}:{key}:{name}: {field} {m.get(field)} vs uproot {ref[field]}")
                for field in ("first5", "last5"):
                    if len(m[field]) != len(ref[field]) or not all(
                            close(a, b, 0.0) for a, b in zip(m[field], ref[field])):
                        problems.append(f"{path}:{key}:{name}: {field} {m[field]} vs uproot {ref[field]}")
                checked += 1
    return problems, checked


def main(hepkey, paths):
    total, problems = 0, []
    for path in paths:
        p, n = compare(hepkey, path)
        problems += p
        total += n
    for p in problems:
        print(p)
    print(f"{len(paths)} files, {total} branches compared with uproot {uproot.__version__}: "
          f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
