#!/usr/bin/env python3
"""Summarises MXNet's operator profile of training steps: what each operator costs per step, for
the typical step (medians) and on average (means), and how much of each step MXNet's engine
worker spent inside operators.

    CP="$PWD/examples/target/classes:$(cat examples/target/classpath.txt)"
    mkdir -p runs/mx-prof
    (cd runs/mx-prof && MXNET_PROFILER_MODE=3 MXNET_PROFILER_AUTOSTART=1 \
        MXNET_CPU_PARALLEL_SIZE=1000000000 ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 \
        GLIBC_TUNABLES=<the launcher's> java -Dai.djl.offline=true -cp "$CP" \
        ../../bench/StepPhases.java MXNet 200 --no-wait)
    python3 bench/mx_profile_summary.py runs/mx-prof/profile.json

MXNet writes profile.json (a Chrome trace) into the working directory when the process ends.
A step is everything from the first operator after a run of `adam_update` calls to the end of the
next such run (the optimiser's update of every parameter closes each step). The first half of the
steps is left out (warm-up). Per operator and per call position within the step (the k-th
`Convolution` of a step is one row): calls per step, the median and the mean µs of the call, and
its ms per step by medians and by means. Then, for the engine's worker thread: the median span of
a step, the median of the time inside operators per step, and the sum of the operators' medians
(the typical step if every operator took its typical time). Engine bookkeeping (`DeleteVariable`,
`WaitForVar`) is listed but not counted as an operator.
"""
import argparse
import collections
import json
import statistics

BOOKKEEPING = {"DeleteVariable", "WaitForVar"}


def events(path):
    """(start µs, duration µs, name, thread) of every operator event, in order of start."""
    with open(path) as f:
        data = json.load(f)
    trace = data["traceEvents"] if isinstance(data, dict) else data
    open_events = {}
    out = []
    for e in trace:
        if e.get("cat") == "MXNET_C_API":
            continue
        ph = e.get("ph")
        key = (e.get("name"), e.get("tid"))
        if ph == "B":
            open_events[key] = e["ts"]
        elif ph == "E" and key in open_events:
            start = open_events.pop(key)
            out.append((start, e["ts"] - start, e["name"], e.get("tid")))
        elif ph == "X":
            out.append((e["ts"], e["dur"], e["name"], e.get("tid")))
    out.sort()
    return out


def steps_of(ops):
    """The operators split into steps, each closed by its run of adam_update calls."""
    steps = []
    current = []
    previous = None
    for op in ops:
        name = op[2]
        if name in BOOKKEEPING:
            current.append(op)
            continue
        if previous == "adam_update" and name != "adam_update" and current:
            steps.append(current)
            current = []
        current.append(op)
        previous = name
    return steps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("profile")
    ap.add_argument("--rows", type=int, default=30)
    args = ap.parse_args()
    ops = events(args.profile)
    threads = collections.Counter(op[3] for op in ops if op[2] not in BOOKKEEPING)
    worker = threads.most_common(1)[0][0]
    steps = steps_of([op for op in ops if op[3] == worker])
    steps = steps[1:-1]  # the first and last may be cut
    steps = steps[len(steps) // 2 :]
    n = len(steps)
    calls = collections.defaultdict(list)
    for step in steps:
        seen = collections.Counter()
        for op in step:
            seen[op[2]] += 1
            calls[(op[2], seen[op[2]])].append(op[1])
    rows = []
    for (name, k), durations in calls.items():
        rows.append(
            (
                name,
                k,
                len(durations) / n,
                statistics.median(durations),
                statistics.mean(durations),
                statistics.median(durations) * len(durations) / n / 1000,
                sum(durations) / n / 1000,
            )
        )
    rows.sort(key=lambda r: -r[6])
    print(f"{n} steps (the second half), engine worker thread {worker}")
    print(f"{'operator':30s} {'#':>3s} {'calls/step':>10s} {'median us':>10s} {'mean us':>9s}"
          f" {'ms/step (medians)':>18s} {'ms/step (means)':>16s}")
    for r in rows[: args.rows]:
        print(f"{r[0]:30s} {r[1]:3d} {r[2]:10.2f} {r[3]:10.1f} {r[4]:9.1f} {r[5]:18.3f} {r[6]:16.3f}")
    counted = [r for r in rows if r[0] not in BOOKKEEPING]
    spans = []
    inside = []
    for a, b in zip(steps, steps[1:]):
        start, end = a[0][0], b[0][0]
        spans.append(end - start)
        inside.append(sum(op[1] for op in a if op[2] not in BOOKKEEPING))
    print(f"step span, median: {statistics.median(spans) / 1000:.2f} ms")
    print(f"time inside operators per step, median: {statistics.median(inside) / 1000:.2f} ms"
          f" ({statistics.median(i / s for i, s in zip(inside, spans)):.0%} of the span)")
    print(f"sum of the operators' medians: {sum(r[5] for r in counted):.2f} ms;"
          f" of their means: {sum(r[6] for r in counted):.2f} ms")


if __name__ == "__main__":
    main()
