"""Where a PIT run's time went, from the minions' test times (-Dpit.times=FILE, pit-support/).

usage: python3 bench/pit_times.py TIMES [MUTATIONS_XML]

Prints the mutation minions' time alive and inside test bodies, the cold first test of each, the
time between one minion's last test and the next minion's first on the same PIT thread (start-ups
and timed-out tests), the costliest tests, and the costliest minions. PIT gives each minion the
mutants of one class, a nested class being a class of its own (a new minion after a timed-out
mutant); with MUTATIONS_XML a minion is named for the class whose mutants' numberOfTestsRun add up
to the tests the minion ran (within 2), else "?", and the tests run for surviving mutants are
summed, by class.
"""
import collections
import statistics
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
        # PIT makes a unit of each class, a nested one too; a top-level class with its nested
        # ones is kept as a second guess
        runs = collections.Counter()
        survivors = collections.Counter()
        survivor_runs = collections.Counter()
        total = total_survived = 0
        for m in ET.parse(sys.argv[2]).getroot():
            name = m.find("mutatedClass").text.split(".")[-1]
            n = int(m.get("numberOfTestsRun"))
            runs[name] += n
            if "$" in name:
                runs[name.split("$")[0] + "+nested"] += n
            total += n
            if m.get("status") == "SURVIVED":
                survivors[name] += 1
                survivor_runs[name] += n
                total_survived += n
        classes = runs
    alive = inside = first = 0.0
    per_test = collections.defaultdict(lambda: [0, 0.0])
    minions = []
    spans = []
    for p in pids:
        tests = [r for r in by[p] if r[3] in TESTS]
        if not tests:
            continue
        start = tests[0][1]
        end = max(r[1] + r[2] / 1000 for r in tests)
        span = (end - start) / 1000
        busy = sum(r[2] for r in tests) / 1e6
        alive += span
        spans.append((start, end))
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
    # A minion's start-up (JVM, PIT, the test listing, loading engines) and any timed-out test
    # lie between the end of the minion before it on the same PIT thread and its first test:
    # each minion is put on the thread that became free last before it started.
    ends, gaps = [], []
    for start, end in sorted(spans):
        free = [e for e in ends if e <= start]
        if free:
            ends.remove(max(free))
            gaps.append((start - max(free)) / 1000)
        ends.append(end)
    if gaps:
        print(f"between minions on a thread: {len(gaps)} gaps, {sum(gaps):.0f} s,"
              f" median {statistics.median(gaps):.2f} s")
    if len(sys.argv) > 2:
        print(f"tests run: {total}, for survivors {total_survived}")
        print("\nsurvivors' test runs by class: runs, survivors, class")
        for c, n in survivor_runs.most_common(10):
            print(f"{n:6d} {survivors[c]:4d}  {c}")
    print("\ncostliest tests: runs, seconds, mean ms")
    for k, v in sorted(per_test.items(), key=lambda kv: -kv[1][1])[:15]:
        print(f"{v[0]:6d} {v[1]:7.1f} {1000 * v[1] / v[0]:7.1f}  {k}")
    print("\ncostliest minions: seconds alive, tests run, class")
    for span, n, name in sorted(minions, reverse=True)[:15]:
        print(f"{span:7.0f} {n:6d}  {name}")


if __name__ == "__main__":
    main()
