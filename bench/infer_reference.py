"""Reference timing for `keypoints bench infer`: the networks of keypoints-models, layer for layer,
in Python PyTorch (Debian's python3-torch under /usr/bin/python3), forward only in eval mode under
torch.no_grad(), on the same machine and thread count as the Java side.

Each network is timed in two forms a competent user would try for inference: eager, and
TorchScript as PyTorch's CPU inference guide recommends (torch.jit.trace, torch.jit.freeze,
torch.jit.optimize_for_inference: convolutions and the ReLUs after them fused, weights prepacked
for oneDNN once), traced separately at batch 1 and at batch 32 and checked against the eager
output. "ms_b1" and "img_s_b32" are the faster form's (--forms eager keeps the eager form only,
the reference of the runs before 2026-12-03 17:00 UTC). --forms eager,script,fused also times
the guide's third form, the oneDNN Graph fuser (torch.jit.enable_onednn_fusion(True), trace,
freeze), which the Java side's PyTorch modules use since 2026-12-04 ("ms_b1_fused",
"img_s_b32_fused", "fused_max_diff"; "form_b1" may then be "fused").

usage: /usr/bin/python3 bench/infer_reference.py --threads N [--warmup W] [--warmup-seconds S]
           [--reps R] [--reps32 R32] [--forms eager|eager,script] [--check-dir DIR] [--profile DIR]
           [--serve] MODEL:WxH:OUTPUTS ...
  MODEL is nose-tip, imm58, resnet18, heatmap, landmark-cnn (shaped by --landmark-cnn
  CHANNELS:CONVS:HIDDEN) or landmarker (the default 68-point landmarker's network, described by
  --landmarker JSON); W x H the input (1 channel); OUTPUTS = 2N.
  With --check-dir, DIR/MODEL_WxH.json + .bin (written by the Java side, ParameterDump) hold the
  Java network's tensors in its order, BatchNorm running statistics included, then one input: they
  are loaded into the Python network (shapes checked one by one) and its output on that input is
  returned as "check_output", for the Java side to compare with its own.

Prints one JSON line:
{"torch": version, "threads": n, "blas": path of the BLAS library loaded, "pid": this process,
 "cases": [{"model", "input", "outputs", "params", "ms_b1", "img_s_b32", "faults_b1", "warmup_b1",
            "form_b1", "form_b32", "ms_b1_eager", "img_s_b32_eager"[, "ms_b1_script",
            "img_s_b32_script", "script_max_diff"][, "check_output"]}, ...]}
"warmup_b1" is the number of untimed batch-1 passes of the faster form: at least --warmup (5 for
the TorchScript form) and as many more as --warmup-seconds (default 0) takes.
"faults_b1" is the process's minor page faults during the timed batch-1 passes of the faster form,
per pass; "form_b1"/"form_b32" say which form was faster ("eager" or "script").
With --serve the script then stays up and times blocks of batch-1 passes on request (serve()),
for `bench infer --pairs`.
`keypoints bench infer` starts one process per network, for its timing and again for its pairs,
so no network is timed in a process that has run another first.
"params" counts trainable tensors (sum of p.numel() for p in parameters()), as the Java side's
ParameterCount.trainable does, so the caller can check that both sides built the same network.
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn

from bench_timing import median_ms, median_ms_faults
from layout import channels_last
import torch.nn.functional as F
from torch.nn.utils.fusion import fuse_conv_bn_eval


def nose_tip(outputs, h, w):
    # NoseTipNet: conv 24, conv 32 + pool, conv 32 + pool, fc 256, fc 2N (no padding anywhere).
    conv = nn.Sequential(
        nn.Conv2d(1, 24, 3), nn.ReLU(),
        nn.Conv2d(24, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2))
    return regressor(conv, outputs, h, w)


def imm58(outputs, h, w):
    # Imm58Net: conv 32 without pooling, then conv 64, 64, 32, 32 each + ReLU + MaxPool 2.
    layers = [nn.Conv2d(1, 32, 3), nn.ReLU()]
    chans = [32, 64, 64, 32, 32]
    for cin, cout in zip(chans[:-1], chans[1:]):
        layers += [nn.Conv2d(cin, cout, 3), nn.ReLU(), nn.MaxPool2d(2)]
    return regressor(nn.Sequential(*layers), outputs, h, w)


def regressor(conv, outputs, h, w):
    # ConvRegressor head: flatten, Linear(-> 256) + ReLU, Linear(-> 2N); fc1 sized like DJL's.
    # Channels-last input and parameters, as ConvRegressor lays its input out on PyTorch
    # (layout.py).
    with torch.no_grad():
        flat = conv(torch.zeros(1, 1, h, w)).numel()
    return channels_last(nn.Sequential(conv, nn.Flatten(), nn.Linear(flat, 256), nn.ReLU(),
                                       nn.Linear(256, outputs)))


def landmark_cnn(outputs, h, w, channels, convs, hidden):
    # LandmarkCnn: stages of (conv 3x3 pad 1 without bias + BatchNorm + ReLU) x convs, then
    # MaxPool 2; flatten, Linear(-> hidden) + ReLU (dropout is the identity in eval mode),
    # Linear(-> 2N).
    layers = []
    cin = 1
    for c in channels:
        for _ in range(convs):
            layers += [nn.Conv2d(cin, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
            cin = c
        layers.append(nn.MaxPool2d(2))
    conv = nn.Sequential(*layers)
    with torch.no_grad():
        flat = conv(torch.zeros(1, 1, h, w)).numel()
    head = [nn.Flatten()]
    if hidden > 0:
        head += [nn.Linear(flat, hidden), nn.ReLU(), nn.Linear(hidden, outputs)]
    else:
        head += [nn.Linear(flat, outputs)]
    return nn.Sequential(conv, *head)


class BasicBlock(nn.Module):
    # torchvision's BasicBlock, as keypoints-models' BasicBlock: bias-free convolutions.
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0, bias=False),
                                            nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x if self.downsample is None else self.downsample(x)
        return F.relu(out + shortcut)


class ResNet18(nn.Module):
    # torchvision.models.resnet18 with a 1-channel stem and a 2N head, written out so that no
    # torchvision package is needed (names match torchvision's state_dict).
    def __init__(self, outputs, channels=1):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        widths = [64, 128, 256, 512]
        cin = 64
        for stage, width in enumerate(widths):
            stride = 1 if stage == 0 else 2
            layer = nn.Sequential(BasicBlock(cin, width, stride), BasicBlock(width, width, 1))
            setattr(self, "layer%d" % (stage + 1), layer)
            cin = width
        self.fc = nn.Linear(512, outputs)

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(x)


def fold_batch_norm(net):
    """As the library's frozen networks (BatchNormFold): each bias-free convolution and the batch
    norm right after it become one convolution, for inference: the pairs in a Sequential, and a
    block's conv1/bn1 and conv2/bn2 (ResNet-18's stem and BasicBlocks). Call in eval() mode, after
    the weights. A network without batch norm is left as it is."""
    def foldable(conv, bn):
        return (isinstance(conv, nn.Conv2d) and conv.bias is None
                and isinstance(bn, nn.BatchNorm2d))
    for module in list(net.modules()):
        if isinstance(module, nn.Sequential):
            for i in range(len(module) - 1):
                if foldable(module[i], module[i + 1]):
                    module[i] = fuse_conv_bn_eval(module[i], module[i + 1])
                    module[i + 1] = nn.Identity()
        for conv, bn in (("conv1", "bn1"), ("conv2", "bn2")):
            if foldable(getattr(module, conv, None), getattr(module, bn, None)):
                setattr(module, conv, fuse_conv_bn_eval(getattr(module, conv), getattr(module, bn)))
                setattr(module, bn, nn.Identity())
    return net


def double_conv(cin, cout):
    layers = []
    for i in range(2):
        layers += [nn.Conv2d(cin if i == 0 else cout, cout, 3, 1, 1, bias=False),
                   nn.BatchNorm2d(cout), nn.ReLU()]
    return nn.Sequential(*layers)


class HeatmapNet(nn.Module):
    # keypoints-models' HeatmapNet with its defaults (base 16, depth 3, stride 1, beta 1): a U-Net
    # with ceil-mode max-pooling, nearest 2x up-sampling by broadcast, crop to the skip, concat,
    # a 1x1 head with bias, and the soft-argmax decode of SoftArgmax.decode.
    def __init__(self, outputs, base=16, depth=3, beta=1.0, stride=1):
        super().__init__()
        self.depth = depth
        self.beta = beta
        self.stride = stride
        stop = stride.bit_length() - 1
        self.enc = nn.ModuleList()
        cin = 1
        for level in range(depth + 1):
            self.enc.append(double_conv(cin, base << level))
            cin = base << level
        self.dec = nn.ModuleList()
        for level in range(depth - 1, stop - 1, -1):
            self.dec.append(double_conv(cin + (base << level), base << level))
            cin = base << level
        self.head = nn.Conv2d(cin, outputs // 2, 1)

    @staticmethod
    def upsample(x):
        b, c, h, w = x.shape
        return x.reshape(b, c, h, 1, w, 1).expand(b, c, h, 2, w, 2).reshape(b, c, 2 * h, 2 * w)

    def forward(self, x):
        in_h, in_w = x.shape[2], x.shape[3]
        skips = []
        for level, enc in enumerate(self.enc):
            if level > 0:
                x = F.max_pool2d(x, 2, 2, 0, ceil_mode=True)
            x = enc(x)
            skips.append(x)
        for i, dec in enumerate(self.dec):
            skip = skips[self.depth - 1 - i]
            x = self.upsample(x)[:, :, :skip.shape[2], :skip.shape[3]]
            x = dec(torch.cat([x, skip], 1))
        maps = self.head(x)
        return soft_argmax(maps, self.stride, in_w, in_h, self.beta)


def soft_argmax(maps, stride, in_w, in_h, beta):
    # SoftArgmax.decode's expectation, in whichever of two equal formulations was faster here
    # (bench/decode_forms.py, 2026-12-03): multiplying by each coordinate grid and summing for
    # up to a million probabilities (58 maps of 120x90 at batch 1: 0.39-0.42 ms against
    # 0.82-4.01; 68 maps of 16x16 at batch 32: 0.34-0.38 against 0.50-4.00), above that the
    # probabilities times one [h*w, 2] grid as a matrix product, as the library does (58 maps of
    # 120x90 at batch 32: 30.5-40.0 ms against 41.9-42.5).
    b, n, h, w = maps.shape
    cols = ((torch.arange(w, dtype=torch.float64) + 0.5) * stride - 0.5) / in_w
    rows = ((torch.arange(h, dtype=torch.float64) + 0.5) * stride - 0.5) / in_h
    gx = cols.float().repeat(h)
    gy = rows.float().repeat_interleave(w)
    logits = maps.reshape(b, n, h * w)
    if beta != 1.0:
        logits = logits * beta
    p = torch.softmax(logits, 2)
    if p.numel() <= 1 << 20:
        return torch.stack([(p * gx).sum(2), (p * gy).sum(2)], 2).reshape(b, 2 * n)
    return (p.reshape(b * n, h * w) @ torch.stack([gx, gy], 1)).reshape(b, 2 * n)


def build(model, outputs, h, w, cnn, landmarker):
    if model == "landmarker":
        # The default 68-point landmarker's network, described by the Java side as JSON.
        spec = json.loads(landmarker)
        if spec["architecture"] == "heatmap":
            return HeatmapNet(outputs, spec.get("baseChannels", 16), spec.get("depth", 3),
                              spec.get("beta", 1.0), spec.get("outputStride", 1))
        if spec["architecture"] == "landmark-cnn":
            return landmark_cnn(outputs, h, w, spec["channels"], spec["convsPerStage"],
                                spec["hidden"])
        raise SystemExit("landmarker: unsupported architecture %s" % spec["architecture"])
    if model == "landmark-cnn":
        channels, convs, hidden = cnn.split(":")
        return landmark_cnn(outputs, h, w, [int(c) for c in channels.split(",")], int(convs),
                            int(hidden))
    if model == "nose-tip":
        return nose_tip(outputs, h, w)
    if model == "imm58":
        return imm58(outputs, h, w)
    if model == "resnet18":
        # Channels-last like the library's ResNet18 on PyTorch (layout.py).
        return channels_last(nn.Sequential(ResNet18(outputs)))
    if model == "heatmap":
        return HeatmapNet(outputs)
    raise SystemExit("unknown model '%s'; known: nose-tip, imm58, resnet18, heatmap, landmark-cnn"
                     % model)


def load_dump(net, base):
    # Loads the Java weights into net and returns the input they were checked on. Java's
    # parameter order is the module order here; num_batches_tracked has no Java twin.
    with open(base + ".json") as f:
        manifest = json.load(f)
    with open(base + ".bin", "rb") as f:
        flat = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
    targets = [(k, v) for k, v in net.state_dict().items()
               if not k.endswith("num_batches_tracked")]
    tensors = manifest["tensors"]
    if len(targets) != len(tensors):
        raise SystemExit("%s: Java has %d tensors, Python %d" % (base, len(tensors), len(targets)))
    offset = 0
    with torch.no_grad():
        for (name, value), t in zip(targets, tensors):
            shape = tuple(t["shape"])
            if tuple(value.shape) != shape:
                raise SystemExit("%s: Java tensor %s has shape %s, Python's %s has %s"
                                 % (base, t["name"], shape, name, tuple(value.shape)))
            n = value.numel()
            value.copy_(flat[offset:offset + n].reshape(shape))
            offset += n
    return flat[offset:].reshape(manifest["input_shape"]).clone()



def loaded_blas():
    # Which BLAS the dynamic linker gave torch: the netlib reference BLAS is ~9x slower.
    torch.mm(torch.rand(64, 64), torch.rand(64, 64))
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
        return ",".join(sorted(libs))
    except OSError:
        return "unknown"


def scripted(net, x):
    """The network traced on x, frozen and optimised for inference (PyTorch's CPU recipe)."""
    return torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(net, x)))


