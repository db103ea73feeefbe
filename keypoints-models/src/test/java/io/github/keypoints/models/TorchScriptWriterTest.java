package io.github.keypoints.models;

import static io.github.keypoints.models.CloseOutputs.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The code {@link TorchScriptWriter} writes, on small inputs: every zoo network's module loads and
 * answers (its check does not turn it away), each convolution takes the ReLU after it along, and
 * zero channels are added exactly where a convolution reads an output whose channel count oneDNN
 * would pad. A module the writer got wrong does not change any network's output — the check sends
 * the network back to its layers — so only tests that look at the module itself see it; these are
 * named for the writer, and fast, so that mutation testing runs them first for its mutants.
 */
class TorchScriptWriterTest {

    private static final String PYTORCH = "PyTorch";

    @AfterEach
    void clearProperties() {
        System.clearProperty(TorchScriptForward.PROPERTY);
        System.clearProperty(TorchScriptWriter.HEAD_PRODUCT_PROPERTY);
    }

    /** {@code net} initialised for {@code input}, with random, frozen parameters. */
    private static <B extends Block> B frozen(
            B net, NDManager manager, Shape input, Random random) {
        net.initialize(manager, DataType.FLOAT32, input);
        RandomParameters.randomize(net, random);
        net.freezeParameters(true);
        return net;
    }

    /** A network's module, if written. */
    private static Optional<TorchScriptForward> module(Block net) {
        if (net instanceof ChannelsLastSequentialBlock stack) {
            return stack.torchScript();
        }
        if (net instanceof ResNet18 resNet) {
            return resNet.torchScript();
        }
        return ((HeatmapNet) net).torchScript();
    }

    /**
     * One pass of {@code net} on noise of {@code shape} with the module and one layer by layer: the
     * same output, and the module written, loaded and kept (where the convolutions are right,
     * {@link RightKernels}; elsewhere its check may turn it away).
     *
     * @return the module's code
     */
    private static String runAsModule(Block net, NDManager manager, Shape shape, Random random) {
        NDArray x = manager.create(RandomParameters.gaussians(random, (int) shape.size()), shape);
        System.setProperty(TorchScriptForward.PROPERTY, "false");
        float[] layered = CloseOutputs.inferenceOutput(net, x);
        System.setProperty(TorchScriptForward.PROPERTY, "true");
        float[] scripted = CloseOutputs.inferenceOutput(net, x);
        TorchScriptForward module = module(net).orElseThrow();
        if (RightKernels.here()) {
            assertThat(module.isRejected()).as("module turned away").isFalse();
            assertThat(module.isLoaded()).as("module in use").isTrue();
            if (TorchGraphFuser.isAvailable()) {
                assertThat(module.fusedShapes()).as("fused module in use").contains(shape);
            }
        } else {
            assertThat(module.isLoaded() || module.isRejected()).as("module tried").isTrue();
        }
        assertClose(scripted, layered, 1e-4f);
        return module.code();
    }

    private static int count(String code, String what) {
        return code.split(Pattern.quote(what), -1).length - 1;
    }

