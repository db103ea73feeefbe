"""Where a PIT run's time went, from the minions' test times (-Dpit.times=FILE, pit-support/).

usage: python3 bench/pit_times.py TIMES [MUTATIONS_XML]

Prints the mutation minions' time alive and inside test bodies, the cold first test of each, the
costliest tests, and the costliest minions. PIT gives each minion the mutants of one class (a new
one after a timed-out mutant); with MUTATIONS_XML a minion is named for the class whose mutants'
numberOfTestsRun add up to the tests the minion ran (within 2), else "?".
"""
import collections
import sys
import xml.etree.ElementTree as ET

TESTS = ("test", "template", "dynamic")


def test_name(uid):
    cls = uid.split("/[class:")[1].split("]")[0].split(".")[-1]
    method = uid.split("/[")[2].split(":", 1)[1].split("(")[0].rstrip("]")
    return cls + "#" + method


def main():
    rows = []
    with open(sys.argv[1]) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) == 5:
                rows.append((p[0], int(p[1]), int(p[2]), p[3], p[4]))
    by = collections.defaultdict(list)
    for r in rows:
        by[r[0]].append(r)
    pids = sorted(by, key=lambda p: by[p][0][1])[1:]  # the first is the coverage minion
    classes = {}
    if len(sys.argv) > 2:
        runs = collections.Counter()
        for m in ET.parse(sys.argv[2]).getroot():
            runs[m.find("mutatedClass").text.split(".")[-1].split("$")[0]] += int(
                m.get("numberOfTestsRun"))
        classes = runs
    alive = inside = first = 0.0
    per_test = collections.defaultdict(lambda: [0, 0.0])
    minions = []
    for p in pids:
        tests = [r for r in by[p] if r[3] in TESTS]
        if not tests:
            continue
        start = tests[0][1]
        end = max(r[1] + r[2] / 1000 for r in tests)
        span = (end - start) / 1000
        busy = sum(r[2] for r in tests) / 1e6
        alive += span
        inside += busy
        first += tests[0][2] / 1e6
        for r in tests:
            e = per_test[test_name(r[4])]
            e[0] += 1
            e[1] += r[2] / 1e6
        named = [c for c, n in classes.items() if abs(n - len(tests)) <= 2]
        minions.append((span, len(tests), named[0] if len(named) == 1 else "?"))
    print(f"mutation minions: {len(minions)}, alive {alive:.0f} s, inside tests {inside:.0f} s"
          f" ({100 * inside / alive:.0f} %), first test of each {first:.0f} s")
    print("\ncostliest tests: runs, seconds, mean ms")
    for k, v in sorted(per_test.items(), key=lambda kv: -kv[1][1])[:15]:
        print(f"{v[0]:6d} {v[1]:7.1f} {1000 * v[1] / v[0]:7.1f}  {k}")
    print("\ncostliest minions: seconds alive, tests run, class")
    for span, n, name in sorted(minions, reverse=True)[:15]:
        print(f"{span:7.0f} {n:6d}  {name}")


if __name__ == "__main__":
    main()
