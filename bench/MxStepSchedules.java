import ai.djl.Device;
import ai.djl.Model;
import ai.djl.mxnet.jna.JnaUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

import io.github.keypoints.data.dataset.TensorUpload;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.models.TorchDefaultInitializer;
import io.github.keypoints.train.MseLoss;
import io.github.keypoints.train.OptimizerStep;
import io.github.keypoints.train.ResumableAdam;

import java.io.IOException;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * How the Java thread drives MXNet's asynchronous engine through the nose-tip training step
 * ({@code keypoints bench train}'s case: batch 15 at 80×60, MSE, {@code ResumableAdam} through
 * {@code OptimizerStep}), several ways side by side in one JVM: blocks of {@code STEPS} steps, the
 * ways in turn, each block timed from its first upload to MXNet's engine going idle after it, so
 * the machine's drift from minute to minute falls on every way alike. Each step uploads its batch
 * ({@code TensorUpload}), runs forward, loss, backward and Adam, and closes its arrays (DJL
 * 0.36.0's {@code MxNDArray.close} waits for each array to be computed before it frees it).
 *
 * <p>{@code SET} picks the ways:
 *
 * <ul>
 *   <li>{@code waits}: wait for the engine only at the end of the step ({@code bench train}'s
 *       step), after every phase, after the forward pass and at the end, or never;
 *   <li>{@code close}: close the step's arrays at its end, or one step later (after the next step
 *       has been queued);
 *   <li>{@code nice}: the Java thread at nice 0 or at nice 19 ({@code setpriority} on its thread
 *       id), so that MXNet's engine and OpenMP threads win the two CPUs when all three want one;
 *       giving the priority back needs {@code CAP_SYS_NICE} (run as root);
 *   <li>{@code bulk}: MXNet's imperative bulking off, or 8, 32 or 1,000 operators a segment
 *       ({@code MXEngineSetBulkSize} on the Java thread, what Python's {@code mx.engine.bulk}
 *       sets): the engine runs each segment as one task instead of one task per operator.
 * </ul>
 *
 * <p>It prints, per way, the median over its blocks of the ms per step and the median (and range) of
 * its block's time over the first way's block of the same round (docs/performance-training.md,
 * "The MXNet nose-tip step on MXNet's own profiler").
 *
 * <p>Run from the repository root after the launcher has built the project:
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * MXNET_CPU_PARALLEL_SIZE=1000000000 ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 \
 *     GLIBC_TUNABLES=... java -Dai.djl.offline=true -cp "$CP" bench/MxStepSchedules.java SET STEPS ROUNDS
 * </pre>
 *
 * with {@code GLIBC_TUNABLES} as the launcher sets it ({@code NativeMemorySettings}), e.g. {@code
 * waits 30 8}.
 */
public final class MxStepSchedules {

    private MxStepSchedules() {}

    /** libc's thread id and priority calls. */
    public interface LibC extends Library {
        /** libc. */
        LibC INSTANCE = Native.load("c", LibC.class);

        /** {@code syscall(2)}. */
        long syscall(long number);

        /** {@code setpriority(2)}. */
        int setpriority(int which, int who, int prio);
    }

