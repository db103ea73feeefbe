import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;

import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ModelZoo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How a zoo network's batch-1 pass gets faster as a fresh JVM runs it: the first pass and the
 * median of every 50 passes after it, as {@code keypoints bench infer} times a pass (a frozen
 * network, a new input per pass in a sub-manager, the clock from the forward call to the output
 * read back). Why {@code bench infer} warms up for seconds, not passes
 * (docs/performance-inference.md, "Warm-up").
 *
 * <p>Run from the repository root after the launcher has built the project:
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 java -Dai.djl.offline=true \
 *     -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
 *     -cp "$CP" bench/WarmUpCurve.java ENGINE MODEL WIDTH HEIGHT OUTPUTS PASSES
 * </pre>
 *
 * e.g. {@code PyTorch nose-tip 80 60 2 1000}. A seventh argument {@code --touch OTHER_ENGINE}
 * (before the six) first runs one small convolution on that engine, as {@code bench infer} has run
 * the other engine's networks before an engine's row: it loads the other engine's native library
 * and starts its threads.
 *
 * <p>{@code --gaps GAP_MS BLOCKS} (before the six) asks instead whether a warm pass is slower in
 * short blocks after a gap, as {@code bench infer --pairs} times the Java side between the Python
 * reference's blocks: after two seconds of passes it times blocks of 3 untimed and PASSES timed
 * passes, BLOCKS times each in turn after three kinds of gap — none, GAP_MS of sleep (the JVM idle,
 * as while Python runs on an otherwise idle machine), GAP_MS with two threads streaming through 64
 * MB (cores and caches busy, as while Python runs) — and prints the median pass after each kind
 * (docs/performance-inference.md, "PyTorch on the AMD EPYC of family 26"), e.g. {@code --gaps 900
 * 20 PyTorch heatmap 120 90 116 30}.
 *
 * <p>{@code --instances N} (before the six) loads the network N times in turn in the one JVM, warms
 * each instance up for two seconds of passes and prints the median of PASSES passes per instance:
 * whether a slow spell of the heatmap network belongs to the JVM, to one instance of the network,
 * or to the side-by-side benchmark (docs/performance-inference.md, "A spell without any Python
 * process"), e.g. {@code --instances 4 PyTorch heatmap 120 90 116 300}.
 */
public final class WarmUpCurve {

    private static final int WINDOW = 50;

    private WarmUpCurve() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 8 && "--touch".equals(args[0])) {
            touch(args[1]);
            args = Arrays.copyOfRange(args, 2, 8);
        }
        long gapMs = -1;
        int blocks = 0;
        if (args.length == 9 && "--gaps".equals(args[0])) {
            gapMs = Long.parseLong(args[1]);
            blocks = Integer.parseInt(args[2]);
            args = Arrays.copyOfRange(args, 3, 9);
        }
        int instances = 0;
        if (args.length == 8 && "--instances".equals(args[0])) {
            instances = Integer.parseInt(args[1]);
            args = Arrays.copyOfRange(args, 2, 8);
        }
        if (args.length != 6) {
            throw new IllegalArgumentException(
                    "usage: WarmUpCurve [--touch OTHER_ENGINE | --gaps GAP_MS BLOCKS | --instances"
                        + " N] ENGINE MODEL WIDTH HEIGHT OUTPUTS PASSES");
        }
        String engine = args[0];
        int width = Integer.parseInt(args[2]);
        int height = Integer.parseInt(args[3]);
        int passes = Integer.parseInt(args[5]);
        StringBuilder medians = new StringBuilder();
        for (int k = 0; k < Math.max(1, instances); k++) {
            try (Model model = Model.newInstance("warm-up-" + k, Device.cpu(), engine)) {
                KeypointBlock block = ModelZoo.create(args[1], Integer.parseInt(args[4]));
                model.setBlock(block);
                Shape in = new Shape(1, 1, height, width);
                block.initialize(model.getNDManager(), DataType.FLOAT32, in);
                block.freezeParameters(true);
                float[] x = new float[width * height];
                Random rnd = new Random(0);
                for (int i = 0; i < x.length; i++) {
                    x[i] = rnd.nextFloat() - 0.5f;
                }
                ParameterStore ps = new ParameterStore(model.getNDManager(), false);
                if (gapMs >= 0) {
                    gaps(model, block, ps, x, in, passes, gapMs, blocks);
                    return;
                }
                if (instances > 0) {
                    medians.append(
                            String.format(
                                    Locale.ROOT,
                                    " %.2f",
                                    instance(model, block, ps, x, in, passes)));
                    continue;
                }
                double[] t = new double[passes];
                for (int i = 0; i < passes; i++) {
                    t[i] = pass(model, block, ps, x, in);
                }
                StringBuilder s =
                        new StringBuilder(
                                String.format(
                                        Locale.ROOT,
                                        "%s %s: first pass %.1f ms; median ms of each %d passes:",
                                        engine,
                                        args[1],
                                        t[0],
                                        WINDOW));
                for (int from = 0; from + WINDOW <= passes; from += WINDOW) {
                    double[] w = Arrays.copyOfRange(t, from, from + WINDOW);
                    Arrays.sort(w);
                    s.append(String.format(Locale.ROOT, " %.2f", w[WINDOW / 2]));
                }
                System.out.println(s);
            }
        }
        if (instances > 0) {
            System.out.println(
                    engine + " " + args[1] + ": median ms per pass of each instance:" + medians);
        }
    }

    /** The {@code --instances} mode's instance: two seconds of passes, then the median of more. */
    private static double instance(
            Model model, KeypointBlock block, ParameterStore ps, float[] x, Shape in, int passes) {
        long warm = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warm) {
            pass(model, block, ps, x, in);
        }
        double[] t = new double[passes];
        for (int i = 0; i < passes; i++) {
            t[i] = pass(model, block, ps, x, in);
        }
        Arrays.sort(t);
        return t[passes / 2];
    }

    /** One timed batch-1 pass, as {@code bench infer} times it: ms from forward to read-back. */
    private static double pass(
            Model model, KeypointBlock block, ParameterStore ps, float[] x, Shape in) {
        try (NDManager sub = model.getNDManager().newSubManager()) {
            NDArray xa = sub.create(x, in);
            long t0 = System.nanoTime();
            block.forward(ps, new NDList(xa), false).singletonOrThrow().toFloatArray();
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    /** The {@code --gaps} mode: median pass after no gap, a sleep and a busy gap. */
    private static void gaps(
            Model model,
            KeypointBlock block,
            ParameterStore ps,
            float[] x,
            Shape in,
            int passes,
            long gapMs,
            int blocks)
            throws InterruptedException {
        long warm = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warm) {
            pass(model, block, ps, x, in);
        }
        String[] kinds = {"none", "sleep", "busy"};
        List<List<Double>> times = new ArrayList<>();
        for (int k = 0; k < kinds.length; k++) {
            times.add(new ArrayList<>());
        }
        for (int b = 0; b < blocks; b++) {
            for (int k = 0; k < kinds.length; k++) {
                if (k == 1) {
                    Thread.sleep(gapMs);
                } else if (k == 2) {
                    busy(gapMs);
                }
                for (int i = 0; i < 3; i++) {
                    pass(model, block, ps, x, in);
                }
                for (int i = 0; i < passes; i++) {
                    times.get(k).add(pass(model, block, ps, x, in));
                }
            }
        }
        StringBuilder s = new StringBuilder("median ms per pass after a gap of kind:");
        for (int k = 0; k < kinds.length; k++) {
            double[] t = times.get(k).stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(t);
            s.append(String.format(Locale.ROOT, " %s %.2f", kinds[k], t[t.length / 2]));
        }
        System.out.println(s);
    }

    /** Two threads streaming through 32 MB each for {@code ms} milliseconds. */
    private static void busy(long ms) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000L;
        Thread[] threads = new Thread[2];
        for (int t = 0; t < threads.length; t++) {
            threads[t] =
                    new Thread(
                            () -> {
                                long[] a = new long[4 << 20];
                                long sum = 0;
                                while (System.nanoTime() < end) {
                                    for (int i = 0; i < a.length; i += 8) {
                                        a[i] += i;
                                        sum += a[i];
                                    }
                                }
                                if (sum == 42) {
                                    System.out.print("");
                                }
                            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /** One 3x3 convolution of 8 channels at 32x32 on {@code engine}, read back. */
    private static void touch(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            NDArray x = m.randomNormal(new Shape(1, 8, 32, 32));
            NDArray w = m.randomNormal(new Shape(8, 8, 3, 3));
            Shape one = new Shape(1, 1);
            Conv2d.conv2d(x, w, null, one, one, one, 1).head().toFloatArray();
        }
        System.out.println("touched " + engine);
    }
}
