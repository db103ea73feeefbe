"""How steady the machine's speed is from second to second: times the same 512x512 float product
(torch, 40 at a time) about once a second for a minute and prints the mean of each 40 and, last,
the minimum, median and maximum. On an otherwise idle machine every line should read the same; on
the project's 2-vCPU VM they spread by tens of percent within seconds, which is why `keypoints
bench infer --pairs` and `bench train --pairs` time Java and Python in short alternating blocks.

usage: OMP_NUM_THREADS=2 LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \
           /usr/bin/python3 bench/speed_drift.py [SECONDS [THREADS]]
(THREADS, default 2: torch's thread count; with 1 and `taskset -c N` one probe per vCPU, run side
by side, shows whether the vCPUs change speed together.)
(Debian's python3-torch and libopenblas0-openmp, as the bench commands install them.)
"""
import sys
import time

import torch

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
a = torch.randn(512, 512)
b = torch.randn(512, 512)
for _ in range(20):
    a @ b
ms = []
end = time.time() + seconds
while time.time() < end:
    t = time.perf_counter()
    for _ in range(40):
        a @ b
    ms.append((time.perf_counter() - t) / 40 * 1e3)
    print("%s %.3f ms" % (time.strftime("%H:%M:%S", time.gmtime()), ms[-1]), flush=True)
    time.sleep(0.9)
s = sorted(ms)
print("min %.3f median %.3f max %.3f ms per product over %d samples"
      % (s[0], s[len(s) // 2], s[-1], len(s)))
