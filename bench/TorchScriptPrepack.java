import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Times the TorchScript module {@code bench/torchscript_prepack.py} writes — landmark-cnn's shape
 * with its convolution weights prepacked for oneDNN on the first call — against the same network
 * as DJL eager operators, at batch 1, on PyTorch, in one JVM (issue 12, item 5; "PyTorch at batch
 * 1: small convolutions leave oneDNN" in docs/performance-inference.md). Same random weights and
 * input on both sides; prints each side's median ms over the timed passes and the largest output
 * difference; the sides alternate in three rounds. The module is loaded through DJL's engine-neutral {@link Model#load(InputStream)}.
 *
 * <p>Run from the repository root (a single-file program, no build beyond the launcher's):
 *
 * <pre>
 * /usr/bin/python3 bench/torchscript_prepack.py runs/torchscript-prepack.pt
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 java -Dai.djl.offline=true \
 *     -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
 *     -cp "$CP" bench/TorchScriptPrepack.java runs/torchscript-prepack.pt [passes]
 * </pre>
 */
public final class TorchScriptPrepack {

    private static final int[] CHANNELS = {1, 32, 64, 128, 256, 512};
    private static final int SIZE = 64;
    private static final int WARMUP = 30;
    private static final int ROUNDS = 3;

    private TorchScriptPrepack() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: TorchScriptPrepack ARCHIVE.pt [passes]");
        }
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        try (Model model = Model.newInstance("prepacked", Device.cpu(), "PyTorch");
                InputStream is = Files.newInputStream(Path.of(args[0]))) {
            model.load(is);
            Block block = model.getBlock();
            NDManager m = model.getNDManager();
            NDList weights = new NDList();
            for (int i = 0; i < 5; i++) {
                Shape w = new Shape(CHANNELS[i + 1], CHANNELS[i], 3, 3);
                weights.add(m.randomNormal(w).mul(Math.sqrt(2.0 / (9 * CHANNELS[i]))));
                weights.add(m.randomNormal(new Shape(CHANNELS[i + 1])).mul(0.1));
            }
            weights.add(m.randomNormal(new Shape(1024, 2048)).mul(0.03));
            weights.add(m.zeros(new Shape(1024)));
            weights.add(m.randomNormal(new Shape(136, 1024)).mul(0.03));
            weights.add(m.zeros(new Shape(136)));
            Shape in = new Shape(1, 1, SIZE, SIZE);
            float[] x = m.randomUniform(0, 1, in).toFloatArray();
            ParameterStore ps = new ParameterStore(m, false);
            String[] names = {"TorchScript, prepacked", "DJL eager operators"};
            float[][] outputs = new float[2][];
            List<List<Double>> ms = List.of(new ArrayList<>(), new ArrayList<>());
            // Rounds alternate the sides, so that a slow stretch of the machine hits both.
            for (int round = 0; round < ROUNDS; round++) {
                for (int side = 0; side < 2; side++) {
                    for (int r = 0; r < WARMUP + passes; r++) {
                        // The input and everything the pass makes belong to the pass's manager.
                        try (NDManager pass = m.newSubManager()) {
                            NDArray input = pass.create(x, in);
                            long t0 = System.nanoTime();
                            NDArray y;
                            if (side == 0) {
                                NDList all = new NDList(input);
                                all.addAll(weights);
                                y = block.forward(ps, all, false).head();
                            } else {
                                y = eager(input, weights);
                            }
                            float[] out = y.toFloatArray();
                            if (r >= WARMUP) {
                                ms.get(side).add((System.nanoTime() - t0) / 1e6);
                            }
                            outputs[side] = out;
                        }
                    }
                }
            }
            for (int side = 0; side < 2; side++) {
                List<Double> t = ms.get(side);
                Collections.sort(t);
                System.out.printf(
                        "%-24s median %.3f ms per pass (%d rounds of %d passes after %d warm-up)%n",
                        names[side], t.get(t.size() / 2), ROUNDS, passes, WARMUP);
            }
            double diff = 0;
            double largest = 0;
            for (int i = 0; i < outputs[0].length; i++) {
                diff = Math.max(diff, Math.abs(outputs[0][i] - outputs[1][i]));
                largest = Math.max(largest, Math.abs(outputs[1][i]));
            }
            System.out.printf(
                    "largest output difference %.3g over %d outputs (largest |output| %.3g)%n",
                    diff, outputs[0].length, largest);
        }
    }

    private static NDArray eager(NDArray x, NDList w) {
        Shape one = new Shape(1, 1);
        NDArray y = x;
        for (int i = 0; i < 5; i++) {
            y = Conv2d.conv2d(y, w.get(2 * i), w.get(2 * i + 1), one, one, one, 1).head();
            y = Activation.relu(y);
            y = Pool.maxPool2d(y, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        }
        y = y.reshape(1, -1);
        y = Activation.relu(Linear.linear(y, w.get(10), w.get(11)).head());
        return Linear.linear(y, w.get(12), w.get(13)).head();
    }
}
