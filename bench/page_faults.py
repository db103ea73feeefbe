#!/usr/bin/env python3
"""What a page fault costs on this machine: fills a freshly allocated 40 MB array (every page
faulted in, as a tensor that a framework has just allocated) and the same array again (pages
already mapped), once as glibc's malloc hands the memory out and once with NumPy asking for
transparent huge pages (2 MB) through madvise, and prints the difference per 4 KB of memory.

    python3 bench/page_faults.py
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1 python3 bench/page_faults.py   # as ./keypoints runs

With 4 KB pages the first row is the cost of one 4 KB page fault; glibc.malloc.hugetlb=1 makes
glibc itself back the array with huge pages, so both rows become huge-page faults.

Needs NumPy only (Debian's python3-numpy, which python3-torch pulls in). docs/performance.md
quotes its output for the machines the benchmarks ran on.
"""
import json
import os
import sys
import time

import numpy as np

N = 10_000_000  # float32: 40 MB
REPS = 30


def per_fill(fresh):
    kept = np.empty(N, dtype=np.float32)
    kept.fill(0.0)
    t = time.perf_counter()
    for _ in range(REPS):
        if fresh:
            a = np.empty(N, dtype=np.float32)
            a.fill(1.0)
            del a
        else:
            kept.fill(1.0)
    return (time.perf_counter() - t) / REPS


def main():
    rows = {}
    for huge in (False, True):
        np.core.multiarray._set_madvise_hugepage(huge)
        fresh = per_fill(True)
        mapped = per_fill(False)
        us_per_4k = (fresh - mapped) / (N * 4 / 4096) * 1e6
        name = "NumPy madvise(huge)" if huge else "malloc as configured"
        rows[name] = {"fresh_ms": fresh * 1e3, "mapped_ms": mapped * 1e3, "us_per_4k": us_per_4k}
        print("%-21s fresh %8.2f ms, mapped %6.2f ms per 40 MB fill: %.2f us per 4 KB faulted in"
              % (name, fresh * 1e3, mapped * 1e3, us_per_4k))
    with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
        mode = f.read().strip()
    tunables = os.environ.get("GLIBC_TUNABLES")
    print("transparent_hugepage: %s; GLIBC_TUNABLES=%s" % (mode, tunables))
    if "--json" in sys.argv:
        print(json.dumps({"rows": rows, "transparent_hugepage": mode, "glibc_tunables": tunables}))


if __name__ == "__main__":
    main()
