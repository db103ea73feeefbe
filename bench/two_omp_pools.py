"""What a second OpenMP pool in the process costs a batch-1 forward pass, in Python PyTorch alone.

Reproduces, without Java, why the library's PyTorch passes were slower while MXNet's engine ran in
the same process (docs/performance-inference.md, "A second OpenMP pool"): libgomp keeps one pool
of threads per thread that starts a parallel region; once the process holds more OpenMP threads
than CPUs, a waiting thread spins only briefly before it sleeps in the kernel, so each operation
wakes its worker with a futex. Here a second Python thread runs a few parallel convolutions and
then stays alive (as MXNet's engine thread did), keeping its pool; the main thread then times one
of bench/infer_reference.py's networks as optimised TorchScript, as the reference does.

    cd REPO && OMP_NUM_THREADS=2 LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \
        /usr/bin/python3 bench/two_omp_pools.py resnet18 96 96 136 8 one   # then: two

Arguments: network (infer_reference.py's names), width, height, outputs, seconds to time, and
"one" or "two" pools. Prints the median ms of the passes timed.
"""
import os
import sys
import threading
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import infer_reference as ref  # noqa: E402


def main():
    if len(sys.argv) != 7 or sys.argv[6] not in ("one", "two"):
        sys.exit("usage: two_omp_pools.py MODEL WIDTH HEIGHT OUTPUTS SECONDS one|two")
    model = sys.argv[1]
    w, h, outputs = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    seconds = float(sys.argv[5])
    torch.set_num_threads(2)
    net = ref.build(model, outputs, h, w, "32,64,128,256,512:1:1024", '{"architecture": "heatmap"}')
    net.eval()
    ref.fold_batch_norm(net)
    x = torch.rand(1, 1, h, w) - 0.5
    if sys.argv[6] == "two":
        ready, stop = threading.Event(), threading.Event()

        def other():
            torch.set_num_threads(2)
            a = torch.rand(1, 32, 200, 200)
            for _ in range(3):
                torch.relu(torch.nn.functional.conv2d(a, torch.rand(32, 32, 3, 3)))
            ready.set()
            stop.wait()

        threading.Thread(target=other, daemon=True).start()
        ready.wait()
    with torch.no_grad():
        s = ref.scripted(net, x)
        for _ in range(10):
            s(x)
        times = []
        end = time.time() + seconds
        while time.time() < end:
            t0 = time.perf_counter()
            s(x)
            times.append(time.perf_counter() - t0)
    times.sort()
    print("%s %dx%d %s pool(s): median %.3f ms over %d passes"
          % (model, w, h, sys.argv[6], 1000 * times[len(times) // 2], len(times)))


if __name__ == "__main__":
    main()
