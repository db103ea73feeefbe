"""Two PIT runs of the same module side by side, from their mutations.xml files.

usage: python3 bench/pit_compare.py BEFORE_XML AFTER_XML

Prints the surviving mutants per class and method where the two runs differ (methods are matched
by name, so a class whose lines moved between the runs still compares), then the mutants found in
both runs (same class, method, line, mutator and description) whose status changed, each listed
when one side survived.
"""
import collections
import sys
import xml.etree.ElementTree as ET


def load(path):
    mutants = collections.defaultdict(list)
    for m in ET.parse(path).getroot():
        key = (m.find("mutatedClass").text.split(".")[-1], m.find("mutatedMethod").text,
               m.find("lineNumber").text, m.find("mutator").text.split(".")[-1],
               m.find("description").text)
        mutants[key].append(m.get("status"))
    return mutants


def survivors_by_method(mutants):
    counts = collections.Counter()
    for key, statuses in mutants.items():
        counts[key[:2]] += statuses.count("SURVIVED")
    return counts


def main():
    before, after = load(sys.argv[1]), load(sys.argv[2])
    sb, sa = survivors_by_method(before), survivors_by_method(after)
    print("survivors per method where the runs differ: before, after, class.method")
    for key in sorted(set(sb) | set(sa)):
        if sb[key] != sa[key]:
            print(f"{sb[key]:4d} {sa[key]:4d}  {key[0]}.{key[1]}")
    changes = collections.Counter()
    listed = []
    for key in sorted(set(before) & set(after)):
        for x, y in zip(sorted(before[key]), sorted(after[key])):
            if x != y:
                changes[(x, y)] += 1
                if "SURVIVED" in (x, y):
                    listed.append(f"  {x} -> {y}: {key[0]}.{key[1]} line {key[2]} {key[3]}")
    print("\nstatus changes among the mutants of both runs:")
    for (x, y), n in sorted(changes.items()):
        print(f"{n:5d}  {x} -> {y}")
    print("\n".join(listed))


if __name__ == "__main__":
    main()
