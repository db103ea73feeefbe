"""Reference timing for `keypoints bench epoch`: whole training epochs of the 58-point reference
recipe in Python PyTorch (Debian's python3-torch and python3-opencv under /usr/bin/python3),
written as a PyTorch user would: a Dataset over the IMM photos, a DataLoader (by default without
worker processes: on two cores a loader process made the epoch longer), and the usual zero_grad /
forward / backward / step loop.

usage: /usr/bin/python3 bench/epoch_reference.py --data DIR [--threads N] [--workers W]
           [--epochs E] [--limit L] [--seed S] [--batch 32] [--input 120x90] [--lr 1e-3]
           [--rotate 15] [--shift 5] [--jitter 0.2] [--flip on] [--last-train-person 32]
           [--serve]

The recipe (the defaults) is `keypoints train --model imm58 --input 120x90 --batch 32 --lr 1e-3
--loss mse --augment on` (bench/acceptance.sh imm58), made the same way as the Java side:
- split: IMM persons 1..32 train, 33..40 validate, by the NN of the NN-Kg file names, in file-name
  order (ImmSplit.byPerson over DatasetLoader's sorted samples); --limit L keeps the first L of each;
- input: the whole photo, gray (cv2.IMREAD_GRAYSCALE), resized to 120x90 with cv2.INTER_AREA;
  points x_px = x_rel * photo width, moved to input pixels with the pixel-centre convention
  (x + 0.5) * s - 0.5; the label is the 116 input coordinates divided by the input width / height;
- augmentation per sample, drawn fresh each time: rotation U(-15, 15) degrees about the image
  centre ((w-1)/2, (h-1)/2), shift U(-5, 5) px in x and y, then with probability 1/2 a horizontal
  mirror x -> w-1-x with the IMM point renumbering; one cv2.warpAffine (bilinear,
  BORDER_REPLICATE) of the cached input for all three; then contrast c = U(0.8, 1.2) and
  brightness b = U(-0.2, 0.2) * 255: p -> (p - mean) * c + mean + b, clipped to 0..255;
- pixels p / 255 - 0.5; network Imm58Net (conv 32, then conv 64, 64, 32, 32 each with ReLU and
  2x2 max pooling, Linear(480 -> 256), ReLU, Linear(256 -> 116)); MSE (mean); Adam 1e-3;
- images are decoded and resized once, when the Dataset is built (timed as decode_ms), and kept in
  memory: every epoch reads them from memory, as the Java side's in-memory image cache after its
  warm-up epoch.
One warm-up epoch, then --epochs timed epochs. Each epoch: the training pass over the DataLoader
(shuffled, batch 32, num_workers W, persistent workers, no pinned memory), then a validation pass
(no augmentation, eval mode, no gradients: loss and mean point error in photo pixels), as the Java
trainer validates after every epoch.

Timing of the training pass: epoch_ms runs from creating the epoch's iterator to the end of the
last step; data_wait_ms is the time blocked in iter() and next() (the step loop waiting for the
DataLoader); step_ms is zero_grad, forward, loss, backward, optimiser step and loss.item().

Prints one JSON line:
{"torch", "cv2", "threads", "workers", "input", "batch", "params", "train_ids", "val_count",
 "flip_map", "decode_ms", "warmup": {epoch figures}, "epochs": [{epoch figures}, ...],
 "epoch_ms", "data_wait_ms", "step_ms", "data_wait_share", "samples_per_s", "validation_ms",
 "epoch_with_validation_ms"}   (the last seven: means over the timed epochs; the share is total
wait over total epoch time)
epoch figures: {"epoch_ms", "data_wait_ms", "step_ms", "batches", "samples", "validation_ms",
 "train_loss", "val_loss", "val_mean_px"}

With --serve (`keypoints bench epoch --pairs`) the script prints the set-up line instead
({"torch", "cv2", "threads", "workers", "input", "batch", "params", "train_ids", "val_count",
"flip_map", "decode_ms"}), then stays up: it reads lines "EPOCH" from standard input and answers
each with the epoch figures of one more epoch (training pass and validation) of the same network,
optimiser and loaders, plus "ms" = epoch_ms; it ends at end of input. --epochs is then unused.
"""
import argparse
import glob
import json
import os
import random
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

