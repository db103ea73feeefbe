"""Times the two equal formulations of the soft-argmax expectation in Python PyTorch.

infer_reference.py decodes heatmaps with whichever is faster here at each batch size; this is
the measurement behind that choice (docs/performance-inference.md):

    GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864:glibc.malloc.arena_max=1 \
        OMP_NUM_THREADS=2 /usr/bin/python3 bench/decode_forms.py

Prints, per map size and batch, the median ms of 40 calls in three alternating rounds of each.
"""
import time

import torch


def sums(p, gx, gy):
    b, n, _ = p.shape
    return torch.stack([(p * gx).sum(2), (p * gy).sum(2)], 2).reshape(b, 2 * n)


def product(p, gx, gy):
    b, n, hw = p.shape
    return (p.reshape(b * n, hw) @ torch.stack([gx, gy], 1)).reshape(b, 2 * n)


def main():
    torch.set_num_threads(2)
    for n, h, w in ((58, 90, 120), (68, 16, 16)):
        gx = torch.rand(h * w)
        gy = torch.rand(h * w)
        for b in (1, 32):
            maps = torch.randn(b, n, h * w)
            times = {"sums": [], "product": []}
            with torch.no_grad():
                if (sums(torch.softmax(maps, 2), gx, gy)
                        - product(torch.softmax(maps, 2), gx, gy)).abs().max() > 1e-5:
                    raise SystemExit("the two formulations disagree")
                for _ in range(3):
                    for name, f in (("sums", sums), ("product", product)):
                        ts = []
                        for _ in range(40):
                            t = time.perf_counter()
                            f(torch.softmax(maps, 2), gx, gy)
                            ts.append(time.perf_counter() - t)
                        ts.sort()
                        times[name].append("%.3f" % (ts[20] * 1e3))
            print("%d maps of %dx%d, batch %d: softmax + sums %s ms; softmax + product %s ms"
                  % (n, w, h, b, " ".join(times["sums"]), " ".join(times["product"])))


if __name__ == "__main__":
    main()
