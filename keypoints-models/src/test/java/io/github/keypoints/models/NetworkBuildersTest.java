package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Builder limits at their edges and network structure against counts derived here by hand, so a
 * changed bound or a changed layer width fails.
 */
class NetworkBuildersTest {

    @Test
    void heatmapNetBuilderLimitsAreInclusiveWhereDocumented() {
        assertThatThrownBy(() -> HeatmapNet.builder().setOutputs(0).build())
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> HeatmapNet.builder().setOutputs(4).optInputChannels(0).build())
                .hasMessageContaining("inputChannels");
        assertThatThrownBy(() -> HeatmapNet.builder().setOutputs(4).optBaseChannels(0).build())
                .hasMessageContaining("baseChannels");
        assertThatThrownBy(() -> HeatmapNet.builder().setOutputs(4).optDepth(0).build())
                .hasMessageContaining("depth must be 1 to 6, got 0");
        assertThatThrownBy(() -> HeatmapNet.builder().setOutputs(4).optDepth(7).build())
                .hasMessageContaining("got 7");
        assertThat(HeatmapNet.builder().setOutputs(2).optDepth(1).build().outputs()).isEqualTo(2);
        assertThat(HeatmapNet.builder().setOutputs(4).optDepth(6).optOutputStride(64).build())
                .extracting(HeatmapNet::outputStride)
                .isEqualTo(64);
        assertThat(HeatmapNet.builder().setOutputs(4).optDepth(2).optOutputStride(4).build())
                .extracting(HeatmapNet::outputStride)
                .isEqualTo(4);
        assertThatThrownBy(
                        () ->
                                HeatmapNet.builder()
                                        .setOutputs(4)
                                        .optDepth(2)
                                        .optOutputStride(8)
                                        .build())
                .hasMessageContaining("up to 2^depth = 4, got 8");
        assertThatThrownBy(() -> HeatmapNet.builder().setOutputs(4).optBeta(0f).build())
                .hasMessageContaining("beta");
        assertThat(HeatmapNet.builder().setOutputs(4).optBeta(Float.MIN_VALUE).build()).isNotNull();
    }

    @Test
    void otherBuildersRefuseZeroWidths() {
        assertThatThrownBy(() -> LandmarkCnn.builder().setOutputs(2).optChannels(8, 0).build())
                .hasMessageContaining("channels must be positive, got 0");
        assertThatThrownBy(() -> NoseTipNet.builder().setOutputs(2).optChannels(8, 0, 8).build())
                .hasMessageContaining("channels must be positive, got 0");
        assertThatThrownBy(() -> NoseTipNet.builder().setOutputs(2).optInputChannels(0).build())
                .hasMessageContaining("inputChannels");
        assertThatThrownBy(() -> NoseTipNet.builder().setOutputs(-2).build())
                .hasMessageContaining("got -2");
        assertThat(Imm58Net.builder().setOutputs(4).optChannels(8, 8).build().outputs())
                .isEqualTo(4);
    }

    /** Trainable parameters of a 3×3 conv (no bias) + batch norm, twice: the U-Net's unit. */
    private static long doubleConv(long in, long out) {
        return in * out * 9 + 2 * out + out * out * 9 + 2 * out;
    }

    @Test
    void heatmapNetHasTheUNetWidthsEachLevelDoubling() {
        int base = 4;
        int depth = 2;
        int stride = 2;
        int points = 3;
        long expected = 0;
        for (int l = 0; l <= depth; l++) {
            long in = l == 0 ? 1 : (long) base << (l - 1);
            expected += doubleConv(in, (long) base << l);
        }
        int stop = Integer.numberOfTrailingZeros(stride);
        for (int l = depth - 1; l >= stop; l--) {
            long upsampled = (long) base << (l + 1);
            long skip = (long) base << l;
            expected += doubleConv(upsampled + skip, (long) base << l);
        }
        expected += ((long) base << stop) * points + points;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            HeatmapNet net =
                    HeatmapNet.builder()
                            .setOutputs(2 * points)
                            .optBaseChannels(base)
                            .optDepth(depth)
                            .optOutputStride(stride)
                            .build();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16));
            assertThat(ParameterCount.trainable(net)).isEqualTo(expected);
        }
    }

    @Test
    void softArgmaxSharpensByBetaBeforeTheSoftmax() {
        int h = 3;
        int w = 4;
        int stride = 2;
        float beta = 2.5f;
        float[] logits = new float[h * w];
        Random random = new Random(5);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian();
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, beta * v);
        }
        double z = 0;
        double ex = 0;
        double ey = 0;
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double p = Math.exp(beta * logits[r * w + c] - max);
                z += p;
                ex += p * ((c + 0.5) * stride - 0.5) / (w * stride);
                ey += p * ((r + 0.5) * stride - 0.5) / (h * stride);
            }
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            float[] out =
                    SoftArgmax.decode(
                                    manager.create(logits, new Shape(1, 1, h, w)),
                                    stride,
                                    (long) w * stride,
                                    (long) h * stride,
                                    beta)
                            .toFloatArray();
            assertThat(out[0]).isCloseTo((float) (ex / z), within(1e-5f));
            assertThat(out[1]).isCloseTo((float) (ey / z), within(1e-5f));
            assertThatThrownBy(
                            () ->
                                    SoftArgmax.decode(
                                            manager.zeros(new Shape(1, 1, 2, 2)), 0, 4, 4, 1))
                    .hasMessageContaining("stride 0");
            assertThatThrownBy(
                            () ->
                                    SoftArgmax.decode(
                                            manager.zeros(new Shape(1, 1, 2, 2)), 1, 0, 4, 1))
                    .hasMessageContaining("input 0x4");
            assertThatThrownBy(
                            () ->
                                    SoftArgmax.decode(
                                            manager.zeros(new Shape(1, 1, 2, 2)), 1, 4, 0, 1))
                    .hasMessageContaining("input 4x0");
        }
    }

    @Test
    void resNetStagesCarryTorchvisionsLayerNamesAndRefuseOtherChannelsAtRunTime() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            ResNet18 net = ResNet18.builder().setOutputs(4).build();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32));
            List<String> stages =
                    net.getChildren().keys().stream()
                            .filter(k -> k.contains("layer"))
                            .map(k -> k.substring(k.indexOf("layer")))
                            .collect(Collectors.toList());
            assertThat(stages)
                    .containsExactly(
                            "layer1_0",
                            "layer1_1",
                            "layer2_0",
                            "layer2_1",
                            "layer3_0",
                            "layer3_1",
                            "layer4_0",
                            "layer4_1");
            Block block = net;
            ParameterStore ps = new ParameterStore(manager, false);
            assertThatThrownBy(
                            () ->
                                    block.forward(
                                            ps,
                                            new NDList(manager.zeros(new Shape(1, 3, 32, 32))),
                                            false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1 input channel");
        }
    }
}
