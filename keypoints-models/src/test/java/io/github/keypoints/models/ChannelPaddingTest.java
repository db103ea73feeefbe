package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MXNet's training passes pad a convolution's filters to a multiple of 16 with zeros ({@link
 * ChannelPadding}): which layers are padded, and that outputs and every gradient stay those of the
 * unpadded network up to rounding.
 */
class ChannelPaddingTest {

    @AfterEach
    void defaults() {
        System.clearProperty(ChannelPadding.PROPERTY);
    }

    @Test
    void padsTheNoseTipsFirstConvolutionAndTheInputsOfItsSecond() {
        List<Block> order =
                ChannelsLastSequentialBlock.trainingOrder(
                        NoseTipNet.builder().setOutputs(2).build().getChildren().values());
        ChannelPadding padding = ChannelPadding.of(order);
        assertThat(padding.extraFilters(0)).isEqualTo(8); // 24 filters -> 32
        assertThat(padding.extraInputs(2)).isEqualTo(8); // 24 input channels -> 32
        for (int i = 0; i < order.size(); i++) {
            assertThat(padding.pads(i)).as("layer %d", i).isEqualTo(i == 0 || i == 2);
        }

        List<Block> half =
                NoseTipNet.builder()
                        .setOutputs(2)
                        .optChannels(12, 16, 16)
                        .build()
                        .getChildren()
                        .values();
        ChannelPadding halfPadding =
                ChannelPadding.of(ChannelsLastSequentialBlock.trainingOrder(half));
        assertThat(halfPadding.extraFilters(0)).isEqualTo(4);
        assertThat(halfPadding.extraInputs(2)).isEqualTo(4);
    }

    @Test
    void leavesMultiplesOfSixteenAndBatchNormsAlone() {
        List<Block> imm58 = Imm58Net.builder().setOutputs(4).build().getChildren().values();
        ChannelPadding padding = ChannelPadding.of(imm58);
        for (int i = 0; i < imm58.size(); i++) {
            assertThat(padding.pads(i)).as("imm58 layer %d", i).isFalse();
        }
        // A batch norm turns an all-zero channel into its shift: nothing may be padded across it.
        List<Block> normed =
                List.of(conv(24), BatchNorm.builder().build(), ShapedLambda.relu(), conv(32));
        ChannelPadding none = ChannelPadding.of(normed);
        for (int i = 0; i < normed.size(); i++) {
            assertThat(none.pads(i)).isFalse();
        }
        // Nor is a convolution that no other convolution follows.
        assertThat(ChannelPadding.of(List.of(conv(24), ShapedLambda.relu())).pads(0)).isFalse();
    }

    @Test
    void onlyMxnetTrainingPassesArePadded() {
        try (NDManager mx = NDManager.newBaseManager(Device.cpu(), "MXNet");
                NDManager pt = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            assertThat(ChannelPadding.appliesTo(mx.zeros(new Shape(1)))).isTrue();
            assertThat(ChannelPadding.appliesTo(pt.zeros(new Shape(1)))).isFalse();
            System.setProperty(ChannelPadding.PROPERTY, " FALSE ");
            assertThat(ChannelPadding.appliesTo(mx.zeros(new Shape(1)))).isFalse();
        }
    }

