"""Timing helper shared by the Python reference scripts of the `keypoints bench` commands."""
import time


def median_ms(fn, warmup, reps):
    """Median wall time of `reps` calls of `fn` in milliseconds, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]
