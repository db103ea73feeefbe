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
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * A zoo network loaded several times in turn in one JVM, each instance warmed up for 2 s and then
 * timed over 300 batch-1 passes as {@code keypoints bench infer} times a pass (a frozen network, a
 * new input per pass in a sub-manager, the clock from the forward call to the output read back):
 * one median per instance. With no Python process running, it shows whether the heatmap network's
 * slow spells (docs/performance-inference.md) belong to the JVM, to one instance of the network,
 * or to the side-by-side benchmark.
 *
 * <p>Run from the repository root after the launcher has built the project:
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 GLIBC_TUNABLES=&lt;the launcher's&gt; java -Dai.djl.offline=true \
 *     -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
 *     -cp "$CP" bench/NetworkInstances.java ENGINE MODEL WIDTH HEIGHT OUTPUTS INSTANCES
 * </pre>
 *
 * e.g. {@code PyTorch heatmap 120 90 116 4}.
 */
public final class NetworkInstances {

    private NetworkInstances() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            throw new IllegalArgumentException(
                    "usage: NetworkInstances ENGINE MODEL WIDTH HEIGHT OUTPUTS INSTANCES");
        }
        String engine = args[0];
        int width = Integer.parseInt(args[2]);
        int height = Integer.parseInt(args[3]);
        int instances = Integer.parseInt(args[5]);
        float[] x = new float[width * height];
        Random rnd = new Random(0);
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        Shape in = new Shape(1, 1, height, width);
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < instances; k++) {
            try (Model model = Model.newInstance("instance-" + k, Device.cpu(), engine)) {
                KeypointBlock block = ModelZoo.create(args[1], Integer.parseInt(args[4]));
                model.setBlock(block);
                block.initialize(model.getNDManager(), DataType.FLOAT32, in);
                block.freezeParameters(true);
                ParameterStore ps = new ParameterStore(model.getNDManager(), false);
                long warm = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < warm) {
                    pass(model, block, ps, x, in);
                }
                double[] t = new double[300];
                for (int i = 0; i < t.length; i++) {
                    t[i] = pass(model, block, ps, x, in);
                }
                Arrays.sort(t);
                s.append(String.format(Locale.ROOT, " %.2f", t[t.length / 2]));
            }
        }
        System.out.println(engine + " " + args[1] + ": median ms per pass of each instance:" + s);
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
}
