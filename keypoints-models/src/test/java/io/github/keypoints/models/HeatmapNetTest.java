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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeatmapNetTest {

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
