#!/usr/bin/env python3
"""uproot 5 side of the reading benchmark: reads branches of every entry into
awkward arrays, sums every value (so the data are really touched) and prints
one JSON line like hepkey's read_bench example.

    python3 bench/read/uproot_read.py FILE TREE BRANCH[,BRANCH...] [--threads N] [--chunk N]
        [--zlib-library zlib|deflate|isal]

--threads 1 reads in the calling thread (uproot's default); N > 1 gives
uproot a ThreadPoolExecutor(N) as both decompression_executor and
interpretation_executor. --chunk N reads with tree.iterate(step_size=N).
The time runs from opening the file to the last sum (imports excluded).
"""

import argparse
import json
import resource
import time
from concurrent.futures import ThreadPoolExecutor

import awkward as ak
import numpy as np
import uproot


def touch(array):
    """Sum of all values plus list lengths, like read_bench's checksum."""
    # In float64: awkward sums float32 values in float32, which depends on the arrays' layout.
    total = float(np.sum(np.asarray(ak.flatten(array, axis=None)), dtype=np.float64))
    if array.ndim > 1:
        total += float(ak.sum(ak.num(array, axis=1)))
    return total


def current_rss_mb():
    """Resident memory now (after imports), to tell it from the read's."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("file")
    p.add_argument("tree")
    p.add_argument("branches")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--chunk", type=int, default=None)
    p.add_argument("--zlib-library", choices=["zlib", "deflate", "isal"], default="zlib",
                   help="uproot.ZLIB.library: Python's zlib (uproot's default), or libdeflate "
                        "(pip install deflate) / ISA-L (pip install isal)")
    args = p.parse_args()
    uproot.ZLIB.library = args.zlib_library
    names = args.branches.split(",")

    executor = ThreadPoolExecutor(args.threads) if args.threads > 1 else None
    options = {}
    if executor is not None:
        options = {"decompression_executor": executor, "interpretation_executor": executor}

    baseline = current_rss_mb()
    start = time.perf_counter()
    cpu = time.process_time()
    checksum = 0.0
    entries = 0
    with uproot.open(args.file, **options) as f:
        tree = f[args.tree]
        # An RNTuple's fields do not report their bytes.
        zipped = sum(getattr(tree[n], "compressed_bytes", 0) for n in names)
        unzipped = sum(getattr(tree[n], "uncompressed_bytes", 0) for n in names)
        if args.chunk is None:
            arrays = tree.arrays(names, library="ak", how=dict)
            entries = len(arrays[names[0]])
            checksum = sum(touch(arrays[n]) for n in names)
        else:
            for arrays in tree.iterate(names, step_size=args.chunk, library="ak", how=dict):
                entries += len(arrays[names[0]])
                checksum += sum(touch(arrays[n]) for n in names)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    if executor is not None:
        executor.shutdown()

    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    print(json.dumps({
        "reader": "uproot",
        "version": uproot.__version__,
        "file": args.file,
        "threads": args.threads,
        "mode": ("iterate" if args.chunk else "arrays")
        + ("" if args.zlib_library == "zlib" else f" (ZLIB.library={args.zlib_library})"),
        "chunk": args.chunk,
        "branches": len(names),
        "entries": entries,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "events_per_s": entries / seconds,
        "compressed_bytes": int(zipped),
        "uncompressed_bytes": int(unzipped),
        "compressed_MB_per_s": zipped / 1e6 / seconds if zipped else None,
        "uncompressed_MB_per_s": unzipped / 1e6 / seconds if unzipped else None,
        "peak_rss_MB": peak_kb / 1024,
        "baseline_rss_MB": baseline,
        "checksum": checksum,
    }))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
