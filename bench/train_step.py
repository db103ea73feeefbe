"""Reference timing for `keypoints bench train`: the same networks, loss and optimiser in Python
PyTorch (Debian's python3-torch), on the same machine and thread count.

usage: python3 bench/train_step.py THREADS [CASES] [--warmup W] [--profile DIR] [--serve]
  ->  one JSON line
{"torch": version, "threads": n, "cases": {name: {"train_ms": .., "forward_ms": .., "backward_ms": ..,
 "step_ms": .., "small_op_us": .., "faults_per_step": .., "infer_ms_b1": .., "infer_img_s_b32": .., "pid": ..}}}
("faults_per_step": the process's minor page faults during the timed steps, per step; "pid": the
process that timed the case. `keypoints bench train` starts one process per case, so no case is
timed in leftovers of another: in the process that had trained the 58-point case first, the
nose-tip step ran slowest; see docs/performance-training.md.)
The phases (forward with the loss, backward, optimiser step) are medians of their own, timed in
the same steps as train_ms, after W untimed steps (default: 2 for imm58, 10 for nose-tip, as in
`keypoints bench train`, which passes its own --warmup on). With --profile DIR, after the timing,
the same number of steps again under torch.autograd.profiler into
DIR/python-CASE_WxH_train-Np.json (Chrome trace; read with bench/op_profile.py next to the Java
side's trace from `keypoints bench train --profile DIR`).
With --serve the script then stays up and times blocks of training steps on request, for
`keypoints bench train --pairs`: it reads lines "CASE N" from standard input and answers each with
one JSON line {"case", "ms"}, the (upper) median ms of N more steps of that case's network, optimiser and
batch; it ends at end of input.
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn

from bench_timing import median_ms, minor_faults
from infer_reference import ResNet18
from layout import channels_last

argv = sys.argv[1:]
profile_dir = None
warmup = None
if "--warmup" in argv:
    i = argv.index("--warmup")
    warmup = int(argv[i + 1])
    del argv[i:i + 2]
if "--profile" in argv:
    i = argv.index("--profile")
    profile_dir = argv[i + 1]
    del argv[i:i + 2]
serve = "--serve" in argv
if serve:
    argv.remove("--serve")
threads = int(argv[0]) if len(argv) > 0 else 1
torch.set_num_threads(threads)
torch.manual_seed(0)


def nose_tip():
    # Reference Part 1: input 1x60x80; channels-last like NoseTipNet on PyTorch (layout.py).
    return channels_last(nn.Sequential(
        nn.Conv2d(1, 24, 3), nn.ReLU(),
        nn.Conv2d(24, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(7488, 256), nn.ReLU(), nn.Linear(256, 2)))


def imm58():
    # Reference Part 2: input 1x180x240; channels-last like Imm58Net on PyTorch (layout.py).
    layers = [nn.Conv2d(1, 32, 3), nn.ReLU()]
    chans = [32, 64, 64, 32, 32]
    for cin, cout in zip(chans[:-1], chans[1:]):
        layers += [nn.Conv2d(cin, cout, 3), nn.ReLU(), nn.MaxPool2d(2)]
    layers += [nn.Flatten(), nn.Linear(3744, 256), nn.ReLU(), nn.Linear(256, 116)]
    return channels_last(nn.Sequential(*layers))



def resnet18():
    # ResNet18 with 136 outputs (infer_reference.py); channels-last like the library's (layout.py).
    return channels_last(nn.Sequential(ResNet18(136)))


cases = {
    "imm58": (imm58, 32, 180, 240, 116, 5, 2),
    "nose-tip": (nose_tip, 15, 60, 80, 2, 20, 10),
    "resnet18": (resnet18, 16, 224, 224, 136, 3, 1),
}
only = argv[1].split(",") if len(argv) > 1 else list(cases)
out = {}
state = {}


def upper_median(values):
    """The median, the upper middle value for an even count: the Java side's rule
    (ForwardTiming.median) and bench_timing's; statistics.median's mean of the two middle values
    was taken here until 2026-12-04, which favoured this side slightly at 20 nose-tip steps."""
    s = sorted(values)
    return s[len(s) // 2]


def train_step(net, opt, loss_fn, x, y):
    # set_to_none=True: the gradients are dropped instead of zero-filled, so the backward pass
    # writes them afresh instead of adding into zeros - torch 2.x's default, what a current user
    # gets. In bench train it measured no different from 1.13's default (set_to_none=False) beyond
    # the noise (docs/performance-training.md). The Java side cannot do the same through DJL 0.36
    # (no call resets a gradient); it zero-fills, as 1.13's default does.
    opt.zero_grad(set_to_none=True)
    loss_fn(net(x), y).backward()
    opt.step()


for name in only:
    make, batch, h, w, n_out, reps, case_warmup = cases[name]
    steps_before = case_warmup if warmup is None else warmup
    net = make()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    x = torch.rand(batch, 1, h, w) - 0.5
    y = torch.rand(batch, n_out)

    times = {"train": [], "forward": [], "backward": [], "step": []}
    faults0 = 0
    for i in range(steps_before + reps):
        if i == steps_before:
            faults0 = minor_faults()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        t3 = time.perf_counter()
        if i >= steps_before:
            times["train"].append((t3 - t0) * 1e3)
            times["forward"].append((t1 - t0) * 1e3)
            times["backward"].append((t2 - t1) * 1e3)
            times["step"].append((t3 - t2) * 1e3)
    faults_per_step = (minor_faults() - faults0) / reps
    train_ms = upper_median(times["train"])
    if profile_dir:
        with torch.autograd.profiler.profile() as prof:
            for _ in range(reps):
                opt.zero_grad(set_to_none=True)
                loss_fn(net(x), y).backward()
                opt.step()
        prof.export_chrome_trace("%s/python-%s_%dx%d_train-%dp.json" % (profile_dir, name, w, h, reps))
    one = torch.ones(1)
    op_runs = []
    for r in range(5):
        t0 = time.perf_counter()
        for _ in range(2000):
            one.add(1.0)
        op_runs.append((time.perf_counter() - t0) * 1e6 / 2000)
    small_op_us = upper_median(op_runs[1:])
    net.eval()
    x1 = torch.rand(1, 1, h, w) - 0.5
    x32 = torch.rand(32, 1, h, w) - 0.5
    with torch.no_grad():
        b1 = median_ms(lambda: net(x1), 3, 30)
        b32 = median_ms(lambda: net(x32), 2, max(3, reps))
    out[name] = {"train_ms": train_ms,
                 "forward_ms": upper_median(times["forward"]),
                 "backward_ms": upper_median(times["backward"]),
                 "step_ms": upper_median(times["step"]),
                 "small_op_us": small_op_us, "faults_per_step": faults_per_step,
                 "infer_ms_b1": b1, "infer_img_s_b32": 32000.0 / b32, "pid": os.getpid()}
    state[name] = (net, opt, loss_fn, x, y)
print(json.dumps({"torch": torch.__version__, "threads": threads, "cases": out}), flush=True)
if serve:
    for line in sys.stdin:
        if not line.strip():
            continue
        name, n = line.split()
        if name not in state:
            raise SystemExit("serve: unknown case %s; known: %s" % (name, ", ".join(state)))
        net, opt, loss_fn, x, y = state[name]
        net.train()
        block = []
        for _ in range(int(n)):
            t0 = time.perf_counter()
            train_step(net, opt, loss_fn, x, y)
            block.append((time.perf_counter() - t0) * 1e3)
        print(json.dumps({"case": name, "ms": upper_median(block)}), flush=True)