def fused(net, x):
    """The network traced on x and frozen with PyTorch's oneDNN Graph fuser on
    (torch.jit.enable_onednn_fusion), as its CPU inference guide shows it; the fuser compiles
    partitions on the first calls, which the timing's warm-up covers."""
    torch.jit.enable_onednn_fusion(True)
    try:
        s = torch.jit.freeze(torch.jit.trace(net, x))
        for _ in range(3):
            s(x)
        return s
    finally:
        torch.jit.enable_onednn_fusion(False)


def scripted_timing(net, x1, x32, args, case, make=scripted):
    """(ms at batch 1, faults per pass, ms at batch 32, max abs difference from eager, untimed
    batch-1 passes) of the TorchScript form `make` builds; fails if its output is not the eager
    one."""
    s1 = make(net, x1)
    s32 = make(net, x32)
    diff = 0.0
    for s, x in ((s1, x1), (s32, x32)):
        y = net(x)
        d = (s(x) - y).abs().max().item()
        if d > 1e-4 * max(1.0, y.abs().max().item()):
            raise SystemExit("%s: the TorchScript form's output differs from eager by %g"
                             % (case, d))
        diff = max(diff, d)
    # The profiling executor optimises on the first calls: warm up at least 5.
    b1, faults, calls = median_ms_faults(lambda: s1(x1), max(args.warmup, 5), args.reps,
                                         args.warmup_seconds)
    b32 = median_ms(lambda: s32(x32), max(min(args.warmup, 2), 3), args.reps32)
    return b1, faults, b32, diff, calls, s1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--warmup-seconds", type=float, default=0.0,
                    help="batch-1 warm-up also lasts at least this long (default 0)")
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--reps32", type=int, default=5)
    ap.add_argument("--check-dir")
    ap.add_argument("--profile", help="also record --reps batch-1 passes of each network under"
                    " torch.autograd.profiler into DIR/python-MODEL_WxH-Np.json (Chrome trace)")
    ap.add_argument("--landmark-cnn", default="32,64,128,256,512:1:1024",
                    help="landmark-cnn's CHANNELS:CONVS_PER_STAGE:HIDDEN")
    ap.add_argument("--landmarker", default='{"architecture": "heatmap"}',
                    help="the default landmarker's network as JSON (architecture + config)")
    ap.add_argument("--forms", default="eager,script",
                    help="eager, or eager,script (default): also time the TorchScript form and"
                    " report the faster; eager,script,fused also the oneDNN Graph fuser's form")
    ap.add_argument("--serve", action="store_true",
                    help="after the JSON line, time blocks of batch-1 passes on request (serve())")
    ap.add_argument("cases", nargs="+")
    args = ap.parse_args()
    forms = args.forms.split(",")
    if forms[0] != "eager" or not set(forms) <= {"eager", "script", "fused"}:
        raise SystemExit("--forms: eager, eager,script or eager,script,fused, got " + args.forms)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    out = []
    served = {}
    for case in args.cases:
        model, size, outputs = case.split(":")
        w, h = (int(v) for v in size.split("x"))
        outputs = int(outputs)
        net = build(model, outputs, h, w, args.landmark_cnn, args.landmarker)
        net.eval()
        params = sum(p.numel() for p in net.parameters() if p.requires_grad)
        check_input = None
        if args.check_dir:
            check_input = load_dump(net, "%s/%s_%s" % (args.check_dir, model, size))
        # After the weights, as the library folds its frozen networks' batch norms
        # (BatchNormFold): the heatmap networks, ResNet-18 and landmark-cnn.
        fold_batch_norm(net)
        check = None
        if check_input is not None:
            with torch.no_grad():
                check = net(check_input).reshape(-1).tolist()
        x1 = torch.rand(1, 1, h, w) - 0.5
        x32 = torch.rand(32, 1, h, w) - 0.5
        with torch.no_grad():
            y = net(x1)
            if tuple(y.shape) != (1, outputs):
                raise SystemExit("%s: output shape %s, expected (1, %d)" % (case, tuple(y.shape),
                                                                         outputs))
            b1, faults_b1, warm_b1 = median_ms_faults(lambda: net(x1), args.warmup, args.reps,
                                                      args.warmup_seconds)
            b32 = median_ms(lambda: net(x32), min(args.warmup, 2), args.reps32)
            script = None
            if "script" in forms:
                script = scripted_timing(net, x1, x32, args, case)
            fusion = None
            if "fused" in forms:
                fusion = scripted_timing(net, x1, x32, args, case, fused)
            if args.profile:
                for _ in range(args.reps):
                    net(x1)
                with torch.autograd.profiler.profile() as prof:
                    for _ in range(args.reps):
                        net(x1)
                prof.export_chrome_trace("%s/python-%s_%s-%dp.json"
                                         % (args.profile, model, size, args.reps))
        row = {"model": model, "input": size, "outputs": outputs, "params": params,
               "ms_b1": b1, "img_s_b32": 32000.0 / b32, "faults_b1": faults_b1,
               "warmup_b1": warm_b1,
               "form_b1": "eager", "form_b32": "eager",
               "ms_b1_eager": b1, "img_s_b32_eager": 32000.0 / b32}
        if script is not None:
            s1, s_faults, s32, s_diff, s_warm, _ = script
            row.update({"ms_b1_script": s1, "img_s_b32_script": 32000.0 / s32,
                        "script_max_diff": s_diff})
            if s1 < b1:
                row.update({"ms_b1": s1, "faults_b1": s_faults, "warmup_b1": s_warm,
                            "form_b1": "script"})
            if s32 < b32:
                row.update({"img_s_b32": 32000.0 / s32, "form_b32": "script"})
        if fusion is not None:
            f1, f_faults, f32, f_diff, f_warm, _ = fusion
            row.update({"ms_b1_fused": f1, "img_s_b32_fused": 32000.0 / f32,
                        "fused_max_diff": f_diff})
            if f1 < row["ms_b1"]:
                row.update({"ms_b1": f1, "faults_b1": f_faults, "warmup_b1": f_warm,
                            "form_b1": "fused"})
            if 32000.0 / f32 > row["img_s_b32"]:
                row.update({"img_s_b32": 32000.0 / f32, "form_b32": "fused"})
        if check is not None:
            row["check_output"] = check
        out.append(row)
        forms_b1 = {"eager": net}
        if script is not None:
            forms_b1["script"] = script[5]
        if fusion is not None:
            forms_b1["fused"] = fusion[5]
        served[model + ":" + size] = (forms_b1, x1)
    print(json.dumps({"torch": torch.__version__, "threads": args.threads,
                      "blas": loaded_blas(), "pid": os.getpid(), "cases": out}), flush=True)
    if args.serve:
        serve(served)


