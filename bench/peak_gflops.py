#!/usr/bin/env python3
"""The machine's single-precision arithmetic rate, as the side-by-side benchmarks can reach it.

    /usr/bin/python3 bench/peak_gflops.py THREADS

Needs Debian's python3-torch, which `keypoints bench train` and `bench infer` install with apt-get
when `import torch` fails (or: apt-get install python3-torch libopenblas0-openmp).

Times, in the Python reference's PyTorch (Debian's python3-torch, on the OpenMP OpenBLAS) at
THREADS threads, a 4096x4096 float32 matrix product into a preallocated output (the best of five
after two untimed; a fresh 64 MB output would add page faults to the arithmetic). Its rate is the
bound `bench/ComputeBound.java` divides each network's operations by (docs/performance.md,
"How close to the arithmetic limit"): no framework's convolution on this CPU runs much above it,
the Java side's included.
"""
import sys
import time

import torch


def best_seconds(fn, warm, runs):
    for _ in range(warm):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: peak_gflops.py THREADS')
    threads = int(sys.argv[1])
    torch.set_num_threads(threads)
    n = 4096
    a = torch.rand(n, n) - 0.5
    b = torch.rand(n, n) - 0.5
    c = torch.empty(n, n)
    t = best_seconds(lambda: torch.mm(a, b, out=c), 2, 5)
    rate = 2.0 * n ** 3 / t / 1e9
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads')
    print(f'matrix product {n}x{n}: {t * 1e3:.1f} ms, {rate:.1f} GFLOP/s')
    print(f'{rate:.1f}')


if __name__ == '__main__':
    main()
