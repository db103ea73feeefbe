import ai.djl.Device;
import ai.djl.mxnet.jna.JnaUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import io.github.keypoints.models.ModelZoo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * MXNet 1.9.1's two Adam kernels that DJL's engine-agnostic {@code NDArrayEx.adamUpdate} reaches,
 * on the parameters of one zoo network: {@code adam_update} (what DJL's {@code Adam} and the
 * library's {@code ResumableAdam} call: one element at a time, the request type tested inside the
 * loop) and {@code _adamw_update} ({@code adamw = true}: the same update written as whole-array
 * expressions; with weight decay 0 and {@code eta = 1} its formula is Adam's). It runs both from
 * the same start for a few steps and compares the weights and moments, then times them in
 * alternating blocks, waiting for MXNet's engine after each block, and prints the median ms per
 * update of all parameters.
 *
 * <p>Run from the repository root after the launcher has built the project:
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * OMP_NUM_THREADS=2 MXNET_CPU_PARALLEL_SIZE=1000000000 java -Dai.djl.offline=true -cp "$CP" \
 *     bench/MxAdamKernels.java [MODEL WIDTH HEIGHT OUTPUTS] [BLOCKS]
 * </pre>
 *
 * (default {@code nose-tip 80 60 2}, 20 blocks of 20 updates each).
 */
public final class MxAdamKernels {

    private MxAdamKernels() {}

    public static void main(String[] args) {
        String name = args.length >= 4 ? args[0] : "nose-tip";
        int width = args.length >= 4 ? Integer.parseInt(args[1]) : 80;
        int height = args.length >= 4 ? Integer.parseInt(args[2]) : 60;
        int outputs = args.length >= 4 ? Integer.parseInt(args[3]) : 2;
        int blocks = args.length == 5 ? Integer.parseInt(args[4]) : 20;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            Block block = ModelZoo.create(name, outputs);
            block.initialize(m, DataType.FLOAT32, new Shape(1, 1, height, width));
            List<Shape> shapes = new ArrayList<>();
            long total = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                Shape s = p.getValue().getArray().getShape();
                shapes.add(s);
                total += s.size();
            }
            System.out.printf(
                    Locale.ROOT, "%s: %d parameters, %d values%n", name, shapes.size(), total);
            State a = new State(m, shapes, 1);
            State b = new State(m, shapes, 1);
            for (int t = 1; t <= 20; t++) {
                a.update(t, false);
                b.update(t, true);
            }
            JnaUtils.waitAll();
            System.out.printf(
                    Locale.ROOT,
                    "after 20 steps from the same start: weights %s, moments %s%n",
                    a.compare(b.weights, a.weights),
                    a.compare(b.means, a.means) + " / " + a.compare(b.variances, a.variances));
            double[][] ms = new double[2][blocks];
            for (int k = 0; k < blocks; k++) {
                for (int v = 0; v < 2; v++) {
                    State s = v == 0 ? a : b;
                    JnaUtils.waitAll();
                    long t0 = System.nanoTime();
                    for (int r = 0; r < 20; r++) {
                        s.update(21 + k * 20 + r, v == 1);
                    }
                    JnaUtils.waitAll();
                    ms[v][k] = (System.nanoTime() - t0) / 20e6;
                }
            }
            double adam = median(ms[0]);
            double adamw = median(ms[1]);
            System.out.printf(
                    Locale.ROOT,
                    "adam_update %.3f ms, _adamw_update %.3f ms per update of all parameters"
                            + " (median of %d blocks of 20); _adamw_update / adam_update %.2f%n",
                    adam,
                    adamw,
                    blocks,
                    adamw / adam);
        }
    }

    private static double median(double[] v) {
        double[] s = Arrays.copyOfRange(v, 1, v.length); // the first block warms up
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** One copy of the parameters, their fixed gradients and their moments. */
    private static final class State {
        final List<NDArray> weights = new ArrayList<>();
        final List<NDArray> grads = new ArrayList<>();
        final List<NDArray> means = new ArrayList<>();
        final List<NDArray> variances = new ArrayList<>();

        State(NDManager m, List<Shape> shapes, long seed) {
            m.getEngine().setRandomSeed((int) seed);
            for (Shape s : shapes) {
                weights.add(m.randomNormal(0, 0.05f, s, DataType.FLOAT32));
                grads.add(m.randomNormal(0, 0.01f, s, DataType.FLOAT32));
                means.add(m.zeros(s));
                variances.add(m.zeros(s));
            }
        }

        void update(int t, boolean adamw) {
            float lr = 1e-3f;
            double coef1 = 1.0 - Math.pow(0.9, t);
            double coef2 = 1.0 - Math.pow(0.999, t);
            float corrected = (float) (lr * Math.sqrt(coef2) / coef1);
            for (int i = 0; i < weights.size(); i++) {
                NDArray w = weights.get(i);
                NDList in = new NDList(w, grads.get(i), means.get(i), variances.get(i));
                w.getNDArrayInternal()
                        .adamUpdate(
                                in,
                                new NDList(w),
                                lr,
                                corrected,
                                0f,
                                1f,
                                -1f,
                                0.9f,
                                0.999f,
                                1e-8f,
                                true,
                                adamw);
                if (in.size() > 4) {
                    in.get(4).close(); // the rescale factor DJL adds for _adamw_update
                }
            }
        }

        String compare(List<NDArray> x, List<NDArray> y) {
            float max = 0;
            boolean same = true;
            for (int i = 0; i < x.size(); i++) {
                float[] p = x.get(i).toFloatArray();
                float[] q = y.get(i).toFloatArray();
                same &= Arrays.equals(p, q);
                for (int j = 0; j < p.length; j++) {
                    max = Math.max(max, Math.abs(p[j] - q[j]));
                }
            }
            return same ? "identical" : String.format(Locale.ROOT, "differ by up to %.3g", max);
        }
    }
}
