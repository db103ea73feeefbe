"""The held-out NME of training runs, epoch by epoch: the chosen epoch and the runs' last epochs.

usage: python3 bench/heldout_summary.py [--last N] RUN_DIR...

Reads each run folder's history.csv (written by train and train-300w) and prints the lowest
val_nme and its epoch (what the run keeps), and the mean and standard deviation of val_nme over
the last N epochs (default 20). The lowest of a noisy series is lower the noisier the series is,
so two runs whose epoch-to-epoch spread differs are compared on both figures.
"""
import csv
import os
import statistics
import sys


def main(argv):
    last = 20
    if len(argv) > 1 and argv[0] == "--last":
        last = int(argv[1])
        argv = argv[2:]
    if not argv:
        sys.exit(__doc__)
    print("run\tchosen NME %%\tepoch\tlast %d mean %%\tsd" % last)
    for run in argv:
        path = os.path.join(run, "history.csv")
        try:
            with open(path) as f:
                nme = [float(r["val_nme"]) * 100 for r in csv.DictReader(f)]
        except (OSError, KeyError, ValueError) as e:
            sys.exit("%s: %s (expected a history.csv with a val_nme column)" % (path, e))
        if len(nme) < 2:
            sys.exit("%s: %d epochs, need at least 2" % (path, len(nme)))
        best = min(range(len(nme)), key=nme.__getitem__)
        tail = nme[-last:]
        print("%s\t%.2f\t%d\t%.2f\t%.2f" % (
            run, nme[best], best + 1, statistics.mean(tail), statistics.stdev(tail)))


if __name__ == "__main__":
    main(sys.argv[1:])
