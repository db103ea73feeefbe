"""Timing helper shared by the Python reference scripts of the `keypoints bench` commands."""
import resource
import time


def median_ms(fn, warmup, reps):
    """Median wall time of `reps` calls of `fn` in milliseconds, after `warmup` untimed calls."""
    return median_ms_faults(fn, warmup, reps)[0]


def minor_faults():
    """The process's minor page faults so far (getrusage's ru_minflt)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def median_ms_faults(fn, warmup, reps):
    """median_ms, and the process's minor page faults during the timed calls divided by `reps`."""
    for _ in range(warmup):
        fn()
    faults0 = minor_faults()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    faults = (minor_faults() - faults0) / reps
    times.sort()
    return times[len(times) // 2], faults
