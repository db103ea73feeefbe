package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A training pass runs a ReLU that precedes a 2×2 max pooling after the pooling ({@link
 * ChannelsLastSequentialBlock#trainingOrder}); outputs and every gradient must be those of the
 * written order, bit for bit.
 */
class PoolBeforeReluTest {

    @BeforeEach
    void biasInTheConvolution() {
        // Moving a bias after the pooling (BiasAfterPooling, PyTorch) changes the rounding of the
        // sums; this test is about the ReLU's place, bit for bit.
        System.setProperty(BiasAfterPooling.PROPERTY, "false");
    }

    @AfterEach
    void defaultOrder() {
        System.clearProperty(ChannelsLastSequentialBlock.POOL_FIRST_PROPERTY);
        System.clearProperty(BiasAfterPooling.PROPERTY);
    }

    @Test
    void onlyAReluDirectlyBeforeATwoByTwoPoolingMoves() {
        List<Block> imm58 = Imm58Net.builder().setOutputs(4).build().getChildren().values();
        assertThat(kinds(imm58))
                .isEqualTo(
                        "conv relu conv relu pool conv relu pool conv relu pool conv relu pool"
                                + " flatten linear relu linear");
        List<Block> order = ChannelsLastSequentialBlock.trainingOrder(imm58);
        assertThat(kinds(order))
                .isEqualTo(
                        "conv relu conv pool relu conv pool relu conv pool relu conv pool relu"
                                + " flatten linear relu linear");
        assertThat(order).containsExactlyInAnyOrderElementsOf(imm58);
        // The written list is left as it was.
        assertThat(kinds(imm58)).startsWith("conv relu conv relu pool");

        List<Block> cnn = LandmarkCnn.builder().setOutputs(4).build().getChildren().values();
        assertThat(kinds(ChannelsLastSequentialBlock.trainingOrder(cnn)))
                .isEqualTo(kinds(cnn).replace("relu pool", "pool relu"));
        assertThat(kinds(cnn)).contains("relu pool");
    }

    /**
     * The same network, the same input, once in each order: outputs and the gradients of every
     * parameter equal exactly, through both ways into a block (DJL's trainer hands the labels on).
     */
    @ParameterizedTest
    @CsvSource({
        "PyTorch, nose-tip, 80, 60",
        "PyTorch, imm58, 120, 90",
        "PyTorch, landmark-cnn, 64, 64",
        "MXNet, nose-tip, 80, 60",
        "MXNet, imm58, 120, 90",
        "MXNet, landmark-cnn, 64, 64"
    })
    void givesTheWrittenOrdersOutputsAndGradients(
            String engine, String architecture, int width, int height) {
        KeypointBlock block = ModelZoo.create(architecture, 6);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            Engine.getEngine(engine).setRandomSeed(11);
            Shape shape = new Shape(3, 1, height, width);
            block.initialize(manager, DataType.FLOAT32, shape);
            NDArray x = manager.randomUniform(-1f, 1f, shape);
            for (boolean withLabels : new boolean[] {true, false}) {
                System.setProperty(ChannelsLastSequentialBlock.POOL_FIRST_PROPERTY, "false");
                Engine.getEngine(engine).setRandomSeed(5); // the same dropout masks
                List<float[]> written =
                        TrainingPasses.outputAndGradients(manager, block, x, withLabels);
                System.clearProperty(ChannelsLastSequentialBlock.POOL_FIRST_PROPERTY);
                Engine.getEngine(engine).setRandomSeed(5);
                List<float[]> poolFirst =
                        TrainingPasses.outputAndGradients(manager, block, x, withLabels);
                assertThat(written.get(1))
                        .as("a gradient")
                        .isNotEqualTo(new float[written.get(1).length]);
                for (int i = 0; i < written.size(); i++) {
                    assertThat(differences(poolFirst.get(i), written.get(i)))
                            .as(
                                    "%s on %s, labels %s, array %d",
                                    architecture, engine, withLabels, i)
                            .isEqualTo("none");
                }
            }
        }
    }

    /** libtorch's operator profiler sees the order: pooling first unless the property says no. */
    @Test
    void theEngineRunsThePoolingFirst(@TempDir Path dir) throws IOException {
        KeypointBlock block = ModelZoo.create("nose-tip", 2);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Shape shape = new Shape(2, 1, 60, 80);
            block.initialize(manager, DataType.FLOAT32, shape);
            NDArray x = manager.randomUniform(0f, 1f, shape);
            assertThat(profiledOrder(manager, block, x, dir.resolve("first.json")))
                    .isEqualTo("relu pool relu pool relu relu");
            System.setProperty(ChannelsLastSequentialBlock.POOL_FIRST_PROPERTY, "false");
            assertThat(profiledOrder(manager, block, x, dir.resolve("written.json")))
                    .isEqualTo("relu relu pool relu pool relu");
        }
    }

    private static String profiledOrder(NDManager manager, Block block, NDArray x, Path trace)
            throws IOException {
        return TrainingPasses.operatorOrder(
                manager, block, x, trace, Map.of("aten::relu", "relu", "aten::max_pool2d", "pool"));
    }

    /** "none", or how many elements differ, the first one and the largest difference. */
    private static String differences(float[] a, float[] b) {
        if (a.length != b.length) {
            return "lengths " + a.length + " and " + b.length;
        }
        int count = 0;
        int first = -1;
        double largest = 0;
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) {
                count++;
                first = first < 0 ? i : first;
                largest = Math.max(largest, Math.abs((double) a[i] - b[i]));
            }
        }
        return count == 0
                ? "none"
                : count
                        + " of "
                        + a.length
                        + " differ, first at "
                        + first
                        + " ("
                        + a[first]
                        + " against "
                        + b[first]
                        + "), largest difference "
                        + largest;
    }

    private static String kinds(List<Block> blocks) {
        return blocks.stream().map(PoolBeforeReluTest::kind).collect(Collectors.joining(" "));
    }

    private static String kind(Block b) {
        if (b instanceof Conv2d) {
            return "conv";
        } else if (b instanceof BatchNorm) {
            return "norm";
        } else if (b instanceof Linear) {
            return "linear";
        } else if (ShapedLambda.isRelu(b)) {
            return "relu";
        } else if (MaxPooling.isTwoByTwo(b)) {
            return "pool";
        } else if (b instanceof LambdaBlock lambda) {
            return lambda.getName().equals("batchFlatten") ? "flatten" : lambda.getName();
        }
        return b.getClass().getSimpleName();
    }
}
