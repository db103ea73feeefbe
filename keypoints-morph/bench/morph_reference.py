#!/usr/bin/env python3
"""Python + OpenCV reference for `keypoints bench morph`.

Reads the exchange file the Java benchmark writes (the same faces, source points, destination
points and triangles), and times the classic per-triangle warp: for every triangle, warp the
bounding rectangle of the source triangle with cv2.warpAffine (bilinear) and paste it through a
triangle mask into the destination rectangle. Prints one JSON line with the timings and writes
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


def rect_of(tri, width, height):
    x, y, w, h = cv2.boundingRect(tri.astype(np.float32))
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, width), min(y + h, height)
    return x0, y0, x1 - x0, y1 - y0


def warp_patch(img, src_tri, dst_tri, r2):
    """Warps the source triangle's bounding rectangle onto destination rectangle r2."""
    ih, iw = img.shape[:2]
    x, y, w, h = cv2.boundingRect(src_tri.astype(np.float32))
    # Keep the crop inside the image; points outside it are handled by the border mode.
    x0, y0 = min(max(x, 0), iw - 1), min(max(y, 0), ih - 1)
    x1, y1 = max(min(x + w, iw), x0 + 1), max(min(y + h, ih), y0 + 1)
    crop = img[y0:y1, x0:x1]
    t1 = (src_tri - [x0, y0]).astype(np.float32)
    t2 = (dst_tri - [r2[0], r2[1]]).astype(np.float32)
    m = cv2.getAffineTransform(t1, t2)
    return cv2.warpAffine(crop, m, (r2[2], r2[3]), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


def tri_mask(dst_tri, r2):
    """Single-channel 0/1 mask of the destination triangle inside its rectangle."""
    mask = np.zeros((r2[3], r2[2]), dtype=np.uint8)
    t2 = (dst_tri - [r2[0], r2[1]]) * 16  # 4 fractional bits, cv2's shift=4
    cv2.fillConvexPoly(mask, np.int32(np.round(t2)), 1, cv2.LINE_8, 4)
    return mask.astype(bool)


def morph_frame(img_a, pts_a, img_b, pts_b, dst, triangles, alpha, width, height):
    out = np.zeros((height, width, 3), dtype=np.uint8)
    for a, b, c in triangles:
        td = dst[[a, b, c]]
        r2 = rect_of(td, width, height)
        if r2[2] <= 0 or r2[3] <= 0:
            continue
        wa = warp_patch(img_a, pts_a[[a, b, c]], td, r2)
        wb = warp_patch(img_b, pts_b[[a, b, c]], td, r2)
        blended = cv2.addWeighted(wa, 1.0 - alpha, wb, alpha, 0.0)
        mask = tri_mask(td, r2)
        sl = out[r2[1]:r2[1] + r2[3], r2[0]:r2[0] + r2[2]]
        sl[mask] = blended[mask]
    return out


def warp_onto(img, src, dst, triangles, width, height):
    out = np.zeros((height, width, 3), dtype=np.uint8)
    for a, b, c in triangles:
        td = dst[[a, b, c]]
        r2 = rect_of(td, width, height)
        if r2[2] <= 0 or r2[3] <= 0:
            continue
        w = warp_patch(img, src[[a, b, c]], td, r2)
        mask = tri_mask(td, r2)
        sl = out[r2[1]:r2[1] + r2[3], r2[0]:r2[0] + r2[2]]
        sl[mask] = w[mask]
    return out


def main():
    exchange, out_dir = sys.argv[1], sys.argv[2]
    with open(exchange) as f:
        ex = json.load(f)
    width, height = ex["width"], ex["height"]
    result = {"cv2": cv2.__version__, "threads": cv2.getNumThreads()}

    chain = ex["chain"]
    tris = np.array(chain["triangles"], dtype=np.int64).reshape(-1, 3)
    imgs = [cv2.imread(p, cv2.IMREAD_COLOR) for p in chain["images"]]
    src = [np.array(s, dtype=np.float64).reshape(-1, 2) for s in chain["sources"]]
    aligned = [np.array(s, dtype=np.float64).reshape(-1, 2) for s in chain["aligned"]]
    frames = [(int(i), int(j), float(t)) for i, j, t in chain["frames"]]
    check = chain["checkFrame"]
    # Warm-up on a few frames, then time every frame of the chain.
    for i, j, t in frames[:3]:
        morph_frame(imgs[i], src[i], imgs[j], src[j], (1 - t) * aligned[i] + t * aligned[j],
                    tris, t, width, height)
    t0, c0 = time.perf_counter(), time.process_time()
    for k, (i, j, t) in enumerate(frames):
        frame = morph_frame(imgs[i], src[i], imgs[j], src[j],
                            (1 - t) * aligned[i] + t * aligned[j], tris, t, width, height)
        if k == check:
            cv2.imwrite(os.path.join(out_dir, "python-frame.png"), frame)
    result["frameMs"] = (time.perf_counter() - t0) * 1000 / len(frames)
    result["frameCpuMs"] = (time.process_time() - c0) * 1000 / len(frames)
    result["frames"] = len(frames)

    mean = ex["mean"]
    mtris = np.array(mean["triangles"], dtype=np.int64).reshape(-1, 3)
    dst = np.array(mean["destination"], dtype=np.float64).reshape(-1, 2)
    msrc = [np.array(s, dtype=np.float64).reshape(-1, 2) for s in mean["sources"]]
    paths = mean["images"]
    t0 = time.perf_counter()
    decoded = [cv2.imread(p, cv2.IMREAD_COLOR) for p in paths]
    result["decodeMsPerImage"] = (time.perf_counter() - t0) * 1000 / len(paths)
    t0, c0 = time.perf_counter(), time.process_time()
    acc = np.zeros((height, width, 3), dtype=np.uint32)
    for img, s in zip(decoded, msrc):
        acc += warp_onto(img, s, dst, mtris, width, height)
    result["meanSecondsDecodeExcluded"] = time.perf_counter() - t0
    result["meanCpuSecondsDecodeExcluded"] = time.process_time() - c0
    cv2.imwrite(os.path.join(out_dir, "python-mean.png"),
                np.clip(acc / len(paths) + 0.5, 0, 255).astype(np.uint8))
    t0, c0 = time.perf_counter(), time.process_time()
    acc = np.zeros((height, width, 3), dtype=np.uint32)
    for p, s in zip(paths, msrc):
        acc += warp_onto(cv2.imread(p, cv2.IMREAD_COLOR), s, dst, mtris, width, height)
    result["meanSecondsDecodeIncluded"] = time.perf_counter() - t0
    result["meanCpuSecondsDecodeIncluded"] = time.process_time() - c0
    result["meanFaces"] = len(paths)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