    /**
     * Every zoo network runs as its module and computes what its layers compute. In the stacks
     * ({@code convolutions} given), each convolution takes its ReLU along ({@code "relu"} in the
     * oneDNN call, none written apart); only the ReLU after the first dense layer is a statement of
     * its own.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "nose-tip, 2, 24, 32, 3",
        "imm58, 116, 48, 64, 5",
        "landmark-cnn, 136, 32, 32, 5",
        "resnet18, 136, 32, 32, 0",
        "heatmap, 136, 32, 32, 0"
    })
    void everyZooNetworkRunsAsItsModule(
            String architecture, int outputs, int height, int width, int convolutions) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(31);
            Shape input = new Shape(1, 1, height, width);
            Block net = RandomParameters.network(manager, architecture, outputs, input, random);
            RandomParameters.randomizeBatchNorms(net, random);
            net.freezeParameters(true);
            String code = runAsModule(net, manager, input, random);
            if (convolutions > 0) {
                assertThat(count(code, "_convolution_pointwise(")).isEqualTo(convolutions);
                assertThat(count(code, "\"relu\"")).isEqualTo(convolutions);
                assertThat(count(code, "torch.relu(")).as("the dense layer's ReLU").isEqualTo(1);
                String fused = module(net).orElseThrow().fusedCode();
                assertThat(count(fused, "torch.relu(")).isEqualTo(convolutions + 1);
            }
        }
    }

    /**
     * Zero channels are added to a convolution's output (its weight and bias padded, and the next
     * convolution's input weights) only when its channels are over 16, not a multiple of 16, and a
     * convolution reads them through ReLUs, pooling and dropout; not before flattening, not for 16
     * or fewer.
     */
    @ParameterizedTest(name = "nose tip {0}-{1}-{2}: {3} pads")
    @CsvSource({
        "24, 32, 32, 3",
        "32, 24, 32, 3",
        "32, 32, 24, 0",
        "8, 32, 32, 0",
        "16, 32, 32, 0",
        "32, 40, 32, 3"
    })
    void zeroChannelsOnlyWhereAConvolutionReadsThem(int c1, int c2, int c3, int pads) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(33);
            Shape input = new Shape(1, 1, 24, 32);
            NoseTipNet net =
                    frozen(
                            NoseTipNet.builder().setOutputs(2).optChannels(c1, c2, c3).build(),
                            manager,
                            input,
                            random);
            String code = runAsModule(net, manager, input, random);
            assertThat(count(code, "torch.constant_pad_nd(")).isEqualTo(pads);
        }
    }

    /**
     * A chain may end in a convolution, or in its ReLU and pooling: nothing is read past the last
     * layer, and an output of 20 channels that no convolution reads gets no zero channels.
     */
    @Test
    void aChainMayEndInAConvolutionOrInItsReluAndPooling() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            for (int tail = 0; tail <= 2; tail++) {
                SequentialBlock net =
                        new SequentialBlock()
                                .add(
                                        Conv2d.builder()
                                                .setKernelShape(new Shape(3, 3))
                                                .setFilters(20)
                                                .build());
                if (tail > 0) {
                    net.add(ShapedLambda.relu());
                }
                if (tail > 1) {
                    net.add(MaxPooling.twoByTwoBlock());
                }
                net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 8, 8));
                List<Block> blocks = net.getChildren().values();
                String code =
                        TorchScriptWriter.sequence(net, blocks, BatchNormFold.chain(blocks, 1e-5f))
                                .orElseThrow()
                                .code();
                assertThat(code)
                        .as("a chain of %d layers", tail + 1)
                        .contains("_convolution_pointwise(")
                        .doesNotContain("torch.constant_pad_nd(");
            }
        }
    }

    /**
     * A folded convolution (convolution and batch norm) whose 24 channels feed the next folded
     * convolution through ReLU and pooling is padded too.
     */
    @Test
    void aFoldedConvolutionsOutputIsPaddedForTheNext() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(34);
            Shape input = new Shape(1, 1, 16, 16);
            LandmarkCnn net =
                    frozen(
                            LandmarkCnn.builder().setOutputs(4).optChannels(24, 32).build(),
                            manager,
                            input,
                            random);
            String code = runAsModule(net, manager, input, random);
            assertThat(count(code, "torch.constant_pad_nd(")).isEqualTo(3);
        }
    }

    /**
     * The heatmap network's 1×1 head is a matrix product by default, and a oneDNN convolution with
     * {@value TorchScriptWriter#HEAD_PRODUCT_PROPERTY}{@code =false}; both compute the layers'
     * heatmaps.
     */
    @Test
    void theHeatmapHeadIsAProductUnlessTurnedOff() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(35);
            Shape input = new Shape(1, 1, 32, 32);
            System.setProperty(TorchScriptWriter.HEAD_PRODUCT_PROPERTY, "false");
            assertThat(TorchScriptWriter.isHeadProduct()).isFalse();
            Block net = RandomParameters.network(manager, "heatmap", 136, input, random);
            net.freezeParameters(true);
            String code = runAsModule(net, manager, input, random);
            assertThat(code).doesNotContain("torch.matmul(");
            assertThat(count(code, "_convolution_pointwise(")).isEqualTo(14 + 1);
        }
    }
}
