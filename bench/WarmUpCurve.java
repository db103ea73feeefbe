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
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * How a zoo network's batch-1 pass gets faster as a fresh JVM runs it: the first pass and the
 * median of every 50 passes after it, as {@code keypoints bench infer} times a pass (a frozen
 * network, a new input per pass in a sub-manager, the clock from the forward call to the output
 * read back). Why {@code bench infer} warms up for seconds, not passes (docs/performance-inference.md,
 * "Warm-up").
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
 * (before the six) first runs one small convolution on that engine, as {@code bench infer} has
 * run the other engine's networks before an engine's row: it loads the other engine's native
 * library and starts its threads.
 */
public final class WarmUpCurve {

    private static final int WINDOW = 50;

    private WarmUpCurve() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 8 && "--touch".equals(args[0])) {
            touch(args[1]);
            args = Arrays.copyOfRange(args, 2, 8);
        }
        if (args.length != 6) {
            throw new IllegalArgumentException(
                    "usage: WarmUpCurve [--touch OTHER_ENGINE] ENGINE MODEL WIDTH HEIGHT OUTPUTS"
                            + " PASSES");
        }
        String engine = args[0];
        int width = Integer.parseInt(args[2]);
        int height = Integer.parseInt(args[3]);
        int passes = Integer.parseInt(args[5]);
        try (Model model = Model.newInstance("warm-up", Device.cpu(), engine)) {
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
            double[] t = new double[passes];
            for (int i = 0; i < passes; i++) {
                try (NDManager sub = model.getNDManager().newSubManager()) {
                    NDArray xa = sub.create(x, in);
                    long t0 = System.nanoTime();
                    block.forward(ps, new NDList(xa), false).singletonOrThrow().toFloatArray();
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
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
