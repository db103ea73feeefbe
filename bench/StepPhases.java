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

import io.github.keypoints.data.dataset.TensorUpload;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.models.TorchDefaultInitializer;
import io.github.keypoints.train.MseLoss;
import io.github.keypoints.train.OptimizerStep;
import io.github.keypoints.train.ResumableAdam;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The phases of the nose-tip training step ({@code keypoints bench train}'s case: batch 15 at
 * 80×60, {@code TorchDefaultInitializer}, MSE, {@code ResumableAdam} through {@code OptimizerStep})
 * on one engine, waiting for MXNet's asynchronous engine after each phase, which {@code bench
 * train} does not (its MXNet rows have no phases): forward with the loss, backward, Adam, and the
 * whole step, medians over the second half of the steps. (docs/performance-training.md, "Where the
 * MXNet nose-tip step goes").
 *
 * <p>A third argument {@code imm58} takes the 58-point case instead (batch 32 at 240×180, 116
 * outputs). {@code --per-step} (last) also prints every step: its ms, forward and backward ms, the
 * process's minor page faults during it, and its resident memory and transparent huge pages after
 * it ({@code /proc/self/smaps_rollup}) and the JVM's direct buffers, to show whether the native
 * heap settles or keeps growing from step to step (docs/performance.md, "libtorch's own huge-page
 * switch, off"; docs/training.md, "Memory"), e.g. {@code PyTorch 10 imm58 --per-step}. {@code
 * --no-wait} (last) waits for nothing between the phases or the steps, as {@code bench train} and
 * the library's training loop do, and prints only the mean step over the second half of the steps
 * (MXNet's engine waited for at both ends), for a run under MXNet's operator profiler
 * ({@code bench/mx_profile_summary.py}; docs/performance-training.md, "The MXNet nose-tip step on
 * MXNet's own profiler").
 *
 * <p>Run from the repository root after the launcher has built the project:
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 GLIBC_TUNABLES=... java -Dai.djl.offline=true \
 *     -cp "$CP" bench/StepPhases.java ENGINE STEPS [imm58] [--per-step | --no-wait]
 * </pre>
 *
 * with {@code GLIBC_TUNABLES} as the launcher sets it ({@code NativeMemorySettings}), e.g. {@code
 * MXNet 200}.
 */
public final class StepPhases {

    private StepPhases() {}

    public static void main(String[] args) throws Exception {
        boolean perStep = args.length > 2 && "--per-step".equals(args[args.length - 1]);
        if (perStep) {
            args = Arrays.copyOf(args, args.length - 1);
        }
        boolean noWait = args.length > 2 && "--no-wait".equals(args[args.length - 1]);
        if (noWait) {
            args = Arrays.copyOf(args, args.length - 1);
        }
        boolean imm58 = args.length == 3 && "imm58".equals(args[2]);
        if (args.length != 2 && !imm58) {
            throw new IllegalArgumentException(
                    "usage: StepPhases ENGINE STEPS [imm58] [--per-step | --no-wait]");
        }
        String engine = args[0];
        int steps = Integer.parseInt(args[1]);
        boolean mxnet = "MXNet".equals(engine) && !noWait;
        int batch = imm58 ? 32 : 15;
        int width = imm58 ? 240 : 80;
        int height = imm58 ? 180 : 60;
        int outputs = imm58 ? 116 : 2;
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
        Block block =
                new TorchDefaultInitializer(0)
                        .install(ModelZoo.create(imm58 ? "imm58" : "nose-tip", outputs));
        try (Model model = Model.newInstance("phases", Device.cpu(), engine)) {
            model.setBlock(block);
            ResumableAdam adam = ResumableAdam.builder().setBlock(block).build();
            try (Trainer trainer =
                    model.newTrainer(
                            new DefaultTrainingConfig(new MseLoss(MseLoss.Reduction.MEAN))
                                    .optOptimizer(adam)
                                    .optDevices(new Device[] {Device.cpu()}))) {
                trainer.initialize(new Shape(1, 1, height, width));
                OptimizerStep step = OptimizerStep.of(trainer, adam);
                double[][] phases = new double[4][steps];
                long started = 0;
                for (int i = 0; i < steps; i++) {
                    if (i == steps / 2) {
                        if (noWait && "MXNet".equals(engine)) {
                            JnaUtils.waitAll();
                        }
                        started = System.nanoTime();
                    }
                    long faults = perStep ? minorFaults() : 0;
                    try (NDManager sub = trainer.getManager().newSubManager()) {
                        NDArray xa = upload(sub, x, xs);
                        NDArray ya = upload(sub, y, new Shape(batch, outputs));
                        sync(mxnet);
                        long t0 = System.nanoTime();
                        long t1;
                        long t2;
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList preds = trainer.forward(new NDList(xa), new NDList(ya));
                            NDArray loss = trainer.getLoss().evaluate(new NDList(ya), preds);
                            sync(mxnet);
                            t1 = System.nanoTime();
                            gc.backward(loss);
                            sync(mxnet);
                            t2 = System.nanoTime();
                        }
                        step.apply();
                        sync(mxnet);
                        long t3 = System.nanoTime();
                        phases[0][i] = (t1 - t0) / 1e6;
                        phases[1][i] = (t2 - t1) / 1e6;
                        phases[2][i] = (t3 - t2) / 1e6;
                        phases[3][i] = (t3 - t0) / 1e6;
                    }
                    if (perStep) {
                        System.out.printf(
                                Locale.ROOT,
                                "step %2d %7.1f ms fw %6.1f bw %6.1f faults %6d %s%n",
                                i,
                                phases[3][i],
                                phases[0][i],
                                phases[1][i],
                                minorFaults() - faults,
                                memory());
                    }
                }
                if (noWait) {
                    if ("MXNet".equals(engine)) {
                        JnaUtils.waitAll();
                    }
                    double ms = (System.nanoTime() - started) / 1e6;
                    System.out.printf(
                            Locale.ROOT,
                            "%s step, not waited for: %.2f ms on average over the last %d steps%n",
                            engine,
                            ms / (steps - steps / 2),
                            steps - steps / 2);
                    return;
                }
                String[] names = {"forward+loss", "backward", "adam", "step"};
                for (int k = 0; k < names.length; k++) {
                    double[] v = Arrays.copyOfRange(phases[k], steps / 2, steps);
                    Arrays.sort(v);
                    System.out.printf(
                            Locale.ROOT,
                            "%s %-12s median %.2f ms%n",
                            engine,
                            names[k],
                            v[v.length / 2]);
                }
            }
        }
    }

    /**
     * The batch as the library's training loop makes it ({@code TensorUpload}, through one reused
     * direct buffer), or with {@code -Dupload=djl} as DJL's {@code create(float[], Shape)} does (a
     * fresh direct buffer a call, freed only by the garbage collector).
     */
    private static NDArray upload(NDManager m, float[] v, Shape s) {
        return "djl".equals(System.getProperty("upload"))
                ? m.create(v, s)
                : TensorUpload.floats(m, v, s);
    }

    /** This process's minor page faults so far ({@code /proc/self/stat}). */
    private static long minorFaults() throws IOException {
        String s = Files.readString(Path.of("/proc/self/stat"));
        return Long.parseLong(s.substring(s.lastIndexOf(')') + 2).split(" ")[7]);
    }

    /** The resident set and its transparent huge pages ({@code /proc/self/smaps_rollup}). */
    private static String memory() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String l : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
            if (l.startsWith("Rss:") || l.startsWith("AnonHugePages:")) {
                b.append(l.replaceAll(" +", " ")).append(' ');
            }
        }
        for (java.lang.management.BufferPoolMXBean pool :
                java.lang.management.ManagementFactory.getPlatformMXBeans(
                        java.lang.management.BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                b.append("direct: ")
                        .append(pool.getCount())
                        .append(" buffers ")
                        .append(pool.getMemoryUsed() >> 10)
                        .append(" kB");
            }
        }
        return b.toString().strip();
    }

    /** Waits for MXNet's engine to finish everything pushed so far; PyTorch runs eagerly. */
    private static void sync(boolean mxnet) {
        if (mxnet) {
            JnaUtils.waitAll();
        }
    }
}
