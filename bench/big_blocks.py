#!/usr/bin/env python3
"""Whether glibc reuses a block larger than 32 MB: allocates a block with malloc, writes every
byte (as a framework fills a tensor it has just allocated), frees it, and does that again; prints
the minor page faults and milliseconds of each round. A block glibc took from the kernel with mmap
is handed back on free and faulted in afresh the next round; a block from glibc's heap that it
kept is reused without a fault.

    python3 bench/big_blocks.py                                                     # glibc's defaults
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824 python3 bench/big_blocks.py
    GLIBC_TUNABLES=glibc.malloc.mmap_max=0 python3 bench/big_blocks.py
    GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967296 python3 bench/big_blocks.py

glibc does not accept an mmap_threshold above 32 MB on 64-bit (the second line changes nothing);
mmap_max=0 serves every block from the heap, and a trim_threshold above the block keeps it there
once freed. Standard library only (ctypes); docs/performance.md quotes its output.
"""
import argparse
import ctypes
import json
import resource
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=100, help="block size in MB (default 100)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    size = args.mb << 20
    rows = []
    for r in range(args.rounds):
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        t = time.perf_counter()
        block = libc.malloc(size)
        if not block:
            raise SystemExit(f"malloc({size}) failed")
        libc.memset(block, 1, size)
        ms = (time.perf_counter() - t) * 1e3
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
        libc.free(block)
        rows.append({"round": r + 1, "faults": faults, "ms": round(ms, 2)})
        print(f"round {r + 1}: {args.mb} MB block, {faults} page faults, {ms:.2f} ms")
    print(json.dumps({"mb": args.mb, "rounds": rows}))


if __name__ == "__main__":
    main()
