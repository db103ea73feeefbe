"""Summarises a oneDNN verbose log (ONEDNN_VERBOSE=1, or DNNL_VERBOSE=1 for MXNet) of passes at one
batch size: per primitive kind, propagation (forward, backward_data, backward_weights),
implementation and problem (the mb1_… descriptor, or 1x… for element-wise primitives and
reorders), how many times it ran and its median and mean time (the mean shows the occasional
stalls the median leaves out).

usage: python3 bench/onednn_verbose_summary.py LOG [--top N] [--match TEXT] [--batch B]

Reads the lines of the log formats of oneDNN 2.x (`onednn_verbose,exec,cpu,…` as torch 1.13 writes
them, `dnnl_verbose,exec,cpu,…` as MXNet 1.9.1 does) and 3.x (`onednn_verbose,v1,primitive,exec,
cpu,…` as libtorch 2.7.1 writes them); only executions whose problem descriptor is of batch B
(default 1: `mb1…` or `1x…`) are counted. --match keeps the problems containing TEXT (e.g. `ih96`
for ResNet-18's 96×96 stem). Used for the batch-1 kernel comparison in
docs/performance-inference.md and, with --batch 15, for the MXNet nose-tip training step in
docs/performance-training.md.
"""
import argparse
import collections
import re
import statistics

KINDS = ("convolution", "reorder", "pooling", "pooling_v2", "eltwise", "inner_product", "binary",
         "sum", "matmul")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--match", default="")
    ap.add_argument("--batch", type=int, default=1)
    args = ap.parse_args()
    batch = re.compile(r"(?:^|,)(mb%d[_a-z]\S*?|%dx[\dx]+)(,|$)" % (args.batch, args.batch))
    times = collections.defaultdict(list)
    with open(args.log, errors="replace") as f:
        for line in f:
            if not line.startswith(("onednn_verbose", "dnnl_verbose")) or ",exec," not in line:
                continue
            parts = line.strip().split(",")
            problem = batch.search(line)
            if not problem or args.match not in problem.group(1):
                continue
            kind = next((p for p in parts if p in KINDS), "?")
            prop = next((p for p in parts if p.startswith(("forward", "backward"))), "?")
            impl = next((p for p in parts if re.match(r"^(jit|brg|gemm|ref|simple|x64|wino)", p)),
                        "?")
            layout = re.search(r"src[:_]f32:+\S*?:(\w+):", line)
            try:
                ms = float(parts[-1])
            except ValueError:
                continue
            key = (kind, prop, impl, layout.group(1) if layout else "?", problem.group(1))
            times[key].append(ms)
    rows = sorted(times.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    print("%6s %9s %9s  %-12s %-17s %-22s %-8s %s" % ("calls", "median_ms", "mean_ms", "kind",
                                                      "propagation", "implementation", "src",
                                                      "problem"))
    for (kind, prop, impl, layout, problem), v in rows[:args.top]:
        print("%6d %9.4f %9.4f  %-12s %-17s %-22s %-8s %s" % (
            len(v), statistics.median(v), statistics.fmean(v), kind, prop, impl, layout, problem))


if __name__ == "__main__":
    main()
