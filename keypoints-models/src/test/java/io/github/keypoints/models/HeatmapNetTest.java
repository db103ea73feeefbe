package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeatmapNetTest {

    /** {@code count} draws from a normal distribution with standard deviation {@code sd}. */
    private static float[] gaussians(Random random, int count, double sd) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) (sd * random.nextGaussian());
        }
        return v;
    }

    /** A Gaussian log-heatmap peaked at a sub-pixel heatmap position (cx, cy). */
    private static float[] gaussianLogits(int h, int w, double cx, double cy, double sigma) {
        float[] v = new float[h * w];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double d2 = (c - cx) * (c - cx) + (r - cy) * (r - cy);
                v[r * w + c] = (float) (-d2 / (2 * sigma * sigma));
            }
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void softArgmaxFindsASubPixelPeakInInputPixels(String engine) {
        int h = 15;
        int w = 20;
        int stride = 4;
        int inputW = 80;
        int inputH = 60;
        double[][] peaks = {{7.3, 9.6}, {12.85, 4.2}};
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            float[] all = new float[2 * h * w];
            for (int k = 0; k < 2; k++) {
                float[] g = gaussianLogits(h, w, peaks[k][0], peaks[k][1], 1.0);
                System.arraycopy(g, 0, all, k * h * w, h * w);
            }
            NDArray maps = manager.create(all, new Shape(1, 2, h, w));
            float[] out = SoftArgmax.decode(maps, stride, inputW, inputH, 1f).toFloatArray();
            assertThat(out).hasSize(4);
            for (int k = 0; k < 2; k++) {
                // cell j at stride s is centred on input pixel (j + 0.5) s - 0.5
                double xIn = (peaks[k][0] + 0.5) * stride - 0.5;
                double yIn = (peaks[k][1] + 0.5) * stride - 0.5;
                assertThat(out[2 * k] * inputW).isCloseTo((float) xIn, within(0.01f));
                assertThat(out[2 * k + 1] * inputH).isCloseTo((float) yIn, within(0.01f));
            }
        }
    }

    /**
     * The decode reuses its last grid while the sizes stay the same: sizes that alternate, with the
     * same number of cells and input size (3×4 and 4×3 maps of an 8×6 input) and then another
     * stride, must each decode with their own grid. A one-hot logit at each cell in turn must come
     * back as that cell's centre.
     */
    @Test
    void softArgmaxDecodesAlternatingSizesEachWithItsOwnGrid() {
        int[][] sizes = {{3, 4, 1, 8, 6}, {4, 3, 1, 8, 6}, {3, 4, 2, 8, 6}, {3, 4, 1, 8, 6}};
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (int[] size : sizes) {
                int h = size[0];
                int w = size[1];
                int stride = size[2];
                int inputW = size[3];
                int inputH = size[4];
                float[] maps = new float[h * w * h * w];
                for (int cell = 0; cell < h * w; cell++) {
                    maps[cell * h * w + cell] = 60f;
                }
                float[] out =
                        SoftArgmax.decode(
                                        manager.create(maps, new Shape(1, h * w, h, w)),
                                        stride,
                                        inputW,
                                        inputH,
                                        1f)
                                .toFloatArray();
                for (int cell = 0; cell < h * w; cell++) {
                    double x = ((cell % w + 0.5) * stride - 0.5) / inputW;
                    double y = ((cell / w + 0.5) * stride - 0.5) / inputH;
                    assertThat(out[2 * cell])
                            .as("x of cell %d, %dx%d", cell, h, w)
                            .isCloseTo((float) x, within(1e-4f));
                    assertThat(out[2 * cell + 1])
                            .as("y of cell %d, %dx%d", cell, h, w)
                            .isCloseTo((float) y, within(1e-4f));
                }
            }
        }
    }

    /**
     * Values and gradients of a batch of several maps against the expectation and its analytic
     * gradient in double precision: {@code d out_x / d z_k = beta p_k (x_k - out_x)}. Several batch
     * items and maps make a mix-up of the interleaved {@code x, y} order or of the rows of the
     * batch show.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void softArgmaxValuesAndGradientsMatchTheExpectationInDoublePrecision(String engine) {
        int b = 2;
        int n = 3;
        int h = 5;
        int w = 7;
        int stride = 2;
        long inputW = 13;
        long inputH = 11;
        float beta = 1.7f;
        Random random = new Random(11);
        float[] z = gaussians(random, b * n * h * w, 2);
        float[] g = gaussians(random, b * 2 * n, 1);
        double[] expectedOut = new double[b * 2 * n];
        double[] expectedGrad = new double[z.length];
        for (int m = 0; m < b * n; m++) {
            int base = m * h * w;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < h * w; k++) {
                max = Math.max(max, beta * z[base + k]);
            }
            double[] p = new double[h * w];
            double sum = 0;
            for (int k = 0; k < h * w; k++) {
                p[k] = Math.exp(beta * z[base + k] - max);
                sum += p[k];
            }
            double ex = 0;
            double ey = 0;
            for (int k = 0; k < h * w; k++) {
                p[k] /= sum;
                ex += p[k] * (((k % w) + 0.5) * stride - 0.5) / inputW;
                ey += p[k] * (((k / w) + 0.5) * stride - 0.5) / inputH;
            }
            expectedOut[2 * m] = ex;
            expectedOut[2 * m + 1] = ey;
            for (int k = 0; k < h * w; k++) {
                double xk = (((k % w) + 0.5) * stride - 0.5) / inputW;
                double yk = (((k / w) + 0.5) * stride - 0.5) / inputH;
                expectedGrad[base + k] =
                        beta * p[k] * (g[2 * m] * (xk - ex) + g[2 * m + 1] * (yk - ey));
            }
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            NDArray maps = manager.create(z, new Shape(b, n, h, w));
            maps.setRequiresGradient(true);
            float[] out;
            try (GradientCollector gc = Engine.getEngine(engine).newGradientCollector()) {
                NDArray decoded = SoftArgmax.decode(maps, stride, inputW, inputH, beta);
                assertThat(decoded.getShape()).isEqualTo(new Shape(b, 2 * n));
                out = decoded.toFloatArray();
                gc.backward(decoded.mul(manager.create(g, new Shape(b, 2 * n))).sum());
            }
            float[] grad = maps.getGradient().toFloatArray();
            for (int i = 0; i < out.length; i++) {
                assertThat((double) out[i])
                        .as("output %d", i)
                        .isCloseTo(expectedOut[i], within(1e-6));
            }
            for (int i = 0; i < grad.length; i++) {
                assertThat((double) grad[i])
                        .as("gradient %d", i)
                        .isCloseTo(expectedGrad[i], within(1e-6));
            }
        }
    }

    /** Each engine's up-sampling copies every cell into its 2×2 block and sums the block back. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void upsamplingRepeatsEachCellAndSumsItsBlockOfGradients(String engine) {
        int b = 2;
        int c = 3;
        int h = 5;
        int w = 7;
        Random random = new Random(3);
        float[] x = gaussians(random, b * c * h * w, 1);
        float[] g = gaussians(random, b * c * 4 * h * w, 1);
        HeatmapNet net = HeatmapNet.builder().setOutputs(4).optBaseChannels(4).build();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            NDArray in = manager.create(x, new Shape(b, c, h, w));
            // Outside the collector first: on PyTorch the layout decision behind upsample runs
            // the library's convolution check once, with a collector of its own.
            NDArray first = net.upsample(in);
            assertThat(first.getShape()).isEqualTo(new Shape(b, c, 2 * h, 2 * w));
            float[] up = first.toFloatArray();
            in.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine(engine).newGradientCollector()) {
                NDArray y = net.upsample(in);
                gc.backward(y.mul(manager.create(g, y.getShape())).sum());
            }
            float[] grad = in.getGradient().toFloatArray();
            for (int plane = 0; plane < b * c; plane++) {
                for (int r = 0; r < h; r++) {
                    for (int col = 0; col < w; col++) {
                        int i = (plane * h + r) * w + col;
                        double sum = 0;
                        for (int dr = 0; dr < 2; dr++) {
                            for (int dc = 0; dc < 2; dc++) {
                                int o = (plane * 2 * h + 2 * r + dr) * 2 * w + 2 * col + dc;
                                assertThat(up[o]).isEqualTo(x[i]);
                                sum += g[o];
                            }
                        }
                        assertThat((double) grad[i]).isCloseTo(sum, within(1e-5));
                    }
                }
            }
        }
    }

    @Test
    void softArgmaxOfAFlatMapIsTheCentreAndOfASpikeIsItsCell() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            float[] out =
                    SoftArgmax.decode(manager.zeros(new Shape(1, 1, 4, 6)), 1, 6, 4, 1f)
                            .toFloatArray();
            assertThat(out[0] * 6).isCloseTo(2.5f, within(1e-4f));
            assertThat(out[1] * 4).isCloseTo(1.5f, within(1e-4f));
            float[] spike = new float[24];
            spike[2 * 6 + 5] = 100f;
            out =
                    SoftArgmax.decode(manager.create(spike, new Shape(1, 1, 4, 6)), 2, 12, 8, 1f)
                            .toFloatArray();
            assertThat(out[0] * 12).isCloseTo(10.5f, within(1e-3f));
            assertThat(out[1] * 8).isCloseTo(4.5f, within(1e-3f));
        }
        assertThatThrownBy(() -> HeatmapNet.builder().setOutputs(3).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setOutputs");
        assertThatThrownBy(() -> HeatmapNet.builder().setOutputs(4).optOutputStride(3).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outputStride");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void oddSizedInputGivesRelativeCoordinatesAndGradients(String engine) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            HeatmapNet net = HeatmapNet.builder().setOutputs(10).optBaseChannels(4).build();
            Shape input = new Shape(2, 1, 21, 29);
            net.initialize(manager, DataType.FLOAT32, input);
            NDArray x = manager.randomUniform(0, 1, input);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray maps = net.heatmaps(ps, x, false);
            assertThat(maps.getShape()).isEqualTo(new Shape(2, 5, 21, 29));
            NDArray grad;
            try (GradientCollector gc = Engine.getEngine(engine).newGradientCollector()) {
                NDArray out = net.forward(ps, new NDList(x), true).singletonOrThrow();
                assertThat(out.getShape()).isEqualTo(new Shape(2, 10));
                for (float f : out.toFloatArray()) {
                    assertThat(f).isBetween(0f, 1f);
                }
                gc.backward(out.get(":, 0").sum());
            }
            ai.djl.nn.ParameterList params = net.getParameters();
            String headWeight = params.keys().get(params.size() - 2);
            assertThat(headWeight).endsWith("head_weight");
            grad = params.get(headWeight).getArray().getGradient();
            assertThat(grad.abs().sum().getFloat()).isGreaterThan(0f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void coarseOutputStrideStopsTheDecoderEarly(String engine) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            HeatmapNet net =
                    HeatmapNet.builder()
                            .setOutputs(4)
                            .optBaseChannels(4)
                            .optOutputStride(2)
                            .build();
            Shape input = new Shape(1, 1, 45, 60);
            net.initialize(manager, DataType.FLOAT32, input);
            NDArray x = manager.randomUniform(0, 1, input);
            ParameterStore ps = new ParameterStore(manager, false);
            assertThat(net.heatmaps(ps, x, false).getShape()).isEqualTo(new Shape(1, 2, 23, 30));
            assertThat(net.forward(ps, new NDList(x), false).singletonOrThrow().getShape())
                    .isEqualTo(new Shape(1, 4));
        }
    }
}
