import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.train.LandmarkRecipe;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Two forms of one zoo network's PyTorch TorchScript module side by side in one JVM: a system
 * property read when a module is written is set to A for the first network and to B for the
 * second, then blocks of 100 batch-1 passes alternate between them (A, B, B, A, …) for the given
 * seconds. The machine's speed drifts between processes by more than a few per cent (see
 * docs/performance-inference.md), so a small change is measured here, within one process, as the
 * median of the per-block-pair ratios B / A. Passes are timed as {@code bench infer} times them
 * (a frozen network, a new input per pass in a sub-manager, the clock from the forward call to the
 * output read back).
 *
 * <p>Run from the repository root after the launcher has built the project:
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 GLIBC_TUNABLES=&lt;the launcher's&gt; THP_MEM_ALLOC_ENABLE=1 \
 *     java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
 *     -Dai.djl.default_engine=PyTorch -cp "$CP" bench/ModuleAB.java MODEL WIDTH HEIGHT OUTPUTS PROPERTY A B SECONDS
 * </pre>
 *
 * e.g. {@code resnet18 96 96 136 keypoints.torchScript.inPlaceSum false true 60}; MODEL is a zoo
 * name or {@code landmarker} (the default 68-point landmarker's network, 64×64, 136 outputs).
 */
public final class ModuleAB {

    private static final int BLOCK = 100;

    private ModuleAB() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 8) {
            throw new IllegalArgumentException(
                    "usage: ModuleAB MODEL WIDTH HEIGHT OUTPUTS PROPERTY A B SECONDS");
        }
        int width = Integer.parseInt(args[1]);
        int height = Integer.parseInt(args[2]);
        int outputs = Integer.parseInt(args[3]);
        String property = args[4];
        double seconds = Double.parseDouble(args[7]);
        Shape in = new Shape(1, 1, height, width);
        float[] x = new float[width * height];
        Random rnd = new Random(0);
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        try (Model a = Model.newInstance("a", Device.cpu(), "PyTorch");
                Model b = Model.newInstance("b", Device.cpu(), "PyTorch")) {
            System.setProperty(property, args[5]);
            KeypointBlock netA = build(a, args[0], outputs, in, x);
            System.setProperty(property, args[6]);
            KeypointBlock netB = build(b, args[0], outputs, in, x);
            ParameterStore psA = new ParameterStore(a.getNDManager(), false);
            ParameterStore psB = new ParameterStore(b.getNDManager(), false);
            // Warm-up: 2 s of alternating blocks, untimed.
            long warm = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < warm) {
                block(netA, psA, a.getNDManager(), x, in);
                block(netB, psB, b.getNDManager(), x, in);
            }
            long end = System.nanoTime() + (long) (seconds * 1e9);
            double[] ratios = new double[100000];
            double[] msA = new double[100000];
            double[] msB = new double[100000];
            int n = 0;
            while (System.nanoTime() < end) {
                boolean aFirst = n % 2 == 0;
                double ta;
                double tb;
                if (aFirst) {
                    ta = block(netA, psA, a.getNDManager(), x, in);
                    tb = block(netB, psB, b.getNDManager(), x, in);
                } else {
                    tb = block(netB, psB, b.getNDManager(), x, in);
                    ta = block(netA, psA, a.getNDManager(), x, in);
                }
                msA[n] = ta;
                msB[n] = tb;
                ratios[n] = tb / ta;
                n++;
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s %dx%d, %s: A=%s median %.3f ms, B=%s median %.3f ms (medians of %d blocks"
                            + " of %d passes each); B/A median of per-pair ratios %.3f"
                            + " (quartiles %.3f–%.3f)%n",
                    args[0],
                    width,
                    height,
                    property,
                    args[5],
                    median(Arrays.copyOf(msA, n)),
                    args[6],
                    median(Arrays.copyOf(msB, n)),
                    n,
                    BLOCK,
                    median(Arrays.copyOf(ratios, n)),
                    quantile(Arrays.copyOf(ratios, n), 0.25),
                    quantile(Arrays.copyOf(ratios, n), 0.75));
        }
    }

    private static KeypointBlock build(
            Model model, String name, int outputs, Shape in, float[] x) {
        // "landmarker": the default 68-point landmarker's network, as bench infer builds it.
        KeypointBlock net =
                "landmarker".equals(name)
                        ? LandmarkRecipe.ibug68().newBlock(LandmarkScheme.IBUG_68, 0)
                        : ModelZoo.create(name, outputs);
        model.setBlock(net);
        net.initialize(model.getNDManager(), DataType.FLOAT32, in);
        net.freezeParameters(true);
        // The first pass writes, loads and checks the module with the property as now set.
        pass(net, new ParameterStore(model.getNDManager(), false), model.getNDManager(), x, in);
        return net;
    }

    /** The median ms of one block of passes. */
    private static double block(
            KeypointBlock net, ParameterStore ps, NDManager manager, float[] x, Shape in) {
        double[] t = new double[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            t[i] = pass(net, ps, manager, x, in);
        }
        return median(t);
    }

    private static double pass(
            KeypointBlock net, ParameterStore ps, NDManager manager, float[] x, Shape in) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray xa = sub.create(x, in);
            long t0 = System.nanoTime();
            net.forward(ps, new NDList(xa), false).singletonOrThrow().toFloatArray();
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static double median(double[] v) {
        return quantile(v, 0.5);
    }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.floor(q * s.length))];
    }
}
