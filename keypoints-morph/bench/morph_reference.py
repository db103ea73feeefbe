#!/usr/bin/env python3
"""Python + OpenCV reference for `keypoints bench morph`.

Reads the exchange file the Java benchmark writes (the same faces, source points, destination
points and triangles), and times the classic per-triangle warp as a competent OpenCV user writes it
(TriangleWarper): for every triangle, warp the bounding rectangle of the source triangle with
cv2.warpAffine (bilinear) and paste it through a triangle mask into the destination rectangle.
Every buffer is allocated once and OpenCV writes into views of it; the per-triangle bookkeeping
is vectorised per frame. Prints one JSON line with the timings and writes
one morph frame and the mean face as PNGs so the Java side can check both warp the same
triangles. The mean face (TriangleWarper.mean_face) computes the shared destination's rectangles
and triangle masks once and sums the faces with cv2.accumulate.

Usage: morph_reference.py EXCHANGE.json OUT_DIR [--part frames|mean|all] [--workers N]
With --workers N (N > 1) the frames, or the faces of the mean face, are split into N contiguous
shares, each rendered by a forked process with OpenCV on one thread (how a competent user puts a
second core to work on this job: one OpenCV call per triangle is too small for OpenCV's own
threads); the pictures then go to python-frame-workers.png and python-mean-workers.png.
`keypoints bench morph` runs each part and each worker count in a process of its own.
Needs Debian's python3-opencv; installs it with apt-get when cv2 is missing.
"""
import json
import multiprocessing
import os
import subprocess
import sys
import time

# Every process of this reference is a one-core process: the one-process form is set against Java
# on one thread, and each --workers process against one of Java's threads. NumPy's BLAS would start
# OMP_NUM_THREADS threads in each (the launcher exports the core count; on the OpenMP OpenBLAS that
# `bench train` installs, its threads spin after each batched 3x3 solve): measured 2026-12-05, the
# one-process form then used 21 ms of CPU per 13 ms frame, and two workers took 18-32 ms per frame
# instead of 6.7. Set before NumPy is first imported (ensure_cv2 below imports it).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"


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

    def mean_face(self, faces, sources, dst):
        """The sum of all faces warped onto dst (the mean face before the division), as float32
        (exact: at most 255 times the face count). Every face shares the destination, so its
        rectangles, corners and triangle masks are computed once; per face only the source
        rectangles and affines (one batched solve), one warpAffine and one masked copy per triangle,
        and one cv2.accumulate into the sum. `faces` may be a generator (decoding as it goes)."""
        _, rd, local, polys = self.destination(dst)
        rects = rd.tolist()
        masks = []
        for k, (x0, y0, x1, y1) in enumerate(rects):
            m = np.zeros((max(y1 - y0, 0), max(x1 - x0, 0)), dtype=np.uint8)
            if m.size:
                cv2.fillConvexPoly(m, polys[k], 1, cv2.LINE_8, 4)
            masks.append(m)
        acc = np.zeros((self.height, self.width, 3), dtype=np.float32)
        out = self.out
        warp, copy, accumulate = cv2.warpAffine, cv2.copyTo, cv2.accumulate
        linear, replicate = cv2.INTER_LINEAR, cv2.BORDER_REPLICATE
        for img, src in zip(faces, sources):
            out[:] = 0
            rs, ms = self.source(img, src, local)
            for k, (x0, y0, x1, y1), (sx0, sy0, sx1, sy1) in zip(
                    range(len(rects)), rects, rs.tolist()):
                w, h = x1 - x0, y1 - y0
                if w <= 0 or h <= 0:
                    continue
                pa = self.patch_a[:h, :w]
                warp(img[sy0:sy1, sx0:sx1], ms[k], (w, h), dst=pa, flags=linear,
                     borderMode=replicate)
                copy(pa, masks[k], out[y0:y1, x0:x1])
            accumulate(out, acc)
        return acc


def in_workers(n, warm, work):
    """Runs work(i) for i in 0..n-1 in n forked processes at once, each after its own warm(i),
    with OpenCV on one thread in each. Returns the wall seconds from the start signal until every
    result is back, the workers' summed CPU seconds and the results. The parent forks before it
    runs any OpenCV call that could start OpenCV's thread pool."""
    ctx = multiprocessing.get_context("fork")
    conns, procs = [], []
    for i in range(n):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, i, warm, work), daemon=True)
        proc.start()
        conns.append(parent)
        procs.append(proc)
    for c in conns:
        _answer(c.recv())
    t0 = time.perf_counter()
    for c in conns:
        c.send("go")
    outs = [_answer(c.recv()) for c in conns]
    wall = time.perf_counter() - t0
    for proc in procs:
        proc.join()
    return wall, sum(cpu for cpu, _ in outs), [r for _, r in outs]


def _worker(conn, i, warm, work):
    try:
        cv2.setNumThreads(1)
        warm(i)
        conn.send(("ok", None))
        conn.recv()
        c0 = time.process_time()
        r = work(i)
        conn.send(("ok", (time.process_time() - c0, r)))
    except BaseException:  # the parent reports it instead of waiting for ever
        import traceback
        conn.send(("error", "worker %d: %s" % (i, traceback.format_exc())))
    finally:
        conn.close()


def _answer(message):
    kind, value = message
    if kind != "ok":
        raise RuntimeError(value)
    return value


