"""Compare benchmark histograms with hepkey's OUT/histograms.json.

`mine` maps hepkey's key `{region}/{hist}/{sample}/{variation}` to
(sumw, sumw2), each 27 float64 numbers: underflow, 25 bins, overflow.
Edges, values and variances (flow bins included) must agree to 1e-6 relative.
"""

import json

import numpy as np

EDGES = np.linspace(50.0, 550.0, 26)


def compare(mine, path, label, rtol=1e-6):
    with open(path) as f:
        ref = json.load(f)
    worst, bad, n = 0.0, [], 0
    for key in sorted(mine):
        if key not in ref:
            bad.append(f"{key}: missing in {path}")
            continue
        n += 1
        h = ref[key]
        if not np.allclose(h["edges"], EDGES, rtol=1e-12):
            bad.append(f"{key}: edges differ")
        theirs = (
            [h["underflow"], *h["values"], h["overflow"]],
            [h["underflow_variance"], *h["variances"], h["overflow_variance"]],
        )
        for what, a, b in zip(("values", "variances"), mine[key], theirs):
            a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
            diff = np.abs(a - b)
            rel = np.where(diff == 0, 0.0, diff / np.maximum(np.abs(b), 1e-300))
            worst = max(worst, float(rel.max()))
            if rel.max() > rtol:
                i = int(rel.argmax())
                bad.append(f"{key} {what}[{i}]: {a[i]!r} vs hepkey {b[i]!r}")
    extra = sorted(set(ref) - set(mine))
    if extra:
        bad.append(f"only in {path}: {extra}")
    filled = sum(1 for sumw, _ in mine.values() if np.any(sumw))
    print(
        f"{label} vs hepkey ({path}): {n} histograms ({filled} non-empty), "
        f"worst relative difference {worst:.2e}: "
        f"{'AGREE' if not bad else 'DISAGREE'} (tolerance {rtol:g}, flow bins included)"
    )
    for line in bad[:20]:
        print("  " + line)
    return not bad
