package io.github.keypoints.examples;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Whether two threads of this process run side by side at full speed right now: the same
 * floating-point loop timed on one thread alone, on a second thread alone, and on both at once. On
 * a machine with two free cores the two at once take as long as one alone (ratio about 1); on a
 * virtual machine whose two vCPUs the host has put on the two hardware threads of one physical
 * core, each takes up to about twice as long, because the two share one core's arithmetic units.
 *
 * <p>The benchmarks' paired blocks read it between blocks ({@link PairedBlocks}), so that every
 * pair says in which state of the machine it ran: on the project's family-26 AMD EPYC (2 vCPUs) two
 * threads ran 1.3-2.2x slower together than alone in spells of seconds to half a minute, about a
 * third of the time when the machine was otherwise idle (docs/performance.md, "Two vCPUs that
 * sometimes share a core"). A reading counts anything that keeps two threads from running at full
 * speed, another busy thread on the machine as much as the host's placement of the vCPUs, so it
 * must be taken while nothing else runs. It takes about 20 ms.
 *
 * <p>The loop ({@code a[i] = a[i] × 0.999 + 0.001} over 2,048 floats, which the JIT turns into
 * vector instructions) stays in each core's first-level cache, so it measures the cores, not
 * memory. Thread-safe: readings are serialised.
 */
public final class VcpuPairProbe {

    /** A reading at or above this ratio says the two threads shared a core. */
    public static final double SHARED_AT = 1.3;

    /** Each timed run's target length on an idle core, ms. */
    private static final double RUN_MS = 2.0;

    private static final int ROUNDS = 3;

    private static VcpuPairProbe instance;

    private final ExecutorService first = Executors.newSingleThreadExecutor(daemon("vcpu-probe-1"));
    private final ExecutorService second =
            Executors.newSingleThreadExecutor(daemon("vcpu-probe-2"));
    private final float[][] arrays = {new float[2048], new float[2048]};
    private long reps;

    /** Written by each run, so the JIT cannot drop the loop. */
    private static volatile float sink;

    private VcpuPairProbe() {}

    /**
     * The process's probe, its two threads started (and the loop compiled) on first use.
     *
     * @return the probe
     */
    public static synchronized VcpuPairProbe get() {
        if (instance == null) {
            instance = new VcpuPairProbe();
        }
        return instance;
    }

    /**
     * One reading: {@value #ROUNDS} rounds of the loop alone on each thread and on both at once,
     * the median of each.
     *
     * @return the reading
     */
    public synchronized Reading read() {
        try {
            if (reps == 0) {
                calibrate();
            }
            double[] alone = new double[ROUNDS];
            double[] together = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                double a1 = first.submit(() -> run(arrays[0], reps)).get();
                double a2 = second.submit(() -> run(arrays[1], reps)).get();
                Future<Double> t1 = first.submit(() -> run(arrays[0], reps));
                Future<Double> t2 = second.submit(() -> run(arrays[1], reps));
                alone[r] = (a1 + a2) / 2;
                together[r] = (t1.get() + t2.get()) / 2;
            }
            return new Reading(median(alone), median(together));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a vCPU reading", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the vCPU probe's loop failed", e.getCause());
        }
    }

    /** Compiles the loop, then sizes a run to about {@link #RUN_MS} alone. */
    private void calibrate() throws InterruptedException, ExecutionException {
        for (int i = 0; i < 300; i++) {
            first.submit(() -> run(arrays[0], 200)).get();
            second.submit(() -> run(arrays[1], 200)).get();
        }
        long trial = 2_000;
        double ms = first.submit(() -> run(arrays[0], trial)).get();
        for (int i = 0; i < 4; i++) {
            ms = Math.min(ms, first.submit(() -> run(arrays[0], trial)).get());
        }
        reps = Math.max(100, (long) (trial * RUN_MS / Math.max(ms, 1e-3)));
    }

    private static double run(float[] a, long reps) {
        long t0 = System.nanoTime();
        for (long r = 0; r < reps; r++) {
            for (int i = 0; i < a.length; i++) {
                a[i] = a[i] * 0.999f + 0.001f;
            }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        sink = a[a.length - 1];
        return ms;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * One reading of {@link VcpuPairProbe}.
     *
     * @param aloneMs the loop's time on one thread alone, ms (median)
     * @param togetherMs its time per thread with both threads at once, ms (median)
     */
    public record Reading(double aloneMs, double togetherMs) {

        /**
         * Together over alone: about 1 when the two threads had a core each, up to about 2 when
         * they shared one.
         *
         * @return the ratio
         */
        public double ratio() {
            return togetherMs / aloneMs;
        }

        /**
         * Whether the two threads shared a core: {@link #ratio()} at or above {@link #SHARED_AT}.
         *
         * @return whether they shared
         */
        public boolean shared() {
            return ratio() >= SHARED_AT;
        }
    }
}
