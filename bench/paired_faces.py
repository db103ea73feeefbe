"""Two models compared face by face on the same faces, from `evaluate --per-face` CSVs.

usage: python3 bench/paired_faces.py A.csv B.csv [--label-a NAME --label-b NAME]

Prints each model's mean NME (in %), the mean of the per-face differences B - A with its standard
error, how many faces B got better and worse, and the two-sided p-value of an exact sign-flip
test when there are at most 20 faces, otherwise of 100,000 random sign flips (seed 0), counting
the observed signs as one of them ((k + 1) / (100,000 + 1), so never 0). A paired
difference is what two models measured on the same faces allow: the faces' own spread, which is
far larger than most differences between recipes, cancels out.
"""
import csv
import math
import random
import sys


def read(path):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        sys.exit("%s: %s" % (path, e))
    out = {}
    for line, r in enumerate(rows, start=2):
        try:
            out[r["id"]] = float(r["nme"]) * 100
        except (KeyError, TypeError, ValueError):
            sys.exit("%s: line %d: expected id,mean_px,nme with a number in nme" % (path, line))
    return out


def main(argv):
    labels = ["A", "B"]
    files = []
    i = 0
    while i < len(argv):
        if argv[i] in ("--label-a", "--label-b"):
            labels[0 if argv[i] == "--label-a" else 1] = argv[i + 1]
            i += 2
        else:
            files.append(argv[i])
            i += 1
    if len(files) != 2:
        sys.exit(__doc__)
    a, b = read(files[0]), read(files[1])
    if set(a) != set(b):
        sys.exit("the two files hold different faces: %d only in %s, %d only in %s" % (
            len(set(a) - set(b)), files[0], len(set(b) - set(a)), files[1]))
    ids = [k for k in a if not (math.isnan(a[k]) or math.isnan(b[k]))]
    d = [b[k] - a[k] for k in ids]
    n = len(d)
    if n < 2:
        sys.exit("need at least two faces with an NME, got %d" % n)
    mean = sum(d) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in d) / (n - 1))
    observed = abs(sum(d))
    if n <= 20:
        flips = [[(1 if (m >> j) & 1 else -1) for j in range(n)] for m in range(2 ** n)]
    else:
        rng = random.Random(0)
        flips = ([rng.choice((1, -1)) for _ in range(n)] for _ in range(100000))
    exact = n <= 20
    total = 0 if exact else 1
    extreme = 0 if exact else 1
    for s in flips:
        total += 1
        if abs(sum(x * y for x, y in zip(s, d))) >= observed - 1e-12:
            extreme += 1
    print("faces\t%d" % n)
    print("%s mean NME %%\t%.3f" % (labels[0], sum(a[k] for k in ids) / n))
    print("%s mean NME %%\t%.3f" % (labels[1], sum(b[k] for k in ids) / n))
    print("%s - %s, points\t%+.3f ± %.3f (standard error)" % (labels[1], labels[0], mean, sd / math.sqrt(n)))
    print("faces %s better / worse\t%d / %d" % (labels[1], sum(x < 0 for x in d), sum(x > 0 for x in d)))
    print("sign-flip p (two-sided)\t%.2g" % (extreme / total))


if __name__ == "__main__":
    main(sys.argv[1:])
