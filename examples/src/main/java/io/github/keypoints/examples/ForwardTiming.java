package io.github.keypoints.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.github.keypoints.data.dataset.TensorUpload;
import java.util.Arrays;
import java.util.Random;

/**
 * Inference timing of an initialised block as the bench commands report it: median milliseconds per
 * face at batch 1 and images per second at batch 32, forward only with {@code training = false},
 * after warm-up. The clock includes reading the output back to the JVM, which makes the
 * asynchronous MXNet engine finish the forward pass; it excludes creating the input.
 *
 * @param msBatch1 the median milliseconds of one batch-1 forward pass
 * @param imagesPerSecondBatch32 32 000 divided by the median milliseconds of a batch-32 pass
 * @param faultsPerPassBatch1 the process's minor page faults ({@link MinorFaults}) during the timed
 *     batch-1 passes divided by their number, or {@code NaN} where they cannot be counted
 * @param warmupPassesBatch1 the untimed batch-1 passes run first ({@link #warmUp})
 */
record ForwardTiming(
        double msBatch1,
        double imagesPerSecondBatch32,
        double faultsPerPassBatch1,
        int warmupPassesBatch1) {

    /**
     * Times {@code block} on 1-channel inputs of uniform noise in [-0.5, 0.5).
     *
     * @param block the initialised block
     * @param manager the manager of its parameters; inputs live in sub-managers of it
     * @param width the input width
     * @param height the input height
     * @param warmup untimed passes before the batch-1 timing; the batch-32 timing uses up to 2
     * @param warmupSeconds the batch-1 warm-up also lasts at least this long ({@link #warmUp})
     * @param reps timed batch-1 passes
     * @param reps32 timed batch-32 passes
     * @return the timings
     */
    static ForwardTiming measure(
            Block block,
            NDManager manager,
            int width,
            int height,
            int warmup,
            double warmupSeconds,
            int reps,
            int reps32) {
        Random rnd = new Random(0);
        float[] x32 = new float[32 * width * height];
        for (int i = 0; i < x32.length; i++) {
            x32[i] = rnd.nextFloat() - 0.5f;
        }
        float[] x1 = Arrays.copyOf(x32, width * height);
        ParameterStore ps = new ParameterStore(manager, false);
        Passes b1 =
                time(
                        block,
                        ps,
                        manager,
                        x1,
                        new Shape(1, 1, height, width),
                        warmup,
                        warmupSeconds,
                        reps);
        Passes b32 =
                time(
                        block,
                        ps,
                        manager,
                        x32,
                        new Shape(32, 1, height, width),
                        Math.min(warmup, 2),
                        0,
                        reps32);
        return new ForwardTiming(
                b1.medianMs(), 32000.0 / b32.medianMs(), b1.faultsPerPass(), b1.warmupPasses());
    }

    /**
     * The median milliseconds of {@code reps} batch-1 passes on the batch-1 input {@link #measure}
     * times, without warm-up: one block of {@code bench infer --pairs}, which alternates short
     * blocks of the Java and the Python side while both networks stay warm.
     *
     * @param block the initialised, warmed-up block
     * @param manager the manager of its parameters; inputs live in sub-managers of it
     * @param width the input width
     * @param height the input height
     * @param reps timed passes, at least 1
     * @return the median ms of one pass
     */
    static double batch1Block(Block block, NDManager manager, int width, int height, int reps) {
        if (reps < 1) {
            throw new IllegalArgumentException("need at least 1 timed pass, got " + reps);
        }
        Random rnd = new Random(0);
        float[] x1 = new float[width * height];
        for (int i = 0; i < x1.length; i++) {
            x1[i] = rnd.nextFloat() - 0.5f;
        }
        ParameterStore ps = new ParameterStore(manager, false);
        Shape shape = new Shape(1, 1, height, width);
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            t[i] = pass(block, ps, manager, x1, shape);
        }
        return median(t);
    }

    /**
     * The median time of timed passes, the process's minor page faults per pass and the untimed
     * passes before them.
     */
    private record Passes(double medianMs, double faultsPerPass, int warmupPasses) {}

    /**
     * Runs {@code pass} at least {@code passes} times and until the runs have taken {@code
     * seconds}: a JVM compiles a pass's Java code (the library's, DJL's, the engine binding's) only
     * after it has run many times, and the networks' batch-1 passes kept getting faster for a few
     * hundred passes (docs/performance-inference.md, "Warm-up"); a fixed count is too few for a
     * fast network and needlessly many for a slow one.
     *
     * @param pass one untimed pass
     * @param passes the fewest passes
     * @param seconds the shortest warm-up
     * @return the number of passes run
     */
    static int warmUp(Runnable pass, int passes, double seconds) {
        long start = System.nanoTime();
        long nanos = (long) (seconds * 1e9);
        int done = 0;
        while (done < passes || System.nanoTime() - start < nanos) {
            pass.run();
            done++;
        }
        return done;
    }

    private static Passes time(
            Block block,
            ParameterStore ps,
            NDManager manager,
            float[] x,
            Shape shape,
            int warmup,
            double warmupSeconds,
            int reps) {
        if (reps < 1 || warmup < 0) {
            throw new IllegalArgumentException(
                    "need at least 1 timed pass and no negative warm-up, got reps "
                            + reps
                            + ", warm-up "
                            + warmup);
        }
        double[] t = new double[reps];
        int warmed = warmUp(() -> pass(block, ps, manager, x, shape), warmup, warmupSeconds);
        long faults0 = MinorFaults.sinceStart();
        for (int i = 0; i < reps; i++) {
            t[i] = pass(block, ps, manager, x, shape);
        }
        return new Passes(
                median(t), MinorFaults.perRun(faults0, MinorFaults.sinceStart(), reps), warmed);
    }

    /** One pass on a new input, timed from the input to the output read back, in ms. */
    private static double pass(
            Block block, ParameterStore ps, NDManager manager, float[] x, Shape shape) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray xa = TensorUpload.floats(sub, x, shape); // as the library's pipeline uploads
            long t0 = System.nanoTime();
            block.forward(ps, new NDList(xa), false).singletonOrThrow().toFloatArray();
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    /**
     * Returns the median (the upper one for an even count).
     *
     * @param v the values, not modified
     * @return the median
     */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
