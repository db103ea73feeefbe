#!/usr/bin/env python3
"""Python + OpenCV reference for `keypoints bench morph`.

Reads the exchange file the Java benchmark writes (the same faces, source points, destination
points and triangles), and times the classic per-triangle warp as a competent OpenCV user writes it
(TriangleWarper): for every triangle, warp the bounding rectangle of the source triangle with
cv2.warpAffine (bilinear) and paste it through a triangle mask into the destination rectangle.
Every buffer is allocated once and OpenCV writes into views of it; the per-triangle bookkeeping
is vectorised per frame. Prints one JSON line with the timings and writes
one morph frame and the mean face as PNGs so the Java side can check both warp the same
triangles.

Usage: morph_reference.py EXCHANGE.json OUT_DIR
Needs Debian's python3-opencv; installs it with apt-get when cv2 is missing.
"""
import json
import os
import subprocess
import sys
import time


def ensure_cv2():
    try:
        import cv2  # noqa: F401
        import numpy  # noqa: F401
    except ImportError:
        print("morph_reference: cv2 missing, installing python3-opencv with apt-get", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q", "python3-opencv"], check=True,
                       stdout=sys.stderr)
        if sys.executable != "/usr/bin/python3":
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)


ensure_cv2()
import cv2  # noqa: E402
import numpy as np  # noqa: E402


class TriangleWarper:
    """The classic per-triangle warp, written as a competent OpenCV user would: for every triangle,
    warp only the bounding rectangle of the source triangle with cv2.warpAffine (bilinear,
    replicated border) into the destination rectangle, and paste it through the triangle's mask.

    Nothing is allocated per triangle: the output frame, the two warped patches and the mask are
    allocated once and every OpenCV call writes into views of them (dst=); the triangles' corners,
    rectangles, affine maps (one batched solve) and mask polygons are computed for all triangles in
    a few NumPy steps per frame and handed to the loop as plain Python lists."""

    def __init__(self, width, height, triangles):
        self.width, self.height = width, height
        self.tris = np.asarray(triangles, dtype=np.int64).reshape(-1, 3)
        self.out = np.zeros((height, width, 3), dtype=np.uint8)
        self.mask = np.zeros((height, width), dtype=np.uint8)
        self.patch_a = np.zeros((height, width, 3), dtype=np.uint8)
        self.patch_b = np.zeros((height, width, 3), dtype=np.uint8)

    def rects(self, corners, width, height, clip):
        """Integer bounding rectangles (x0, y0, x1, y1) of T triangles, as cv2.boundingRect."""
        lo = np.floor(corners.min(axis=1)).astype(np.int64)
        hi = np.floor(corners.max(axis=1)).astype(np.int64) + 1
        if clip:
            lo = np.maximum(lo, 0)
            hi[:, 0] = np.minimum(hi[:, 0], width)
            hi[:, 1] = np.minimum(hi[:, 1], height)
        return np.concatenate([lo, hi], axis=1)

    def source_rects(self, corners, img):
        ih, iw = img.shape[:2]
        r = self.rects(corners, iw, ih, False)
        x0 = np.clip(r[:, 0], 0, iw - 1)
        y0 = np.clip(r[:, 1], 0, ih - 1)
        x1 = np.maximum(np.minimum(r[:, 2], iw), x0 + 1)
        y1 = np.maximum(np.minimum(r[:, 3], ih), y0 + 1)
        return np.stack([x0, y0, x1, y1], axis=1)

    @staticmethod
    def affines(src_local, dst_local):
        """The 2x3 affine of every triangle (source corners to destination corners), solved for
        all triangles in one batched call instead of one cv2.getAffineTransform each."""
        ones = np.ones(src_local.shape[:2] + (1,))
        a = np.concatenate([src_local, ones], axis=2)
        try:
            m = np.linalg.solve(a, dst_local)
        except np.linalg.LinAlgError:  # a degenerate triangle somewhere: least squares for all
            m = np.linalg.pinv(a) @ dst_local
        return np.ascontiguousarray(np.transpose(m, (0, 2, 1)))

    def destination(self, dst):
        """Per triangle: clipped destination rectangle, corners relative to it, and the mask
        polygon in 1/16 px (cv2.fillConvexPoly with shift=4)."""
        td = dst[self.tris]
        rd = self.rects(td, self.width, self.height, True)
        local = td - rd[:, None, :2]
        polys = np.round(local * 16).astype(np.int32)
        return td, rd, local, polys

    def source(self, img, pts, local):
        """Per triangle: the source rectangle and the affine from it to the destination one."""
        ts = pts[self.tris]
        rs = self.source_rects(ts, img)
        return rs, self.affines(ts - rs[:, None, :2], local)

    def paste(self, patch, poly, out_view):
        h, w = patch.shape[:2]
        mask = self.mask[:h, :w]
        mask[:] = 0
        cv2.fillConvexPoly(mask, poly, 1, cv2.LINE_8, 4)
        cv2.copyTo(patch, mask, out_view)

    def frame(self, img_a, pts_a, img_b, pts_b, dst, alpha):
        """One morph frame: both faces warped onto dst and cross-dissolved, triangle by triangle."""
        out = self.out
        out[:] = 0
        _, rd, local, polys = self.destination(dst)
        ra, ma = self.source(img_a, pts_a, local)
        rb, mb = self.source(img_b, pts_b, local)
        beta = 1.0 - alpha
        warp, blend = cv2.warpAffine, cv2.addWeighted
        linear, replicate = cv2.INTER_LINEAR, cv2.BORDER_REPLICATE
        for k, (x0, y0, x1, y1), (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) in zip(
                range(len(polys)), rd.tolist(), ra.tolist(), rb.tolist()):
            w, h = x1 - x0, y1 - y0
            if w <= 0 or h <= 0:
                continue
            pa = self.patch_a[:h, :w]
            pb = self.patch_b[:h, :w]
            warp(img_a[ay0:ay1, ax0:ax1], ma[k], (w, h), dst=pa, flags=linear,
                 borderMode=replicate)
            warp(img_b[by0:by1, bx0:bx1], mb[k], (w, h), dst=pb, flags=linear,
                 borderMode=replicate)
            blend(pa, beta, pb, alpha, 0.0, dst=pa)
            self.paste(pa, polys[k], out[y0:y1, x0:x1])
        return out

    def onto(self, img, src, dst):
        """One face warped onto dst (the mean face's per-face step)."""
        out = self.out
        out[:] = 0
        _, rd, local, polys = self.destination(dst)
        rs, ms = self.source(img, src, local)
        warp = cv2.warpAffine
        linear, replicate = cv2.INTER_LINEAR, cv2.BORDER_REPLICATE
        for k, (x0, y0, x1, y1), (sx0, sy0, sx1, sy1) in zip(
                range(len(polys)), rd.tolist(), rs.tolist()):
            w, h = x1 - x0, y1 - y0
            if w <= 0 or h <= 0:
                continue
            pa = self.patch_a[:h, :w]
            warp(img[sy0:sy1, sx0:sx1], ms[k], (w, h), dst=pa, flags=linear,
                 borderMode=replicate)
            self.paste(pa, polys[k], out[y0:y1, x0:x1])
        return out


