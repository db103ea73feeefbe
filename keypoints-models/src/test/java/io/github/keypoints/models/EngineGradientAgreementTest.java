package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A whole training step's gradients of every zoo network agree between PyTorch and MXNet: the same
 * weights, input and target, a mean squared error, one backward pass in training mode. The
 * convolution check compares single convolutions with plain Java; this compares whole networks as
 * they train, in the layout each runs in on PyTorch at the build's oneDNN level (run it with {@code
 * -Donednn.max.isa=LEVEL} to judge LEVEL), against an engine without that level's kernels. A wrong
 * kernel (one ResNet-18 shortcut wrong in 6 % of its outputs, say) moves some gradient far more
 * than the 1e-3 of its parameter's largest gradient allowed here.
 */
class EngineGradientAgreementTest {

    /**
     * Also against the truth: the same step in float64 on PyTorch (the weights widened from the
     * float32 ones), to tell which engine a difference belongs to. On the project's AMD EPYC at
     * {@code SSE41}: landmark-cnn PyTorch 1.6e-6, MXNet 2.0e-3 (so the engines' 2e-3 difference is
     * MXNet's); the heatmap network PyTorch 1.3e-3, MXNet 2.1e-3 (float32 itself, on both: its
     * head's bias has an exact gradient of zero); ResNet-18 and the stack networks 1e-7 to 7e-6.
     * Each engine must stay within 1e-2 of it too (a wrong kernel gave 4e-2 and more).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.keypoints.models.ZooNetworkCases#all")
    void pyTorchAndMxNetGiveTheSameGradients(String name, int outputs, int h, int w) {
        Shape shape = new Shape(4, 1, h, w);
        float[] x = input(shape);
        try (NDManager pt = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                NDManager mx = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            KeypointBlock torch = seeded(name, outputs, pt, shape);
            KeypointBlock mxnet = copy(torch, name, outputs, mx, DataType.FLOAT32, shape);
            PairList<String, Parameter> from = torch.getParameters();
            List<float[]> gt = gradients(torch, pt, x, shape);
            List<float[]> gm = gradients(mxnet, mx, x, shape);
            // Relative L2 distance over all gradients together: a per-value comparison would
            // flag rounding, since a convolution followed by batch norm has gradients that are
            // small differences of large terms.
            double diff2 = 0;
            double norm2 = 0;
            double worst = 0;
            String where = "";
            for (int i = 0; i < gt.size(); i++) {
                float[] a = gt.get(i);
                float[] b = gm.get(i);
                assertThat(b).hasSameSizeAs(a);
                double d2 = 0;
                double n2 = 0;
                for (int k = 0; k < a.length; k++) {
                    assertThat(a[k]).as("%s %s", name, from.keyAt(i)).isFinite();
                    d2 += (double) (a[k] - b[k]) * (a[k] - b[k]);
                    n2 += (double) a[k] * a[k];
                }
                if (Boolean.getBoolean("gradients.verbose")) {
                    System.out.printf(
                            "  %s %s diff %.3e norm %.3e%n",
                            name, from.keyAt(i), Math.sqrt(d2), Math.sqrt(n2));
                }
                diff2 += d2;
                norm2 += n2;
                if (n2 > 0 && Math.sqrt(d2 / n2) > worst) {
                    worst = Math.sqrt(d2 / n2);
                    where = from.keyAt(i);
                }
            }
            double relative = Math.sqrt(diff2 / norm2);
            System.out.printf(
                    "%s: gradients PyTorch vs MXNet differ by %.2e of their norm (largest for one"
                            + " parameter %.2e, %s); ONEDNN_MAX_CPU_ISA=%s, channels-last %s%n",
                    name,
                    relative,
                    worst,
                    where,
                    System.getenv("ONEDNN_MAX_CPU_ISA"),
                    ChannelsLast.isOn(torch, "PyTorch"));
            assertThat(relative).as("%s: relative gradient difference", name).isLessThan(1e-2);
            KeypointBlock wide = copy(torch, name, outputs, pt, DataType.FLOAT64, shape);
            List<float[]> truth = gradients(wide, pt, x, shape);
            double torchOff = relative(gt, truth);
            double mxnetOff = relative(gm, truth);
            System.out.printf(
                    "%s: float32 gradients vs float64 (PyTorch): PyTorch %.2e, MXNet %.2e;"
                            + " ONEDNN_MAX_CPU_ISA=%s%n",
                    name, torchOff, mxnetOff, System.getenv("ONEDNN_MAX_CPU_ISA"));
            assertThat(torchOff).as("%s on PyTorch vs float64", name).isLessThan(1e-2);
            assertThat(mxnetOff).as("%s on MXNet vs float64", name).isLessThan(1e-2);
        }
    }

    /** The seeded input, uniform in [-0.5, 0.5). */
    private static float[] input(Shape shape) {
        SplittableRandom r = new SplittableRandom(21);
        float[] x = new float[(int) shape.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() - 0.5);
        }
        return x;
    }

    /** The zoo network initialised on PyTorch from a fixed seed: the weights every copy gets. */
    private static KeypointBlock seeded(String name, int outputs, NDManager pt, Shape shape) {
        KeypointBlock torch = ModelZoo.create(name, outputs);
        Engine.getEngine("PyTorch").setRandomSeed(5);
        torch.initialize(pt, DataType.FLOAT32, shape);
        return torch;
    }

    /** The same network on {@code m} in {@code type}, with {@code from}'s weights. */
    private static KeypointBlock copy(
            KeypointBlock from, String name, int outputs, NDManager m, DataType type, Shape shape) {
        KeypointBlock to = ModelZoo.create(name, outputs);
        to.initialize(m, type, shape);
        PairList<String, Parameter> src = from.getParameters();
        PairList<String, Parameter> dst = to.getParameters();
        assertThat(dst.keys()).isEqualTo(src.keys());
        for (int i = 0; i < src.size(); i++) {
            float[] v = src.valueAt(i).getArray().toFloatArray();
            if (type == DataType.FLOAT64) {
                double[] d = new double[v.length];
                for (int k = 0; k < v.length; k++) {
                    d[k] = v[k];
                }
                dst.valueAt(i).getArray().set(DoubleBuffer.wrap(d));
            } else {
                dst.valueAt(i).getArray().set(FloatBuffer.wrap(v));
            }
        }
        return to;
    }

    private static double relative(List<float[]> a, List<float[]> truth) {
        double d2 = 0;
        double n2 = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int k = 0; k < a.get(i).length; k++) {
                double t = truth.get(i)[k];
                d2 += (a.get(i)[k] - t) * (a.get(i)[k] - t);
                n2 += t * t;
            }
        }
        return Math.sqrt(d2 / n2);
    }

    /**
     * One forward and backward pass in training mode; the gradient of every parameter (as float,
     * whatever the block's type: a float64 gradient keeps its value to float's precision, far below
     * the differences compared).
     */
    private static List<float[]> gradients(
            KeypointBlock block, NDManager m, float[] x, Shape shape) {
        DataType type = block.getParameters().valueAt(0).getArray().getDataType();
        NDArray in = m.create(x, shape).toType(type, false);
        List<float[]> g = new ArrayList<>();
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
            NDArray out = block.forward(new ParameterStore(m, false), new NDList(in), true).head();
            float[] target = new float[(int) out.getShape().size()];
            SplittableRandom t = new SplittableRandom(33);
            for (int i = 0; i < target.length; i++) {
                target[i] = (float) t.nextDouble();
            }
            NDArray loss =
                    out.sub(m.create(target, out.getShape()).toType(type, false)).square().mean();
            gc.backward(loss);
        }
        for (Parameter p : block.getParameters().values()) {
            // batch norm's running statistics have none
            g.add(
                    p.requiresGradient()
                            ? p.getArray()
                                    .getGradient()
                                    .toType(DataType.FLOAT32, false)
                                    .toFloatArray()
                            : new float[0]);
        }
        return g;
    }
}
