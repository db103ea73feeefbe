package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2dTranspose;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.initializer.NormalInitializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TorchDefaultInitializerTest {

    private static float[] values(NoseTipNet net, int index) {
        return net.getParameters().valueAt(index).getArray().toFloatArray();
    }

    private static void assertUniform(float[] v, double bound) {
        double sum = 0;
        double sq = 0;
        double max = 0;
        for (float f : v) {
            sum += f;
            sq += (double) f * f;
            max = Math.max(max, Math.abs(f));
        }
        double mean = sum / v.length;
        double sd = Math.sqrt(sq / v.length - mean * mean);
        assertThat(max).isLessThanOrEqualTo(bound);
        assertThat(max).isGreaterThan(0.9 * bound);
        // U(-b, b) has standard deviation b / sqrt(3)
        assertThat(sd).isCloseTo(bound / Math.sqrt(3), within(0.1 * bound / Math.sqrt(3)));
        assertThat(Math.abs(mean)).isLessThan(0.2 * bound);
    }

    /**
     * A transposed convolution's weight and bias are bound as PyTorch's {@code ConvTranspose2d}
     * bounds them: by its filters × the kernel area (PyTorch's fan-in, its weight's second
     * dimension; DJL's weight has the filters first), not by the input channels, and the bias is
     * not left at zero.
     */
    @Test
    void aTransposedConvolutionsBiasSharesItsWeightsFanIn() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Block deconv =
                    new TorchDefaultInitializer(3)
                            .install(
                                    Conv2dTranspose.builder()
                                            .setKernelShape(new Shape(3, 3))
                                            .setFilters(4)
                                            .build());
            deconv.initialize(manager, DataType.FLOAT32, new Shape(1, 8, 5, 5));
            Shape weight = deconv.getParameters().get("weight").getArray().getShape();
            assertThat(weight).as("DJL's layout: filters first").isEqualTo(new Shape(4, 8, 3, 3));
            // 288 values from U(-1/6, 1/6), not U(-1/sqrt(72), 1/sqrt(72))
            assertUniform(
                    deconv.getParameters().get("weight").getArray().toFloatArray(),
                    1 / Math.sqrt(4 * 9));
            float[] b = deconv.getParameters().get("bias").getArray().toFloatArray();
            assertThat(b).hasSize(4).isNotEqualTo(new float[4]);
            for (float f : b) {
                assertThat(Math.abs(f)).isLessThanOrEqualTo((float) (1 / Math.sqrt(4 * 9)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void weightsAndBiasesSpreadAsPyTorchDefault(String engine) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            NoseTipNet net = NoseTipNet.builder().setOutputs(2).build();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 60, 80));
            // conv2 weight [32, 24, 3, 3]: fan_in 216
            assertUniform(values(net, 2), 1 / Math.sqrt(24 * 9));
            // fc1 weight [256, 7488] and bias [256]: fan_in 7488
            assertUniform(values(net, 6), 1 / Math.sqrt(7488));
            assertUniform(values(net, 7), 1 / Math.sqrt(7488));
            // conv3 bias [32] shares conv3's fan_in 288
            float[] b = values(net, 5);
            for (float f : b) {
                assertThat(Math.abs(f)).isLessThanOrEqualTo((float) (1 / Math.sqrt(288)));
            }
            assertThat(b).isNotEqualTo(new float[b.length]);
        }
    }

    @Test
    void sameSeedGivesSameWeightsOnBothEngines() {
        float[] pt;
        float[] mx;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NoseTipNet net = NoseTipNet.builder().setOutputs(2).build();
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 60, 80));
            pt = values(net, 8);
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            NoseTipNet net = NoseTipNet.builder().setOutputs(2).build();
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 60, 80));
            mx = values(net, 8);
        }
        assertThat(mx).containsExactly(pt);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NoseTipNet other =
                    NoseTipNet.builder()
                            .setOutputs(2)
                            .optInitializer(new TorchDefaultInitializer(7))
                            .build();
            other.initialize(m, DataType.FLOAT32, new Shape(1, 1, 60, 80));
            assertThat(values(other, 8)).isNotEqualTo(pt);
        }
    }

    @Test
    void batchNormStartsAtGammaOneBetaZero() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            BatchNorm bn = BatchNorm.builder().build();
            bn.setInitializer(new NormalInitializer(), p -> true);
            new TorchDefaultInitializer(1).install(bn);
            bn.initialize(m, DataType.FLOAT32, new Shape(2, 5, 4, 4));
            for (Parameter p : bn.getDirectParameters().values()) {
                float expected =
                        p.getType() == Parameter.Type.GAMMA
                                        || p.getType() == Parameter.Type.RUNNING_VAR
                                ? 1f
                                : 0f;
                for (float f : p.getArray().toFloatArray()) {
                    assertThat(f).as(p.getName()).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void otherInitializersApplyToWeightsOnly() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NoseTipNet net =
                    NoseTipNet.builder()
                            .setOutputs(2)
                            .optInitializer(new NormalInitializer(5f))
                            .build();
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 60, 80));
            float[] w = values(net, 8);
            double max = 0;
            for (float f : w) {
                max = Math.max(max, Math.abs(f));
            }
            assertThat(max).isGreaterThan(1.0);
            assertThat(values(net, 9)).containsOnly(0f);
        }
    }

    @Test
    void boundNeedsAWeightShape() {
        assertThat(TorchDefaultInitializer.bound(new Shape(10, 4))).isEqualTo(0.5);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> TorchDefaultInitializer.bound(new Shape(10)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Linear.builder().setUnits(1).build()).isNotNull();
    }

    /** A weight of more values than a Java array holds is refused by name, before any is drawn. */
    @Test
    void aWeightLargerThanAnArrayIsRefusedWithItsShape() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Shape huge = new Shape(1L << 16, 1L << 15);
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () ->
                                    new TorchDefaultInitializer(1)
                                            .initialize(manager, huge, DataType.FLOAT32))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Parameter too large to initialise: " + huge);
        }
    }
}