    /**
     * The padded convolutions themselves: the first gives its own 24 channels and then 8 channels
     * of exact zeros; the second, given 32 channels, gives its unpadded output whatever the extra 8
     * hold.
     */
    @Test
    void addsChannelsOfExactZerosAndIgnoresThem() {
        NoseTipNet net = NoseTipNet.builder().setOutputs(2).build();
        List<Block> order = ChannelsLastSequentialBlock.trainingOrder(net.getChildren().values());
        ChannelPadding padding = ChannelPadding.of(order);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            Engine.getEngine("MXNet").setRandomSeed(3);
            Shape shape = new Shape(2, 1, 12, 16);
            net.initialize(manager, DataType.FLOAT32, shape);
            for (var p : net.getParameters()) {
                // a bias of zero would hide a padded filter that is not zero
                p.getValue()
                        .getArray()
                        .set(
                                manager.randomUniform(-1f, 1f, p.getValue().getArray().getShape())
                                        .toFloatArray());
            }
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray x = manager.randomUniform(-1f, 1f, shape);
            Conv2d first = (Conv2d) order.get(0);
            Conv2d second = (Conv2d) order.get(2);
            NDArray plain = first.forward(ps, new NDList(x), false).head();
            NDArray padded = padding.forward(0, first, ps, x);
            assertThat(padded.getShape()).isEqualTo(new Shape(2, 32, 10, 14));
            NDArray own = padded.get(":, :24");
            assertThat(relativeDifference(own.toFloatArray(), plain.toFloatArray()))
                    .isLessThan(1e-6);
            assertThat(maxAbs(padded.get(":, 24:").toFloatArray())).isZero();

            NDArray relu = padded.maximum(0f);
            NDArray expected = second.forward(ps, new NDList(relu.get(":, :24")), false).head();
            // Whatever the extra channels hold, the second convolution's zero weights ignore them.
            NDArray noise = manager.randomUniform(-1f, 1f, new Shape(2, 8, 10, 14));
            NDArray actual = padding.forward(2, second, ps, relu.get(":, :24").concat(noise, 1));
            assertThat(actual.getShape()).isEqualTo(expected.getShape());
            assertThat(relativeDifference(actual.toFloatArray(), expected.toFloatArray()))
                    .isLessThan(1e-6);
        }
    }

    /**
     * The same network, weights and input on MXNet, padded and not: the output and the gradient of
     * every parameter (in its own, unpadded shape) agree to rounding, through both ways into a
     * block.
     */
    @ParameterizedTest
    @CsvSource({"24, 32, 32", "12, 16, 16", "20, 24, 16"})
    void givesTheUnpaddedOutputsAndGradients(int c1, int c2, int c3) {
        KeypointBlock block = NoseTipNet.builder().setOutputs(6).optChannels(c1, c2, c3).build();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            Engine.getEngine("MXNet").setRandomSeed(13);
            Shape shape = new Shape(3, 1, 30, 40);
            block.initialize(manager, DataType.FLOAT32, shape);
            NDArray x = manager.randomUniform(-1f, 1f, shape);
            for (boolean withLabels : new boolean[] {true, false}) {
                System.setProperty(ChannelPadding.PROPERTY, "false");
                List<float[]> plain =
                        TrainingPasses.outputAndGradients(manager, block, x, withLabels);
                System.clearProperty(ChannelPadding.PROPERTY);
                List<float[]> padded =
                        TrainingPasses.outputAndGradients(manager, block, x, withLabels);
                assertThat(padded).hasSameSizeAs(plain);
                // output, then conv1's weight and bias gradients, ... in parameter order
                assertThat(plain.size()).isEqualTo(1 + 10);
                for (int i = 0; i < plain.size(); i++) {
                    assertThat(padded.get(i)).as("array %d", i).hasSameSizeAs(plain.get(i));
                    assertThat(relativeDifference(padded.get(i), plain.get(i)))
                            .as("channels %d %d %d, labels %s, array %d", c1, c2, c3, withLabels, i)
                            .isLessThan(1e-5);
                }
                assertThat(maxAbs(plain.get(1))).as("conv1's weight gradient").isPositive();
            }
        }
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(filters).build();
    }

    /** The largest absolute difference over the largest absolute value of {@code b}. */
    private static double relativeDifference(float[] a, float[] b) {
        double largest = 0;
        for (int i = 0; i < a.length; i++) {
            largest = Math.max(largest, Math.abs((double) a[i] - b[i]));
        }
        return largest / Math.max(maxAbs(b), Double.MIN_NORMAL);
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }
}
