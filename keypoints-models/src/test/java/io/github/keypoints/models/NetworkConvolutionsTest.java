package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The convolutions the check reads from a network ({@link NetworkConvolutions}) are the ones it
 * runs, and the gradient comparison of any shape ({@link ConvolutionCheck#compareShapeGradients})
 * agrees with engines whose gradients are right — so its plain-Java sums for strides, padding and
 * odd filter counts are right too.
 */
class NetworkConvolutionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"MXNet", "PyTorch"})
    void noseTipNetsConvolutionsAreReadWithTheirInputSizes(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            KeypointBlock block = ModelZoo.create("nose-tip", 2);
            assertThat(NetworkConvolutions.of(block, 2)).as("before initialising").isEmpty();
            block.initialize(m, DataType.FLOAT32, new Shape(1, 1, 60, 80));
            assertThat(rows(NetworkConvolutions.of(block, 2)))
                    .containsExactly(
                            "[2, 1, 60, 80, 24, 3, 1, 0, 0]",
                            "[2, 24, 58, 78, 32, 3, 1, 0, 1]",
                            "[2, 32, 28, 38, 32, 3, 1, 0, 1]");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 96})
    void resNet18sElevenDistinctConvolutionsIncludeItsStemAndShortcuts(int size) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            KeypointBlock block = ModelZoo.create("resnet18", 136);
            block.initialize(m, DataType.FLOAT32, new Shape(1, 1, size, size));
            int[][] own = NetworkConvolutions.of(block, 2);
            int q = size / 4; // after the stem and its pooling
            assertThat(own).hasNumberOfRows(11);
            assertThat(rows(own))
                    .contains(
                            Arrays.toString(new int[] {2, 1, size, size, 64, 7, 2, 3, 0}),
                            Arrays.toString(new int[] {2, 64, q, q, 64, 3, 1, 1, 1}),
                            Arrays.toString(new int[] {2, 64, q, q, 128, 1, 2, 0, 1}),
                            Arrays.toString(new int[] {2, 256, q / 4, q / 4, 512, 1, 2, 0, 1}),
                            Arrays.toString(new int[] {2, 512, q / 8, q / 8, 512, 3, 1, 1, 1}));
            assertThat(NetworkConvolutions.skipped(block)).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {136, 116})
    void aHeatmapNetworksReadConvolutionsAreTheOnesItLists(int outputs) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            HeatmapNet block = HeatmapNet.builder().setOutputs(outputs).build();
            block.initialize(m, DataType.FLOAT32, new Shape(1, 1, 64, 64));
            int[][] listed = block.convolutionShapes(2, 64);
            int[][] read = NetworkConvolutions.of(block, 2);
            assertThat(rows(read)).containsExactlyInAnyOrderElementsOf(rows(distinct(listed)));
            assertThat(read[read.length - 1])
                    .as("the 1x1 head, one filter per keypoint")
                    .containsExactly(2, 16, 64, 64, outputs / 2, 1, 1, 0, 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.keypoints.models.ZooNetworkCases#all")
    void everyZooNetworkHasOnlyConvolutionsTheCheckCanExpress(
            String name, int outputs, int h, int w) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            KeypointBlock block = ModelZoo.create(name, outputs);
            block.initialize(m, DataType.FLOAT32, new Shape(1, 1, h, w));
            assertThat(NetworkConvolutions.of(block, 2)).isNotEmpty();
            assertThat(NetworkConvolutions.skipped(block)).isZero();
            assertThat(ConvolutionCheck.ownShapes(ConvolutionCheck.Suite.of(block), block))
                    .isDeepEqualTo(NetworkConvolutions.of(block, 2));
        }
    }

    /**
     * On MXNet, whose convolution gradients are right on every CPU this project has seen (PyTorch's
     * are not: at {@code AVX2} and {@code AVX512_CORE} on the project's AMD EPYC the default
     * layout's input gradients of the 3->5 and 16->68 shapes below are wrong, which is what the
     * check is for).
     */
    @Test
    void gradientsOfStridedPaddedAndOddShapesMatchPlainJava() {
        String engine = "MXNet";
        List<int[]> shapes =
                List.of(
                        new int[] {2, 3, 17, 21, 5, 3, 1, 1},
                        new int[] {2, 4, 18, 22, 6, 3, 2, 1},
                        new int[] {2, 8, 14, 14, 12, 1, 2, 0},
                        new int[] {1, 1, 32, 32, 8, 7, 2, 3},
                        new int[] {2, 16, 16, 16, 68, 3, 1, 1},
                        new int[] {2, 16, 16, 16, 34, 1, 1, 0});
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            for (int[] shape : shapes) {
                long[] r = ConvolutionCheck.compareShapeGradients(m, shape, false, 512);
                assertThat(r[1]).isEqualTo(1024);
                assertThat(r[0]).as("%s on %s", ConvolutionCheck.describe(shape), engine).isZero();
            }
        }
    }

    private static List<String> rows(int[][] shapes) {
        return Arrays.stream(shapes).map(Arrays::toString).toList();
    }

    private static int[][] distinct(int[][] shapes) {
        List<int[]> kept = new ArrayList<>();
        for (int[] s : shapes) {
            if (kept.stream().noneMatch(t -> Arrays.equals(t, s))) {
                kept.add(s);
            }
        }
        return kept.toArray(new int[0][]);
    }
}
