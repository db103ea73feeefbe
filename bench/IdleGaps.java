import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ModelZoo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Whether a zoo network's batch-1 pass is slower in short blocks after a gap than in a steady run:
 * what {@code bench infer --pairs} does to the Java side, whose blocks of passes alternate with the
 * Python reference's. After two seconds of warm-up it times blocks of 3 untimed and {@code PASSES}
 * timed passes, as {@code --pairs} does, the blocks in turn with three kinds of gap before them:
 * none, {@code GAP_MS} of sleep (the JVM idle, as while Python runs on an otherwise idle machine),
 * and {@code GAP_MS} with two threads of this JVM streaming through 64 MB (the cores and caches
 * busy, as while Python runs). Prints the median pass of each kind of block.
 *
 * <p>Run from the repository root after the launcher has built the project:
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 java -Dai.djl.offline=true \
 *     -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
 *     -cp "$CP" bench/IdleGaps.java ENGINE MODEL WIDTH HEIGHT OUTPUTS PASSES GAP_MS BLOCKS
 * </pre>
 *
 * e.g. {@code PyTorch heatmap 120 90 116 30 900 30}.
 */
public final class IdleGaps {

    private IdleGaps() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 8) {
            throw new IllegalArgumentException(
                    "usage: IdleGaps ENGINE MODEL WIDTH HEIGHT OUTPUTS PASSES GAP_MS BLOCKS");
        }
        String engine = args[0];
        int width = Integer.parseInt(args[2]);
        int height = Integer.parseInt(args[3]);
        int passes = Integer.parseInt(args[5]);
        long gapMs = Long.parseLong(args[6]);
        int blocks = Integer.parseInt(args[7]);
        try (Model model = Model.newInstance("idle-gaps", Device.cpu(), engine)) {
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
            StringBuilder s = new StringBuilder(engine + " " + args[1] + ": median ms per pass,");
            for (int k = 0; k < kinds.length; k++) {
                double[] t = times.get(k).stream().mapToDouble(Double::doubleValue).toArray();
                Arrays.sort(t);
                s.append(String.format(Locale.ROOT, " %s %.2f", kinds[k], t[t.length / 2]));
            }
            System.out.println(s);
        }
    }

    private static double pass(
            Model model, KeypointBlock block, ParameterStore ps, float[] x, Shape in) {
        try (NDManager sub = model.getNDManager().newSubManager()) {
            NDArray xa = sub.create(x, in);
            long t0 = System.nanoTime();
            block.forward(ps, new NDList(xa), false).singletonOrThrow().toFloatArray();
            return (System.nanoTime() - t0) / 1e6;
        }
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
}
