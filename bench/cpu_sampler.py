"""Samples the CPU time of every `java` and `python3` process every 10 ms, to tell whether the two
sides of a side-by-side benchmark ever run at the same time (docs/performance-inference.md, the
heatmap network's spells).

usage: python3 bench/cpu_sampler.py record FILE SECONDS     # start it, then the benchmark
       python3 bench/cpu_sampler.py analyse FILE

`record` writes one line per sample: the time, then pid:comm:ticks (user + system clock ticks,
from /proc/PID/stat) of each process; the processes are looked up again every second. It reads
two or three small files per sample, so it takes little CPU itself (a sampler that read every
thread's state every 10 ms slowed both sides of the benchmark about 2x).
`analyse` pairs each JVM with the Python process that lived longest within the JVM's lifetime
(for `keypoints bench infer --pairs`, the paired-block server), cuts the overlap of the two into
50 ms windows and counts the windows in which both, only one or neither used at least 2 ticks
(20 ms of CPU), with each side's average cores.
"""
import os
import sys
import time


def record(path, seconds):
    end = time.time() + seconds
    pids, scanned = {}, 0.0
    me = str(os.getpid())
    with open(path, "w") as out:
        while time.time() < end:
            t = time.time()
            if t - scanned > 1:
                pids, scanned = {}, t
                for pid in os.listdir("/proc"):
                    if pid.isdigit() and pid != me:
                        try:
                            comm = open("/proc/%s/comm" % pid).read().strip()
                        except OSError:
                            continue
                        if comm in ("java", "python3"):
                            pids[pid] = comm
            row = []
            for pid, comm in pids.items():
                try:
                    st = open("/proc/%s/stat" % pid).read()
                except OSError:
                    continue
                f = st[st.rindex(")") + 2:].split()
                row.append("%s:%s:%d" % (pid, comm, int(f[11]) + int(f[12])))
            out.write("%.3f %s\n" % (t, " ".join(row)))
            time.sleep(max(0.0, 0.01 - (time.time() - t)))


def analyse(path):
    rows = []
    life = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            t, d = float(parts[0]), {}
            for x in parts[1:]:
                pid, comm, ticks = x.split(":")
                d[pid] = int(ticks)
                first, _, _ = life.get(pid, (t, t, comm))
                life[pid] = (first, t, comm)
            rows.append((t, d))
    for jpid, (ja, jb, comm) in sorted(life.items(), key=lambda kv: kv[1][0]):
        if comm != "java":
            continue
        inside = [(p, b - a) for p, (a, b, c) in life.items()
                  if c == "python3" and a >= ja and b <= jb + 1]
        if not inside:
            continue
        ppid = max(inside, key=lambda x: x[1])[0]
        sel = [(t, d) for t, d in rows if jpid in d and ppid in d]
        windows = []
        for i in range(0, len(sel) - 5, 5):
            (ta, da), (tb, db) = sel[i], sel[i + 5]
            windows.append((db[jpid] - da[jpid], db[ppid] - da[ppid], tb - ta))
        if not any(j >= 2 for j, _, _ in windows):
            continue  # a JVM that only started others (the launcher's)
        both = sum(1 for j, p, _ in windows if j >= 2 and p >= 2)
        jonly = sum(1 for j, p, _ in windows if j >= 2 > p)
        ponly = sum(1 for j, p, _ in windows if p >= 2 > j)
        span = sum(dt for _, _, dt in windows)
        hz = os.sysconf("SC_CLK_TCK")
        print("java %s with python %s: %d windows of 50 ms; both %d, java only %d, python only %d,"
              " neither %d; java %.2f cores, python %.2f cores"
              % (jpid, ppid, len(windows), both, jonly, ponly,
                 len(windows) - both - jonly - ponly,
                 sum(j for j, _, _ in windows) / hz / span,
                 sum(p for _, p, _ in windows) / hz / span))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "record":
        record(sys.argv[2], float(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "analyse":
        analyse(sys.argv[2])
    else:
        sys.exit(__doc__)