def serve(served):
    """Times blocks of batch-1 passes on request, so that the Java side can alternate short
    blocks of its own with ours while both networks stay warm (bench infer --pairs): reads lines
    "MODEL:WxH N W" from standard input and answers each with one JSON line {"case", "form", "ms",
    "forms"}: for each form timed (eager, and script and fused where --forms has them) W untimed
    passes, then the median ms of N; "ms" and "form" are the fastest form's, "forms" has each
    form's median. Ends at end of input."""
    for line in sys.stdin:
        if not line.strip():
            continue
        key, n, warm_in = line.split()
        if key not in served:
            raise SystemExit("serve: unknown case %s; known: %s" % (key, ", ".join(served)))
        forms, x1 = served[key]
        medians = {}
        with torch.no_grad():
            for form, fn in forms.items():
                for _ in range(int(warm_in)):
                    fn(x1)
                times = []
                for _ in range(int(n)):
                    t0 = time.perf_counter()
                    fn(x1)
                    times.append((time.perf_counter() - t0) * 1000)
                times.sort()
                medians[form] = times[len(times) // 2]
        best = min(medians, key=medians.get)
        print(json.dumps({"case": key, "form": best, "ms": medians[best], "forms": medians}),
              flush=True)


if __name__ == "__main__":
    main()
