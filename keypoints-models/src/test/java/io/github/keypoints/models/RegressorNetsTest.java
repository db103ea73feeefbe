package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegressorNetsTest {

    static NDArray forward(NDManager manager, Block block, Shape input) {
        block.initialize(manager, DataType.FLOAT32, input);
        NDArray x = manager.randomUniform(0, 1, input);
        return block.forward(new ParameterStore(manager, false), new NDList(x), false)
                .singletonOrThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void noseTipNetHasTheReferenceShapeAndParameterCount(String engine) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            NoseTipNet net = NoseTipNet.builder().setOutputs(2).build();
            NDArray out = forward(manager, net, new Shape(3, 1, 60, 80));
            assertThat(out.getShape()).isEqualTo(new Shape(3, 2));
            assertThat(ParameterCount.trainable(net)).isEqualTo(1_934_130L);
            // fc1 sees 32 x 13 x 18 = 7488 features, as in the reference
            assertThat(net.getParameters().valueAt(6).getShape()).isEqualTo(new Shape(256, 7488));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void halfChannelNoseTipNetShrinks(String engine) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            NoseTipNet net = NoseTipNet.builder().setOutputs(2).optChannels(12, 16, 16).build();
            NDArray out = forward(manager, net, new Shape(1, 1, 60, 80));
            assertThat(out.getShape()).isEqualTo(new Shape(1, 2));
            long expected =
                    (9 * 12 + 12)
                            + (12 * 16 * 9 + 16)
                            + (16 * 16 * 9 + 16)
                            + (16 * 13 * 18 * 256)
                            + 256
                            + 256 * 2
                            + 2;
            assertThat(ParameterCount.trainable(net)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void imm58NetHasTheReferenceShapeAndParameterCount(String engine) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            Imm58Net net = Imm58Net.builder().setOutputs(116).build();
            NDArray out = forward(manager, net, new Shape(1, 1, 180, 240));
            assertThat(out.getShape()).isEqualTo(new Shape(1, 116));
            assertThat(ParameterCount.trainable(net)).isEqualTo(1_071_988L);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void imm58NetInfersFc1ForAnyInputSize(String engine) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            Imm58Net net = Imm58Net.builder().setOutputs(116).build();
            NDArray out = forward(manager, net, new Shape(2, 1, 90, 120));
            assertThat(out.getShape()).isEqualTo(new Shape(2, 116));
            long fc1In = 32 * 3 * 5;
            assertThat(ParameterCount.trainable(net)).isEqualTo(1_071_988L - (3744 - fc1In) * 256);
        }
    }

    @Test
    void buildersNameTheMissingValue() {
        assertThatThrownBy(() -> NoseTipNet.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setOutputs");
        assertThatThrownBy(() -> Imm58Net.builder().optChannels(32).setOutputs(4).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channels");
        assertThatThrownBy(() -> NoseTipNet.builder().setOutputs(2).optHidden(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hidden");
    }
}
