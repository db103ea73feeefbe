"""Timing helper shared by the Python reference scripts of the `keypoints bench` commands."""
import resource
import time


def median_ms(fn, warmup, reps, warmup_seconds=0.0):
    """Median wall time of `reps` calls of `fn` in milliseconds, after `warmup` untimed calls
    (and more until they have taken `warmup_seconds`)."""
    return median_ms_faults(fn, warmup, reps, warmup_seconds)[0]


def minor_faults():
    """The process's minor page faults so far (getrusage's ru_minflt)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def warm_up(fn, warmup, warmup_seconds=0.0):
    """Calls `fn` at least `warmup` times and until the calls have taken `warmup_seconds`;
    returns the number of calls."""
    start = time.perf_counter()
    calls = 0
    while calls < warmup or time.perf_counter() - start < warmup_seconds:
        fn()
        calls += 1
    return calls


def median_ms_faults(fn, warmup, reps, warmup_seconds=0.0):
    """median_ms, the process's minor page faults during the timed calls divided by `reps`, and
    the number of untimed calls made first (warm_up)."""
    calls = warm_up(fn, warmup, warmup_seconds)
    faults0 = minor_faults()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    faults = (minor_faults() - faults0) / reps
    times.sort()
    return times[len(times) // 2], faults, calls