def chunks(n, parts):
    """Splits range(n) into `parts` contiguous ranges of nearly equal length."""
    bounds = [n * k // parts for k in range(parts + 1)]
    return [range(bounds[k], bounds[k + 1]) for k in range(parts)]


def frames_part(ex, out_dir, result, workers):
    """Times every frame of the chain (after three warm-up frames) and writes the check frame;
    with workers > 1 the frames are split into that many contiguous runs, one per process."""
    width, height = ex["width"], ex["height"]
    chain = ex["chain"]
    warper = TriangleWarper(width, height, chain["triangles"])
    imgs = [cv2.imread(p, cv2.IMREAD_COLOR) for p in chain["images"]]
    src = [np.array(s, dtype=np.float64).reshape(-1, 2) for s in chain["sources"]]
    aligned = [np.array(s, dtype=np.float64).reshape(-1, 2) for s in chain["aligned"]]
    frames = [(int(i), int(j), float(t)) for i, j, t in chain["frames"]]
    check = chain["checkFrame"]
    check_png = os.path.join(out_dir, "python-frame.png" if workers == 1
                             else "python-frame-workers.png")

    def render(ks):
        for k in ks:
            i, j, t = frames[k]
            frame = warper.frame(imgs[i], src[i], imgs[j], src[j],
                                 (1 - t) * aligned[i] + t * aligned[j], t)
            if k == check:
                cv2.imwrite(check_png, frame)

    if workers == 1:
        for i, j, t in frames[:3]:
            warper.frame(imgs[i], src[i], imgs[j], src[j], (1 - t) * aligned[i] + t * aligned[j],
                         t)
        t0, c0 = time.perf_counter(), time.process_time()
        render(range(len(frames)))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    else:
        runs = chunks(len(frames), workers)
        wall, cpu, _ = in_workers(workers, lambda w: render(list(runs[w])[:3]),
                                  lambda w: render(runs[w]))
    result["frameMs"] = wall * 1000 / len(frames)
    result["frameCpuMs"] = cpu * 1000 / len(frames)
    result["frames"] = len(frames)


def mean_part(ex, out_dir, result, workers):
    """Times the mean face of all faces, decoded beforehand and decoding as it goes (after a
    warm-up on up to 40 faces, as the Java side), and writes the mean face; with workers > 1 each
    process sums a contiguous share of the faces and the parent adds the sums."""
    width, height = ex["width"], ex["height"]
    mean = ex["mean"]
    warper = TriangleWarper(width, height, mean["triangles"])
    dst = np.array(mean["destination"], dtype=np.float64).reshape(-1, 2)
    msrc = [np.array(s, dtype=np.float64).reshape(-1, 2) for s in mean["sources"]]
    paths = mean["images"]
    t0 = time.perf_counter()
    decoded = [cv2.imread(p, cv2.IMREAD_COLOR) for p in paths]
    result["decodeMsPerImage"] = (time.perf_counter() - t0) * 1000 / len(paths)
    shares = chunks(len(paths), workers)

    def warm(w):
        ks = list(shares[w])[:max(1, 40 // workers)]
        warper.mean_face([decoded[k] for k in ks], [msrc[k] for k in ks], dst)

    def summed(w, decode):
        ks = shares[w]
        faces = ((cv2.imread(paths[k], cv2.IMREAD_COLOR) for k in ks) if decode
                 else (decoded[k] for k in ks))
        return warper.mean_face(faces, [msrc[k] for k in ks], dst)

    for decode in (False, True):
        if workers == 1:
            if not decode:
                warm(0)
            t0, c0 = time.perf_counter(), time.process_time()
            acc = summed(0, decode)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        else:
            t0 = time.perf_counter()
            wall, cpu, sums = in_workers(workers, warm, lambda w: summed(w, decode))
            t1 = time.perf_counter()
            acc = sums[0]
            for extra in sums[1:]:
                acc += extra
            wall += time.perf_counter() - t1
        key = "Included" if decode else "Excluded"
        result["meanSecondsDecode" + key] = wall
        result["meanCpuSecondsDecode" + key] = cpu
        if not decode:
            name = "python-mean.png" if workers == 1 else "python-mean-workers.png"
            cv2.imwrite(os.path.join(out_dir, name),
                        np.clip(acc / len(paths) + 0.5, 0, 255).astype(np.uint8))
    result["meanFaces"] = len(paths)


def main():
    usage = "usage: morph_reference.py EXCHANGE.json OUT_DIR [--part frames|mean|all] [--workers N]"
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(usage)
    exchange, out_dir = args[0], args[1]
    part, workers = "all", 1
    rest = args[2:]
    while rest:
        if len(rest) >= 2 and rest[0] == "--part" and rest[1] in ("frames", "mean", "all"):
            part = rest[1]
        elif len(rest) >= 2 and rest[0] == "--workers" and rest[1].isdigit() and int(rest[1]) >= 1:
            workers = int(rest[1])
        else:
            sys.exit(usage + "; found " + " ".join(rest))
        rest = rest[2:]
    with open(exchange) as f:
        ex = json.load(f)
    result = {"cv2": cv2.__version__, "threads": cv2.getNumThreads(), "pid": os.getpid(),
              "part": part, "workers": workers}
    if part in ("frames", "all"):
        frames_part(ex, out_dir, result, workers)
    if part in ("mean", "all"):
        mean_part(ex, out_dir, result, workers)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
