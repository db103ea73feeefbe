package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * On PyTorch a training pass runs a convolution followed by a 2×2 max pooling without its bias and
 * adds the bias after the pooling ({@link BiasAfterPooling}); outputs and every gradient must be
 * those of the convolution with its bias, up to rounding.
 */
class BiasAfterPoolingTest {

    @AfterEach
    void defaults() {
        System.clearProperty(BiasAfterPooling.PROPERTY);
    }

    @Test
    void onlyAConvolutionWithABiasDirectlyBeforeATwoByTwoPoolingQualifies() {
        List<Block> order =
                ChannelsLastSequentialBlock.trainingOrder(
                        Imm58Net.builder().setOutputs(4).build().getChildren().values());
        List<Integer> qualifying = new ArrayList<>();
        for (int i = 0; i + 1 < order.size(); i++) {
            if (BiasAfterPooling.appliesTo(order.get(i), order.get(i + 1))) {
                qualifying.add(i);
            }
        }
        // conv relu conv pool relu conv pool relu conv pool relu conv pool relu flatten linear …:
        // the second to fifth convolutions; the first is followed by its ReLU.
        assertThat(qualifying).containsExactly(2, 5, 8, 11);
        // In the written order every convolution is followed by its ReLU.
        List<Block> written = Imm58Net.builder().setOutputs(4).build().getChildren().values();
        for (int i = 0; i + 1 < written.size(); i++) {
            assertThat(BiasAfterPooling.appliesTo(written.get(i), written.get(i + 1))).isFalse();
        }
    }

    @Test
    void appliesOnPyTorchOnlyAndCanBeTurnedOff() {
        for (String engine : new String[] {"PyTorch", "MXNet"}) {
            try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
                NDArray x = manager.zeros(new Shape(1, 1, 4, 4));
                assertThat(BiasAfterPooling.appliesTo(x))
                        .as(engine)
                        .isEqualTo(engine.equals("PyTorch"));
                System.setProperty(BiasAfterPooling.PROPERTY, "false");
                assertThat(BiasAfterPooling.appliesTo(x)).as(engine).isFalse();
                System.clearProperty(BiasAfterPooling.PROPERTY);
            }
        }
    }

    /**
     * The same network, the same input, with the bias moved and without: outputs and the gradient
     * of every parameter agree to float rounding, through both ways into a block. (Mostly within
     * 1e-6 of the largest value; a pooling window whose two largest values lie within a rounding of
     * each other may send its gradient to the other one, which once gave the first convolution's
     * weight gradient a difference of 2.6e-4 of its largest value. A bias left out or added twice
     * moves the outputs by about the biases, 0.5 here.)
     */
    @ParameterizedTest
    @CsvSource({"nose-tip, 80, 60", "imm58, 120, 90", "landmark-cnn, 64, 64"})
    void givesTheConvolutionsOutputsAndGradients(String architecture, int width, int height) {
        KeypointBlock block = ModelZoo.create(architecture, 6);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Engine.getEngine("PyTorch").setRandomSeed(11);
            Shape shape = new Shape(3, 1, height, width);
            block.initialize(manager, DataType.FLOAT32, shape);
            // Biases far from zero, so that a bias left out or added twice shows.
            block.getParameters().stream()
                    .filter(p -> p.getKey().endsWith("bias"))
                    .forEach(p -> p.getValue().getArray().addi(0.5f));
            NDArray x = manager.randomUniform(-1f, 1f, shape);
            for (boolean withLabels : new boolean[] {true, false}) {
                System.setProperty(BiasAfterPooling.PROPERTY, "false");
                Engine.getEngine("PyTorch").setRandomSeed(5); // the same dropout masks
                List<float[]> inside =
                        TrainingPasses.outputAndGradients(manager, block, x, withLabels);
                System.clearProperty(BiasAfterPooling.PROPERTY);
                Engine.getEngine("PyTorch").setRandomSeed(5);
                List<float[]> after =
                        TrainingPasses.outputAndGradients(manager, block, x, withLabels);
                assertThat(after).hasSameSizeAs(inside);
                for (int i = 0; i < inside.size(); i++) {
                    assertThat(largestDifference(after.get(i), inside.get(i)))
                            .as("%s, labels %s, array %d", architecture, withLabels, i)
                            .isLessThanOrEqualTo(1e-3 * largest(inside.get(i)));
                    assertThat(largest(inside.get(i))).as("array %d", i).isPositive();
                }
            }
        }
    }

    /**
     * The pooled output with its bias keeps the channels-last layout of the convolution's output,
     * so the layers after it see what they would have seen.
     */
    @Test
    void keepsTheChannelsLastLayout() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Conv2d conv = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(8).build();
            Block pool = MaxPooling.twoByTwoBlock();
            Shape shape = new Shape(2, 4, 12, 10);
            conv.initialize(manager, DataType.FLOAT32, shape);
            NDArray x = ChannelsLast.of(manager.randomNormal(shape));
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray inside =
                    pool.forward(ps, conv.forward(ps, new NDList(x), true), true)
                            .singletonOrThrow();
            NDArray after = BiasAfterPooling.forward(conv, pool, ps, x);
            assertThat(TorchLayout.isContiguous(inside)).as("written order").isFalse();
            assertThat(TorchLayout.isContiguous(after)).as("bias after the pooling").isFalse();
            assertThat(after.toFloatArray()).containsExactly(inside.toFloatArray(), within(1e-5f));
        }
    }

    /**
     * libtorch's operator profiler sees the bias added after each pooling: the nose-tip network's
     * second and third convolutions are followed by their pooling, an add and the ReLU.
     */
    @Test
    void theEngineAddsTheBiasAfterThePooling(@TempDir Path dir) throws IOException {
        KeypointBlock block = ModelZoo.create("nose-tip", 2);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Shape shape = new Shape(2, 1, 60, 80);
            block.initialize(manager, DataType.FLOAT32, shape);
            NDArray x = manager.randomUniform(0f, 1f, shape);
            assertThat(profiledOrder(manager, block, x, dir.resolve("after.json")))
                    .isEqualTo("relu pool add relu pool add relu relu");
            System.setProperty(BiasAfterPooling.PROPERTY, "false");
            assertThat(profiledOrder(manager, block, x, dir.resolve("inside.json")))
                    .isEqualTo("relu pool relu pool relu relu");
        }
    }

    private static String profiledOrder(NDManager manager, Block block, NDArray x, Path trace)
            throws IOException {
        return TrainingPasses.operatorOrder(
                manager,
                block,
                x,
                trace,
                Map.of("aten::relu", "relu", "aten::max_pool2d", "pool", "aten::add", "add"));
    }

    private static double largestDifference(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs((double) a[i] - b[i]));
        }
        return d;
    }

    private static double largest(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
