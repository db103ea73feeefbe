#!/usr/bin/env python3
"""Puts the operator profiles of `keypoints bench infer --profile DIR` or
`keypoints bench train --profile DIR` side by side.

    KEYPOINTS_THREADS=2 ./keypoints bench infer --engines PyTorch --models resnet18 \
        --no-landmarker --threads 2 --profile runs/profile
    KEYPOINTS_THREADS=1 ./keypoints bench train --threads 1 --engines PyTorch \
        --profile runs/profile-train
    python3 bench/op_profile.py runs/profile
    python3 bench/op_profile.py --median runs/profile

DIR holds Chrome traces java-CASE-Np.json (libtorch 2.7.1 through DJL) and python-CASE-Np.json
(Debian's torch 1.13), each of N batch-1 forward passes (CASE = MODEL_WxH) or N training steps
(CASE = MODEL_WxH_train) of the same network. For each pair it prints, per operator, the self time
per pass or step in ms (the operator's time minus the operators it called, so the column adds up
to the profiled pass), the number of calls per pass, and Java / Python; then the time per pass
outside any operator on the thread that ran them (JNI and NDArray bookkeeping on the Java side,
the interpreter on the Python side, and each benchmark loop's own work) and the wall span per
pass. The profiler's own cost is in these times on both sides: read them as shares, and take the
speed from the benchmark's timed passes.

The default figures are means per pass, so a pass that stalled (a thread descheduled for a
timeslice in one operator, as it seems: 10-14 ms on a 0.4 ms operator have been seen on both
sides; --median lists such calls) counts in full. With --median each operator's k-th call of a
pass is summarised by the median over the passes of its k-th calls (when its calls divide evenly into the passes; the mean otherwise), and
the time outside operators by the median of each kind of gap (the same pair of operators before
and after it) times how often that gap occurs per pass: the typical pass, as the benchmark's
median step or pass is, without the stalls.
"""
import collections
import json
import os
import re
import statistics
import sys


def operator_events(path):
    """The trace's operator events (complete events of the CPU-operator categories), by thread."""
    with open(path) as f:
        data = json.load(f)
    events = data['traceEvents'] if isinstance(data, dict) else data
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get('ph') == 'X' and e.get('cat') in (None, 'cpu_op', 'Operator'):
            by_thread[e.get('tid')].append(e)
    return by_thread


def self_times(path, passes=1, median=False):
    """Each operator's self time over the trace (or, with median, per pass: see the module's
    text), and its number of calls."""
    by_thread = operator_events(path)
    each = collections.defaultdict(list)  # name -> [(start, self time)]
    calls = collections.Counter()
    for evs in by_thread.values():
        evs.sort(key=lambda e: (float(e['ts']), -float(e['dur'])))
        stack = []  # [end, name, child time, own time, start]
        for e in evs:
            ts, dur = float(e['ts']), float(e['dur'])
            while stack and stack[-1][0] <= ts:
                end, name, child, own, start = stack.pop()
                each[name].append((start, own - child))
                if stack:
                    stack[-1][2] += own
            stack.append([ts + dur, e['name'], 0.0, dur, ts])
            calls[e['name']] += 1
        while stack:
            end, name, child, own, start = stack.pop()
            each[name].append((start, own - child))
            if stack:
                stack[-1][2] += own
    total = collections.Counter()
    positions = {}
    stalls = []  # (name, self time, its position's median): over 5x that median and over 1 ms
    for name, timed in each.items():
        times = [t for _, t in sorted(timed)]
        if median and len(times) % passes == 0:
            per = len(times) // passes
            positions[name] = [statistics.median(times[k::per]) for k in range(per)]
            total[name] = passes * sum(positions[name])
            for i, t in enumerate(times):
                typical = positions[name][i % per]
                if t > 1000 and t > 5 * typical:
                    stalls.append((name, t, typical))
        else:
            total[name] = sum(times)
    return (total, calls, positions, stalls) if median else (total, calls)


def typical_gaps(path, passes):
    """The time outside operators per pass from the median of each kind of gap on the thread
    that ran the most operators: gaps between its top-level operators, grouped by the names of the
    operators before and after, each group's median times its count per pass."""
    by_thread = operator_events(path)
    if not by_thread:
        return 0.0, {}
    top, end = [], -1.0
    for e in sorted(max(by_thread.values(), key=len),
                    key=lambda e: (float(e['ts']), -float(e['dur']))):
        if float(e['ts']) >= end:
            top.append(e)
            end = float(e['ts']) + float(e['dur'])
    gaps = collections.defaultdict(list)
    for a, b in zip(top, top[1:]):
        gaps[(a['name'], b['name'])].append(
            float(b['ts']) - float(a['ts']) - float(a['dur']))
    per_kind = {k: statistics.median(g) * len(g) / passes for k, g in gaps.items()}
    return sum(per_kind.values()), per_kind