from layout import channels_last


def imm_flip_map():
    # LandmarkScheme.IMM_58's flip permutation: open paths across the face reverse, paired paths
    # (eyes, brows) swap point for point, the mouth mirrors about points 41 and 45.
    flip = list(range(58))

    def mirror_within(a, b):
        for i in range(a, b + 1):
            flip[i] = a + b - i

    def pair(a, b, n):
        for k in range(n):
            flip[a + k], flip[b + k] = b + k, a + k

    mirror_within(0, 12)  # jaw
    pair(13, 21, 8)  # eyes
    pair(29, 34, 5)  # brows
    for i, j in [(39, 43), (40, 42), (41, 41), (44, 46), (45, 45)]:  # mouth
        flip[i], flip[j] = j, i
    mirror_within(47, 57)  # nose
    return flip


def read_asf(path):
    """The 58 relative (x, y) points of an IMM .asf file."""
    with open(path, encoding="latin-1") as f:
        lines = [ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
    n = int(lines[0])
    pts = []
    for ln in lines[1:1 + n]:
        fields = ln.split()
        if len(fields) < 7:
            raise ValueError(f"{path}: expected 7 or more fields per point line, got {ln!r}")
        pts.append((float(fields[2]), float(fields[3])))
    if len(pts) != 58:
        raise ValueError(f"{path}: expected 58 points, found {len(pts)}")
    return np.array(pts, dtype=np.float64)


def imm_split(data, last_train_person, limit):
    asf = sorted(glob.glob(os.path.join(data, "*.asf")))
    if not asf:
        raise SystemExit(f"{data}: no .asf files (expected the IMM Face Database, NN-Kg.asf/.jpg)")
    train, val = [], []
    for a in asf:
        stem = os.path.splitext(os.path.basename(a))[0]
        jpg = os.path.join(data, stem + ".jpg")
        if not os.path.isfile(jpg):
            raise SystemExit(f"{a}: its photo {jpg} is missing")
        try:
            person = int(stem.split("-")[0])
        except ValueError:
            raise SystemExit(f"{a}: not an IMM name NN-Kg (such as 01-1m)") from None
        (train if person <= last_train_person else val).append((stem, jpg, a))
    if limit > 0:
        train, val = train[:limit], val[:limit]
    return train, val


class ImmFaces(Dataset):
    """IMM faces at the network input size, decoded once and kept in memory."""

    def __init__(self, items, width, height, augment=None):
        self.width, self.height, self.augment = width, height, augment
        self.images, self.points, self.scales = [], [], []
        for stem, jpg, asf in items:
            photo = cv2.imread(jpg, cv2.IMREAD_GRAYSCALE)
            if photo is None:
                raise SystemExit(f"{jpg}: OpenCV could not decode it")
            h, w = photo.shape
            sx, sy = width / w, height / h
            self.images.append(cv2.resize(photo, (width, height), interpolation=cv2.INTER_AREA))
            rel = read_asf(asf)
            px = rel * [w, h]
            self.points.append((px + 0.5) * [sx, sy] - 0.5)
            self.scales.append((sx, sy))

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        img, pts = self.images[i], self.points[i]
        if self.augment is not None:
            img, pts = self.augment(img, pts)
        x = torch.from_numpy((np.asarray(img, dtype=np.float32) / 255.0 - 0.5)[None])
        y = torch.from_numpy((pts / [self.width, self.height]).astype(np.float32).reshape(-1))
        return x, y, i


class Augment:
    """Rotation, shift and mirror in one warpAffine, then brightness and contrast."""

    def __init__(self, rotate, shift, jitter, flip, flip_map):
        self.rotate, self.shift, self.jitter, self.flip = rotate, shift, jitter, flip
        self.flip_map = np.array(flip_map)

    def __call__(self, img, pts):
        h, w = img.shape
        m = np.eye(3)
        m[:2] = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2),
                                        random.uniform(-self.rotate, self.rotate), 1.0)
        t = np.eye(3)
        t[0, 2] = random.uniform(-self.shift, self.shift)
        t[1, 2] = random.uniform(-self.shift, self.shift)
        m = t @ m
        c = random.uniform(1 - self.jitter, 1 + self.jitter)
        b = random.uniform(-self.jitter, self.jitter) * 255
        mirrored = self.flip and random.random() < 0.5
        if mirrored:
            m = np.array([[-1.0, 0, w - 1], [0, 1, 0], [0, 0, 1]]) @ m
        out = cv2.warpAffine(img, m[:2], (w, h), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
        mean = out.mean()
        out = np.clip((out - mean) * c + mean + b, 0, 255)
        p = pts @ m[:2, :2].T + m[:2, 2]
        if mirrored:
            p = p[self.flip_map]
        return out, p


def imm58(outputs, h, w):
    layers = [nn.Conv2d(1, 32, 3), nn.ReLU()]
    chans = [32, 64, 64, 32, 32]
    for cin, cout in zip(chans[:-1], chans[1:]):
        layers += [nn.Conv2d(cin, cout, 3), nn.ReLU(), nn.MaxPool2d(2)]
    conv = nn.Sequential(*layers)
    with torch.no_grad():
        flat = conv(torch.zeros(1, 1, h, w)).numel()  # 32 x 3 x 5 = 480 at 120x90
    # Channels-last input and parameters, as Imm58Net lays its input out on PyTorch (layout.py).
    return channels_last(nn.Sequential(conv, nn.Flatten(), nn.Linear(flat, 256), nn.ReLU(),
                                       nn.Linear(256, outputs)))


def train_pass(net, opt, loss_fn, loader):
    net.train()
    data_wait = step = 0.0
    loss_sum, samples, batches = 0.0, 0, 0
    t0 = time.perf_counter()
    it = iter(loader)
    end = t0
    while True:
        d0 = time.perf_counter()
        try:
            x, y, _ = next(it)
        except StopIteration:
            break
        d1 = time.perf_counter()
        opt.zero_grad(set_to_none=True)  # torch 2.x's default; see train_step.py
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        loss_sum += loss.item() * len(x)
        end = time.perf_counter()
        # The first wait includes iter(), which hands the epoch's indices to the workers.
        data_wait += d1 - (t0 if batches == 0 else d0)
        step += end - d1
        samples += len(x)
        batches += 1
    return {"epoch_ms": (end - t0) * 1e3, "data_wait_ms": data_wait * 1e3,
            "step_ms": step * 1e3, "batches": batches, "samples": samples,
            "train_loss": loss_sum / max(samples, 1)}


def validate(net, loss_fn, loader, dataset):
    net.eval()
    loss_sum, err_sum, n_pts, n = 0.0, 0.0, 0, 0
    t0 = time.perf_counter()
    with torch.no_grad():
        for x, y, idx in loader:
            pred = net(x)
            loss_sum += loss_fn(pred, y).item() * len(x)
            n += len(x)
            p = pred.numpy().reshape(len(x), -1, 2) * [dataset.width, dataset.height]
            t = y.numpy().reshape(len(x), -1, 2) * [dataset.width, dataset.height]
            for k, i in enumerate(idx.tolist()):
                s = np.array(dataset.scales[i])
                d = ((p[k] + 0.5) / s - 0.5) - ((t[k] + 0.5) / s - 0.5)
                err_sum += float(np.sqrt((d ** 2).sum(axis=1)).sum())
                n_pts += d.shape[0]
    return (time.perf_counter() - t0) * 1e3, loss_sum / n, err_sum / n_pts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--input", default="120x90")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--rotate", type=float, default=15.0)
    ap.add_argument("--shift", type=float, default=5.0)
    ap.add_argument("--jitter", type=float, default=0.2)
    ap.add_argument("--flip", choices=["on", "off"], default="on")
    ap.add_argument("--last-train-person", type=int, default=32)
    ap.add_argument("--serve", action="store_true")
    a = ap.parse_args()
    if a.epochs < 1 or a.workers < 0 or a.limit < 0 or a.threads < 1:
        raise SystemExit("--epochs and --threads must be >= 1, --workers and --limit >= 0")
    width, height = (int(v) for v in a.input.lower().split("x"))

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    flip_map = imm_flip_map()
    train_items, val_items = imm_split(a.data, a.last_train_person, a.limit)
    if not train_items or not val_items:
        raise SystemExit(f"{a.data}: the split has {len(train_items)} training and"
                         f" {len(val_items)} validation faces; both must be non-empty")
    t0 = time.perf_counter()
    augment = Augment(a.rotate, a.shift, a.jitter, a.flip == "on", flip_map)
    train_set = ImmFaces(train_items, width, height, augment)
    val_set = ImmFaces(val_items, width, height)
    decode_ms = (time.perf_counter() - t0) * 1e3

    workers = dict(num_workers=a.workers, persistent_workers=a.workers > 0, pin_memory=False)
    train_loader = DataLoader(train_set, batch_size=a.batch, shuffle=True, **workers)
    val_loader = DataLoader(val_set, batch_size=a.batch, shuffle=False, **workers)
    net = imm58(2 * 58, height, width)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    loss_fn = nn.MSELoss()

    def epoch():
        f = train_pass(net, opt, loss_fn, train_loader)
        f["validation_ms"], f["val_loss"], f["val_mean_px"] = validate(
            net, loss_fn, val_loader, val_set)
        return f

    setup = {
        "torch": torch.__version__,
        "cv2": cv2.__version__,
        "threads": a.threads,
        "workers": a.workers,
        "input": f"{width}x{height}",
        "batch": a.batch,
        "params": sum(p.numel() for p in net.parameters() if p.requires_grad),
        "train_ids": [stem for stem, _, _ in train_items],
        "val_count": len(val_items),
        "flip_map": flip_map,
        "decode_ms": decode_ms,
    }
    if a.serve:
        print(json.dumps(setup), flush=True)
        for line in sys.stdin:
            if not line.strip():
                continue
            if line.strip() != "EPOCH":
                raise SystemExit(f"serve: expected the request EPOCH, got {line.strip()!r}")
            f = epoch()
            f["ms"] = f["epoch_ms"]
            print(json.dumps(f), flush=True)
        return

    figures = []
    for _ in range(1 + a.epochs):
        f = epoch()
        figures.append(f)
        print(f"epoch_reference: epoch {len(figures)}/{1 + a.epochs}"
              f"{' (warm-up)' if len(figures) == 1 else ''}: {f['epoch_ms']:.0f} ms,"
              f" waited for data {f['data_wait_ms']:.0f} ms, steps {f['step_ms']:.0f} ms,"
              f" validation {f['validation_ms']:.0f} ms", file=sys.stderr)
    timed = figures[1:]
    total = sum(f["epoch_ms"] for f in timed)
    out = dict(setup)
    out.update({
        "warmup": figures[0],
        "epochs": timed,
        "epoch_ms": total / len(timed),
        "data_wait_ms": sum(f["data_wait_ms"] for f in timed) / len(timed),
        "step_ms": sum(f["step_ms"] for f in timed) / len(timed),
        "data_wait_share": sum(f["data_wait_ms"] for f in timed) / total,
        "samples_per_s": sum(f["samples"] for f in timed) / (total / 1e3),
        "validation_ms": sum(f["validation_ms"] for f in timed) / len(timed),
        "epoch_with_validation_ms":
            sum(f["epoch_ms"] + f["validation_ms"] for f in timed) / len(timed),
    })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
