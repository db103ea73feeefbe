package io.github.keypoints.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
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
 */
record ForwardTiming(double msBatch1, double imagesPerSecondBatch32, double faultsPerPassBatch1) {

    /**
     * Times {@code block} on 1-channel inputs of uniform noise in [-0.5, 0.5).
     *
     * @param block the initialised block
     * @param manager the manager of its parameters; inputs live in sub-managers of it
     * @param width the input width
     * @param height the input height
     * @param warmup untimed passes before the batch-1 timing; the batch-32 timing uses up to 2
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
            int reps,
            int reps32) {
        Random rnd = new Random(0);
        float[] x32 = new float[32 * width * height];
        for (int i = 0; i < x32.length; i++) {
            x32[i] = rnd.nextFloat() - 0.5f;
        }
        float[] x1 = Arrays.copyOf(x32, width * height);
        ParameterStore ps = new ParameterStore(manager, false);
        Passes b1 = time(block, ps, manager, x1, new Shape(1, 1, height, width), warmup, reps);
        Passes b32 =
                time(
                        block,
                        ps,
                        manager,
                        x32,
                        new Shape(32, 1, height, width),
                        Math.min(warmup, 2),
                        reps32);
        return new ForwardTiming(b1.medianMs(), 32000.0 / b32.medianMs(), b1.faultsPerPass());
    }

    /** The median time of timed passes and the process's minor page faults per pass. */
    private record Passes(double medianMs, double faultsPerPass) {}

    private static Passes time(
            Block block,
            ParameterStore ps,
            NDManager manager,
            float[] x,
            Shape shape,
            int warmup,
            int reps) {
        if (reps < 1 || warmup < 0) {
            throw new IllegalArgumentException(
                    "need at least 1 timed pass and no negative warm-up, got reps "
                            + reps
                            + ", warm-up "
                            + warmup);
        }
        double[] t = new double[reps];
        long faults0 = 0;
        for (int i = -warmup; i < reps; i++) {
            if (i == 0) {
                faults0 = MinorFaults.sinceStart();
            }
            try (NDManager sub = manager.newSubManager()) {
                NDArray xa = sub.create(x, shape);
                long t0 = System.nanoTime();
                block.forward(ps, new NDList(xa), false).singletonOrThrow().toFloatArray();
                if (i >= 0) {
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        return new Passes(median(t), MinorFaults.perRun(faults0, MinorFaults.sinceStart(), reps));
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