def outside_operators(path):
    """Time per trace on the thread that ran the most operators that no operator covers: the
    span from its first operator's start to its last one's end, minus the union of its operators'
    intervals. On the Java side that is JNI and DJL's NDArray bookkeeping between calls (and the
    benchmark loop's own work: making the inputs, closing the arrays); on the Python side the
    interpreter and the loop."""
    by_thread = operator_events(path)
    if not by_thread:
        return 0.0, 0.0
    spans = sorted((float(e['ts']), float(e['ts']) + float(e['dur']))
                   for e in max(by_thread.values(), key=len))
    busy, start, end = 0.0, spans[0][0], spans[0][1]
    for s, e in spans[1:]:
        if s <= end:
            end = max(end, e)
        else:
            busy += end - start
            start, end = s, e
    busy += end - start
    span = max(e for _, e in spans) - spans[0][0]
    return span, span - busy


def main(folder, median=False):
    pattern = re.compile(r'(java|python)-(.+)-(\d+)p\.json$')
    pairs = collections.defaultdict(dict)
    for name in sorted(os.listdir(folder)):
        m = pattern.match(name)
        if m:
            pairs[m.group(2)][m.group(1)] = (os.path.join(folder, name), int(m.group(3)))
    if not pairs:
        sys.exit('no java-*/python-* traces in %s' % folder)
    for case, sides in pairs.items():
        print('%s (self ms per pass%s; calls per pass)'
              % (case, ', typical pass: medians' if median else ''))
        tables = {}
        positions = {}
        stalls = {}
        for side, (path, passes) in sides.items():
            if median:
                total, calls, positions[side], stalls[side] = self_times(path, passes, True)
            else:
                total, calls = self_times(path, passes)
            tables[side] = ({k: v / 1000.0 / passes for k, v in total.items()},
                            {k: c / passes for k, c in calls.items()})
        java = tables.get('java', ({}, {}))
        python = tables.get('python', ({}, {}))
        ops = sorted(set(java[0]) | set(python[0]),
                     key=lambda k: -max(java[0].get(k, 0), python[0].get(k, 0)))
        print('  %-34s %10s %7s %10s %7s %7s' % ('operator', 'java ms', 'calls', 'python ms',
                                                 'calls', 'ratio'))
        for op in ops:
            j, p = java[0].get(op, 0.0), python[0].get(op, 0.0)
            if max(j, p) < 0.05:
                continue
            print('  %-34s %10.2f %7.1f %10.2f %7.1f %7s' % (
                op, j, java[1].get(op, 0), p, python[1].get(op, 0),
                '%.2f' % (j / p) if p > 0 else '-'))
        tj, tp = sum(java[0].values()), sum(python[0].values())
        print('  %-34s %10.2f %7s %10.2f %7s %7s' % ('all operators', tj, '', tp, '',
                                                     '%.2f' % (tj / tp) if tp > 0 else '-'))
        outside = {}
        kinds = {}
        for side, (path, passes) in sides.items():
            span, gap = outside_operators(path)
            if median:
                typical, kinds[side] = typical_gaps(path, passes)
                gap = typical * passes
            outside[side] = (span / 1000.0 / passes, gap / 1000.0 / passes)
        oj, op = outside.get('java', (0.0, 0.0)), outside.get('python', (0.0, 0.0))
        print('  %-34s %10.2f %7s %10.2f %7s %7s' % ('outside operators', oj[1], '', op[1], '',
                                                     '%.2f' % (oj[1] / op[1]) if op[1] > 0 else '-'))
        if median:
            wj, wp = tj + oj[1], tp + op[1]
            print('  %-34s %10.2f %7s %10.2f %7s %7s' % ('typical pass (the two above)', wj, '',
                                                         wp, '', '%.2f' % (wj / wp) if wp else '-'))
        print('  %-34s %10.2f %7s %10.2f %7s %7s' % ('wall span (mean)', oj[0], '', op[0], '',
                                                     '%.2f' % (oj[0] / op[0]) if op[0] > 0 else '-'))
        if median:
            print('  median us per call, in call order within a pass (operators over 0.3 ms):')
            for o in ops:
                if max(java[0].get(o, 0), python[0].get(o, 0)) < 0.3:
                    continue
                for side in ('java', 'python'):
                    pos = positions.get(side, {}).get(o)
                    if pos and len(pos) <= 8:
                        print('    %-6s %-34s %s' % (side, o, ' '.join('%.0f' % v for v in pos)))
            for side in ('java', 'python'):
                found = sorted(stalls.get(side, []), key=lambda x: -x[1])
                print('  stalls, %s: %d calls over 5x their position\'s median and over 1 ms'
                      % (side, len(found)))
                for name, t, typical in found[:8]:
                    print('    %-34s %9.0f us (median %.0f)' % (name, t, typical))
            for side in ('java', 'python'):
                print('  largest gaps outside operators, %s (us per pass: before -> after):' % side)
                for (a, b), us in sorted(kinds.get(side, {}).items(), key=lambda kv: -kv[1])[:4]:
                    print('    %8.0f  %s -> %s' % (us, a, b))


if __name__ == '__main__':
    args = sys.argv[1:]
    use_median = '--median' in args
    if use_median:
        args.remove('--median')
    if len(args) != 1:
        sys.exit('usage: op_profile.py [--median] DIR')
    main(args[0], use_median)