    private static final long SYS_GETTID = 186; // x86-64

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException(
                    "usage: MxStepSchedules waits|close|nice|bulk STEPS ROUNDS");
        }
        String set = args[0];
        int steps = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        String[] ways =
                switch (set) {
                    case "waits" -> new String[] {
                        "wait at the end (bench train)",
                        "wait after every phase",
                        "wait after the forward pass and at the end",
                        "never wait"
                    };
                    case "close" -> new String[] {"close at the end", "close one step later"};
                    case "nice" -> new String[] {"Java thread at nice 0", "Java thread at nice 19"};
                    case "bulk" -> new String[] {
                        "no bulking", "bulks of 8", "bulks of 32", "bulks of 1000"
                    };
                    default -> throw new IllegalArgumentException("unknown set " + set);
                };
        int batch = 15;
        int width = 80;
        int height = 60;
        int outputs = 2;
        Random rnd = new Random(0);
        float[] x = new float[batch * width * height];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        float[] y = new float[batch * outputs];
        for (int i = 0; i < y.length; i++) {
            y[i] = rnd.nextFloat();
        }
        Shape xs = new Shape(batch, 1, height, width);
        Shape ys = new Shape(batch, outputs);
        Block block = new TorchDefaultInitializer(0).install(ModelZoo.create("nose-tip", outputs));
        int tid = (int) LibC.INSTANCE.syscall(SYS_GETTID);
        try (Model model = Model.newInstance("schedules", Device.cpu(), "MXNet")) {
            model.setBlock(block);
            ResumableAdam adam = ResumableAdam.builder().setBlock(block).build();
            try (Trainer trainer =
                    model.newTrainer(
                            new DefaultTrainingConfig(new MseLoss(MseLoss.Reduction.MEAN))
                                    .optOptimizer(adam)
                                    .optDevices(new Device[] {Device.cpu()}))) {
                trainer.initialize(new Shape(1, 1, height, width));
                OptimizerStep step = OptimizerStep.of(trainer, adam);
                Runner run = new Runner(trainer, step, x, xs, y, ys);
                for (int i = 0; i < 60; i++) {
                    run.step(0).close(); // warm-up
                }
                JnaUtils.waitAll();
                double[][] ms = new double[ways.length][rounds];
                for (int r = 0; r < rounds; r++) {
                    for (int w = 0; w < ways.length; w++) {
                        if ("bulk".equals(set)) {
                            int size = new int[] {0, 8, 32, 1000}[w];
                            if (bulkSize().invokeInt(new Object[] {size, IntBuffer.allocate(1)})
                                    != 0) {
                                throw new IllegalStateException("MXEngineSetBulkSize failed");
                            }
                        }
                        if ("nice".equals(set)) {
                            int prio = w == 0 ? 0 : 19;
                            if (LibC.INSTANCE.setpriority(0, tid, prio) != 0) {
                                throw new IllegalStateException(
                                        "setpriority(" + prio + ") failed: run as root");
                            }
                        }
                        long t0 = System.nanoTime();
                        NDManager pending = null;
                        for (int i = 0; i < steps; i++) {
                            NDManager arrays = run.step("waits".equals(set) ? w : 0);
                            if ("close".equals(set) && w == 1) {
                                if (pending != null) {
                                    pending.close();
                                }
                                pending = arrays;
                            } else {
                                arrays.close();
                            }
                        }
                        if (pending != null) {
                            pending.close();
                        }
                        JnaUtils.waitAll();
                        ms[w][r] = (System.nanoTime() - t0) / 1e6 / steps;
                    }
                }
                LibC.INSTANCE.setpriority(0, tid, 0);
                for (int w = 0; w < ways.length; w++) {
                    double[] ratio = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ratio[r] = ms[w][r] / ms[0][r];
                    }
                    Arrays.sort(ratio);
                    double[] sorted = ms[w].clone();
                    Arrays.sort(sorted);
                    System.out.printf(
                            Locale.ROOT,
                            "%-44s %6.2f ms a step (median of %d blocks of %d);"
                                    + " over the first way %.3f (%.3f-%.3f)%n",
                            ways[w],
                            sorted[rounds / 2],
                            rounds,
                            steps,
                            ratio[rounds / 2],
                            ratio[0],
                            ratio[rounds - 1]);
                }
            }
        }
    }

    /** {@code MXEngineSetBulkSize} of the libmxnet this process has loaded. */
    private static Function bulkSize() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int at = line.indexOf('/');
            if (at >= 0 && line.endsWith("/libmxnet.so")) {
                return NativeLibrary.getInstance(line.substring(at)).getFunction("MXEngineSetBulkSize");
            }
        }
        throw new IllegalStateException("libmxnet.so is not loaded");
    }

    /** One training step, waiting for MXNet's engine where the way says. */
    private record Runner(
            Trainer trainer, OptimizerStep step, float[] x, Shape xs, float[] y, Shape ys) {

        /**
         * Runs a step; the caller closes the returned manager, which holds the step's arrays.
         *
         * @param waits 0: at the end; 1: after every phase; 2: after the forward pass and at the
         *     end; 3: never
         */
        NDManager step(int waits) {
            NDManager arrays = trainer.getManager().newSubManager();
            NDArray xa = TensorUpload.floats(arrays, x, xs);
            NDArray ya = TensorUpload.floats(arrays, y, ys);
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDList preds = trainer.forward(new NDList(xa), new NDList(ya));
                NDArray loss = trainer.getLoss().evaluate(new NDList(ya), preds);
                if (waits == 1 || waits == 2) {
                    JnaUtils.waitAll();
                }
                gc.backward(loss);
                if (waits == 1) {
                    JnaUtils.waitAll();
                }
            }
            step.apply();
            if (waits != 3) {
                JnaUtils.waitAll();
            }
            return arrays;
        }
    }
}
