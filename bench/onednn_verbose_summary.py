#!/usr/bin/env python3
"""Sums oneDNN's own timings per forward pass from a log written with ONEDNN_VERBOSE=1.

Where does a PyTorch forward pass spend its time inside oneDNN? Run a benchmark with the
variable set, then summarise its log (oneDNN 3.x as in DJL's libtorch 2.7.1, or 2.x as in
Debian's torch 1.13, which the Python references use):

    ONEDNN_VERBOSE=1 KEYPOINTS_THREADS=2 ./keypoints bench infer --engines PyTorch \
        --models resnet18 --no-python --no-landmarker --threads 2 --reps 20 --reps32 1 > run.log
    python3 bench/onednn_verbose_summary.py run.log
    (cd bench && ONEDNN_VERBOSE=1 OMP_NUM_THREADS=2 /usr/bin/python3 infer_reference.py \
        --threads 2 --reps 20 --reps32 1 resnet18:224x224:136) > python.log
    python3 bench/onednn_verbose_summary.py python.log

A pass starts at the network's first convolution (the one reading a 1-channel input); the
passes are grouped by that convolution's problem (batch and input size). For each group it prints
the median over the passes (the first third dropped as warm-up) of the milliseconds oneDNN
reports per primitive kind (convolution, reorder, ...) and how many primitives of each kind ran.
Times outside oneDNN (PyTorch's own kernels, the JNI calls) are not in the log: subtract these
sums from the benchmark's own pass time to see them. The verbose output itself slows a pass.
"""
import collections
import re
import statistics
import sys


def passes(path):
    found = []
    current = None
    with open(path) as f:
        for line in f:
            fields = line.rstrip().split(',')
            # oneDNN 3.x: onednn_verbose,v1,primitive,exec,cpu,KIND,...; 2.x: onednn_verbose,exec,cpu,KIND
            if fields[0] != 'onednn_verbose' or 'exec' not in fields[1:4]:
                continue
            kind, problem, ms = fields[fields.index('exec') + 2], fields[-2], float(fields[-1])
            if kind == 'convolution' and '_ic1oc' in problem:
                batch = problem.split('_')[0]
                height = re.search(r'ih(\d+)', problem).group(1)
                width = re.search(r'iw(\d+)', problem).group(1)
                current = ('%s %sx%s' % (batch, width, height), collections.Counter())
                found.append(current)
            if current is not None:
                current[1][kind] += ms
                current[1]['#' + kind] += 1
    return found


def main(paths):
    for path in paths:
        groups = collections.defaultdict(list)
        for key, times in passes(path):
            groups[key].append(times)
        print(path)
        for key, runs in groups.items():
            runs = runs[len(runs) // 3:] or runs
            kinds = sorted({k for r in runs for k in r if not k.startswith('#')})
            cells = []
            for k in kinds:
                cells.append('%s %.2f ms (%d)' % (k, statistics.median(r[k] for r in runs),
                                                  runs[-1]['#' + k]))
            total = statistics.median(sum(v for k, v in r.items() if not k.startswith('#'))
                                      for r in runs)
            print('  %-16s passes %3d  oneDNN %.2f ms: %s' % (key, len(runs), total,
                                                            ', '.join(cells)))


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit('usage: onednn_verbose_summary.py LOG...')
    main(sys.argv[1:])