def main():
    exchange, out_dir = sys.argv[1], sys.argv[2]
    with open(exchange) as f:
        ex = json.load(f)
    width, height = ex["width"], ex["height"]
    result = {"cv2": cv2.__version__, "threads": cv2.getNumThreads()}

    chain = ex["chain"]
    warper = TriangleWarper(width, height, chain["triangles"])
    imgs = [cv2.imread(p, cv2.IMREAD_COLOR) for p in chain["images"]]
    src = [np.array(s, dtype=np.float64).reshape(-1, 2) for s in chain["sources"]]
    aligned = [np.array(s, dtype=np.float64).reshape(-1, 2) for s in chain["aligned"]]
    frames = [(int(i), int(j), float(t)) for i, j, t in chain["frames"]]
    check = chain["checkFrame"]
    # Warm-up on a few frames, then time every frame of the chain.
    for i, j, t in frames[:3]:
        warper.frame(imgs[i], src[i], imgs[j], src[j], (1 - t) * aligned[i] + t * aligned[j], t)
    t0, c0 = time.perf_counter(), time.process_time()
    for k, (i, j, t) in enumerate(frames):
        frame = warper.frame(imgs[i], src[i], imgs[j], src[j],
                             (1 - t) * aligned[i] + t * aligned[j], t)
        if k == check:
            cv2.imwrite(os.path.join(out_dir, "python-frame.png"), frame)
    result["frameMs"] = (time.perf_counter() - t0) * 1000 / len(frames)
    result["frameCpuMs"] = (time.process_time() - c0) * 1000 / len(frames)
    result["frames"] = len(frames)

    mean = ex["mean"]
    mean_warper = TriangleWarper(width, height, mean["triangles"])
    dst = np.array(mean["destination"], dtype=np.float64).reshape(-1, 2)
    msrc = [np.array(s, dtype=np.float64).reshape(-1, 2) for s in mean["sources"]]
    paths = mean["images"]
    t0 = time.perf_counter()
    decoded = [cv2.imread(p, cv2.IMREAD_COLOR) for p in paths]
    result["decodeMsPerImage"] = (time.perf_counter() - t0) * 1000 / len(paths)
    t0, c0 = time.perf_counter(), time.process_time()
    acc = np.zeros((height, width, 3), dtype=np.uint32)
    for img, s in zip(decoded, msrc):
        acc += mean_warper.onto(img, s, dst)
    result["meanSecondsDecodeExcluded"] = time.perf_counter() - t0
    result["meanCpuSecondsDecodeExcluded"] = time.process_time() - c0
    cv2.imwrite(os.path.join(out_dir, "python-mean.png"),
                np.clip(acc / len(paths) + 0.5, 0, 255).astype(np.uint8))
    t0, c0 = time.perf_counter(), time.process_time()
    acc = np.zeros((height, width, 3), dtype=np.uint32)
    for p, s in zip(paths, msrc):
        acc += mean_warper.onto(cv2.imread(p, cv2.IMREAD_COLOR), s, dst)
    result["meanSecondsDecodeIncluded"] = time.perf_counter() - t0
    result["meanCpuSecondsDecodeIncluded"] = time.process_time() - c0
    result["meanFaces"] = len(paths)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
