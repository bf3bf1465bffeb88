#!/usr/bin/env python3
"""ROOT 6.40 side of the reading benchmark: compiles root_read.C optimised
with ACLiC (build products under /tmp/hepkey-bench/aclic, not in the repo),
runs its typed RDataFrame reader and prints one JSON line like hepkey's
read_bench example.

    python3 bench/read/root_read.py FILE TREE BRANCH[,BRANCH...] [--threads N] [--mode rdf|getentry]
        [--repeat N]

--mode rdf (default) reads with a typed RDataFrame, one Aggregate per branch;
--mode getentry with SetBranchAddress on plain buffers and TTree::GetEntry.
--threads N > 1 turns on ROOT::EnableImplicitMT(N) (RDataFrame then splits
the entries by cluster; GetEntry reads the branches in parallel). The time is measured in
C++ from opening the file to the last result; ROOT's start-up, the ACLiC
compilation and cling's one-time look-ups (paid on a --warmup read of the
first 1000 entries, reported as warmup_seconds) are excluded.
"""

import argparse
import json
import os
import resource
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("file")
    p.add_argument("tree")
    p.add_argument("branches")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--mode", choices=["rdf", "getentry"], default="rdf",
                   help="typed RDataFrame (default) or SetBranchAddress + TTree::GetEntry")
    p.add_argument("--warmup", type=int, default=1000,
                   help="entries read once first to pay ROOT's one-time costs (0: none)")
    p.add_argument("--repeat", type=int, default=1,
                   help="reads in the same process, one JSON line each (ROOT starts slowly)")
    p.add_argument("--build-dir", default="/tmp/hepkey-bench/aclic")
    args = p.parse_args()

    warnings.filterwarnings("ignore")  # the PyPI build's "alpha stage" notice
    import ROOT

    ROOT.gROOT.SetBatch(True)
    os.makedirs(args.build_dir, exist_ok=True)
    ROOT.gSystem.SetBuildDir(args.build_dir, True)
    # k: keep the library, O: optimised; rebuilt only when root_read.C changes.
    if ROOT.gSystem.CompileMacro(os.path.join(HERE, "root_read.C"), "kO") != 1:
        sys.exit("root_read: ACLiC could not compile root_read.C")

    first = None
    if args.warmup > 0:
        # One-time costs (cling's type and dictionary look-ups for the column
        # types, about seconds) are paid on a short single-threaded read first.
        first = ROOT.hepkey_bench.read(args.file, args.tree, args.branches, 1, args.warmup).seconds
    baseline = current_rss_mb()
    for _ in range(args.repeat):
        cpu = time.process_time()
        if args.mode == "rdf":
            r = ROOT.hepkey_bench.read(args.file, args.tree, args.branches, args.threads)
        else:
            r = ROOT.hepkey_bench.read_getentry(args.file, args.tree, args.branches, args.threads)
        cpu = time.process_time() - cpu
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({
            "reader": "ROOT",
            "version": ROOT.gROOT.GetVersion(),
            "file": args.file,
            "threads": args.threads,
            "mode": {"rdf": "RDataFrame", "getentry": "TTree::GetEntry"}[args.mode],
            "chunk": None,
            "branches": len(args.branches.split(",")),
            "entries": r.entries,
            "seconds": r.seconds,
            "cpu_seconds": cpu,
            "events_per_s": r.entries / r.seconds,
            "compressed_bytes": r.compressed_bytes,
            "uncompressed_bytes": r.uncompressed_bytes,
            "compressed_MB_per_s": r.compressed_bytes / 1e6 / r.seconds,
            "uncompressed_MB_per_s": r.uncompressed_bytes / 1e6 / r.seconds,
            "peak_rss_MB": peak_kb / 1024,
            "baseline_rss_MB": baseline,
            "checksum": r.checksum,
            "warmup_entries": args.warmup,
            "warmup_seconds": first,
        }), flush=True)


def current_rss_mb():
    """Resident memory now (after ROOT's start-up), to tell it from the read's."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None

if __name__ == "__main__":
    main()
