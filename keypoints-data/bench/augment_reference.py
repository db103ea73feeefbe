#!/usr/bin/env python3
"""The reference side of the augmentation benchmark: the same per-sample work as
AugmentationBenchmark, in Python OpenCV (one thread), so the two can be compared in one run.

Per sample: (full) read + decode the 640x480 JPEG as gray, INTER_AREA resize to 240x180, then
(cached starts here) one of rotation(+-15 deg about the image centre) / shift(+-10 px), a flip
with probability 0.5, all multiplied into one matrix and applied with one bilinear warpAffine
(border replicate) and to the 58 points; brightness/contrast jitter (+-0.2); float tensor
pixel/255 - 0.5.

usage: augment_reference.py IMAGE.jpg POINTS.asf SECONDS
prints: reference_full_per_sec=<n> reference_cached_per_sec=<n>
"""
import sys
import time

import cv2
import numpy as np

W, H = 240, 180


def read_asf(path, width, height):
    pts = []
    for line in open(path, encoding="ascii"):
        f = line.split()
        if len(f) >= 7 and not line.startswith("#"):
            pts.append((float(f[2]) * width, float(f[3]) * height))
    return np.array(pts, dtype=np.float64)


def flip_permutation(n):
    # Only the cost matters here: a fixed involution of the right length.
    return np.arange(n)[::-1].copy()


def augment(img, kp, rng, perm):
    m = np.eye(3)
    if rng.random() < 0.5:
        deg = rng.uniform(-15, 15)
        r = cv2.getRotationMatrix2D(((W - 1) / 2.0, (H - 1) / 2.0), deg, 1.0)
        m = np.vstack([r, [0, 0, 1]]) @ m
    else:
        t = np.array([[1, 0, rng.uniform(-10, 10)], [0, 1, rng.uniform(-10, 10)], [0, 0, 1]])
        m = t @ m
    flipped = rng.random() < 0.5
    if flipped:
        m = np.array([[-1, 0, W - 1], [0, 1, 0], [0, 0, 1]]) @ m
    a = m[:2]
    out = cv2.warpAffine(img, a, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    pts = kp @ a[:, :2].T + a[:, 2]
    if flipped:
        pts = pts[perm]
    c = rng.uniform(0.8, 1.2)
    b = rng.uniform(-0.2, 0.2) * 255
    mean = float(out.mean())
    out = cv2.addWeighted(out, c, out, 0, mean * (1 - c) + b)  # saturating, like convertTo
    x = out.astype(np.float32) * (1 / 255.0) - 0.5
    return x, (pts / [W, H]).astype(np.float32)


def full(path, kp_orig, rng, perm):
    buf = np.fromfile(path, dtype=np.uint8)
    img = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    sx, sy = W / img.shape[1], H / img.shape[0]
    small = cv2.resize(img, (W, H), interpolation=cv2.INTER_AREA)
    kp = (kp_orig + 0.5) * [sx, sy] - 0.5
    return augment(small, kp, rng, perm)


def rate(fn, seconds):
    for _ in range(20):
        fn()
    n = 0
    start = time.perf_counter()
    while True:
        for _ in range(50):
            fn()
        n += 50
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def main():
    image, asf, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    cv2.setNumThreads(1)
    rng = np.random.default_rng(42)
    img0 = cv2.imread(image, cv2.IMREAD_GRAYSCALE)
    kp_orig = read_asf(asf, img0.shape[1], img0.shape[0])
    perm = flip_permutation(len(kp_orig))
    small = cv2.resize(img0, (W, H), interpolation=cv2.INTER_AREA)
    kp_small = (kp_orig + 0.5) * [W / img0.shape[1], H / img0.shape[0]] - 0.5
    full_rate = rate(lambda: full(image, kp_orig, rng, perm), seconds)
    cached_rate = rate(lambda: augment(small, kp_small, rng, perm), seconds)
    print(f"reference_full_per_sec={full_rate:.1f} reference_cached_per_sec={cached_rate:.1f}")


if __name__ == "__main__":
    main()
