package io.github.keypoints.examples;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Random;

/**
 * Records batch-1 forward passes or training steps under libtorch's operator profiler (DJL's {@code
 * JniUtils.startProfile}/{@code stopProfile}, reached by reflection because the examples use the
 * PyTorch engine only at run time) into a Chrome trace, for {@code keypoints bench infer --profile}
 * and {@code bench train --profile}: where a pass or a step spends its time, operator by operator,
 * next to the Python side's trace of the same work ({@code bench/op_profile.py} puts the two side
 * by side).
 */
final class TorchOpProfile {
    private TorchOpProfile() {}

    /**
     * Runs {@code passes} untimed warm-up passes of the block at batch 1, then {@code passes}
     * profiled ones, and writes the trace.
     *
     * @param block the initialised block, on a PyTorch model
     * @param manager its manager
     * @param width the input width
     * @param height the input height
     * @param passes the number of profiled passes
     * @param trace the Chrome trace file to write
     */
    static void record(
            Block block, NDManager manager, int width, int height, int passes, Path trace) {
        Random rnd = new Random(0);
        float[] x = new float[width * height];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        Shape shape = new Shape(1, 1, height, width);
        ParameterStore ps = new ParameterStore(manager, false);
        record(() -> pass(block, ps, manager, x, shape), passes, trace);
    }

    /**
     * Runs {@code passes} untimed warm-up runs of {@code unit}, then {@code passes} profiled ones,
     * and writes the trace: any unit of PyTorch work, a forward pass or a whole training step.
     *
     * @param unit one pass or step, on the PyTorch engine
     * @param passes the number of profiled runs
     * @param trace the Chrome trace file to write
     */
    static void record(Runnable unit, int passes, Path trace) {
        Method start;
        Method stop;
        try {
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
            start = jni.getMethod("startProfile", boolean.class, boolean.class, boolean.class);
            stop = jni.getMethod("stopProfile", String.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "--profile needs DJL's PyTorch engine (ai.djl.pytorch.jni.JniUtils) on the"
                            + " class path",
                    e);
        }
        for (int i = 0; i < passes; i++) {
            unit.run();
        }
        try {
            start.invoke(null, false, false, false);
            try {
                for (int i = 0; i < passes; i++) {
                    unit.run();
                }
            } finally {
                stop.invoke(null, trace.toAbsolutePath().toString());
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("libtorch's profiler failed for " + trace, e);
        }
    }

    private static void pass(
            Block block, ParameterStore ps, NDManager manager, float[] x, Shape shape) {
        try (NDManager sub = manager.newSubManager()) {
            block.forward(ps, new NDList(sub.create(x, shape)), false)
                    .singletonOrThrow()
                    .toFloatArray();
        }
    }
}
