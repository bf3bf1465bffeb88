#!/usr/bin/env python3
"""Peak memory of a command, split as Linux counts it: anonymous memory (what the program allocates)
and file-backed pages (an mmap'd input file read through the page cache, shared and reclaimable, which
GNU time's maximum RSS adds in). Polls /proc every 5 ms.

    python3 bench/peak_memory.py hepkey run A.toml -o OUT --no-plots
"""

import subprocess
import sys
import time


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
    peak = {"RssAnon": 0, "RssFile": 0, "VmHWM": 0}
    while p.poll() is None:
        try:
            with open(f"/proc/{p.pid}/status") as f:
                for line in f:
                    key = line.split(":")[0]
                    if key in peak:
                        peak[key] = max(peak[key], int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.005)
    print(
        f"peak anonymous {peak['RssAnon'] / 1024:.0f} MB, peak file-backed {peak['RssFile'] / 1024:.0f} MB, "
        f"peak RSS {peak['VmHWM'] / 1024:.0f} MB; exit {p.returncode}"
    )
    sys.exit(p.returncode)


if __name__ == "__main__":
    main()
