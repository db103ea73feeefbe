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
 * Records batch-1 forward passes under libtorch's operator profiler (DJL's {@code
 * JniUtils.startProfile}/{@code stopProfile}, reached by reflection because the examples use the
 * PyTorch engine only at run time) into a Chrome trace, for {@code keypoints bench infer
 * --profile}: where a pass spends its time, operator by operator, next to the Python side's trace
 * of the same network ({@code bench/op_profile.py} puts the two side by side).
 */
final class TorchOpProfile {
    private TorchOpProfile() {}

    /**
     * Runs {@code passes} untimed warm-up passes, then {@code passes} profiled ones, and writes the
     * trace.
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
        Random rnd = new Random(0);
        float[] x = new float[width * height];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        Shape shape = new Shape(1, 1, height, width);
        ParameterStore ps = new ParameterStore(manager, false);
        for (int i = 0; i < passes; i++) {
            pass(block, ps, manager, x, shape);
        }
        try {
            start.invoke(null, false, false, false);
            try {
                for (int i = 0; i < passes; i++) {
                    pass(block, ps, manager, x, shape);
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
