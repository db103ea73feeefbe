package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaxPoolingTest {

    /** The zoo's three poolings: kernel, stride, padding, ceil mode. */
    @ParameterizedTest
    @CsvSource({
        "PyTorch, 2, 2, 0, false",
        "PyTorch, 2, 2, 0, true",
        "PyTorch, 3, 2, 1, false",
        "MXNet, 2, 2, 0, false",
        "MXNet, 2, 2, 0, true",
        "MXNet, 3, 2, 1, false"
    })
    void equalsTheEnginesMaxPoolOnEveryElementForOddAndEvenSizes(
            String engine, int kernel, int stride, int padding, boolean ceil) {
        Random rnd = new Random(7);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            for (int i = 0; i < 60; i++) {
                Shape shape =
                        new Shape(
                                1 + rnd.nextInt(2),
                                1 + rnd.nextInt(4),
                                kernel + rnd.nextInt(9),
                                kernel + rnd.nextInt(9));
                try (NDManager sub = manager.newSubManager()) {
                    // Ties included (the zeros of ReLU'd noise), and negative values next to the
                    // padding: a zero-padded window would show them.
                    NDArray x = sub.randomNormal(shape);
                    x = i % 2 == 0 ? x.maximum(0f) : x.sub(3f);
                    NDArray expected =
                            Pool.maxPool2d(
                                    x,
                                    new Shape(kernel, kernel),
                                    new Shape(stride, stride),
                                    new Shape(padding, padding),
                                    ceil);
                    NDArray actual = MaxPooling.pool(x, kernel, stride, padding, ceil, false);
                    assertThat(actual.getShape()).as("%s", shape).isEqualTo(expected.getShape());
                    assertThat(actual.toFloatArray())
                            .as("%s", shape)
                            .containsExactly(expected.toFloatArray());
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"PyTorch, 2, 2, 0, false", "PyTorch, 3, 2, 1, false", "MXNet, 2, 2, 0, false"})
    void inTrainingTheGradientIsTheEnginesMaxPoolGradient(
            String engine, int kernel, int stride, int padding, boolean ceil) {
        // With ties (the zeros of ReLU'd noise) the slices' maximum would share a gradient
        // between tied elements where max pooling gives it to one: equal gradients show that
        // training takes the engine's own pooling.
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            NDArray x = manager.randomNormal(new Shape(2, 3, 7, 6)).maximum(0f);
            float[] ours =
                    gradient(
                            x,
                            false,
                            a -> MaxPooling.pool(a, kernel, stride, padding, ceil, false));
            float[] theirs =
                    gradient(
                            x,
                            false,
                            a ->
                                    Pool.maxPool2d(
                                            a,
                                            new Shape(kernel, kernel),
                                            new Shape(stride, stride),
                                            new Shape(padding, padding),
                                            ceil));
            assertThat(ours).containsExactly(theirs);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "PyTorch, 2, 2, 0, false",
        "PyTorch, 2, 2, 0, true",
        "PyTorch, 3, 2, 1, false",
        "MXNet, 2, 2, 0, false"
    })
    void aTrainingPassOverAnActivationTakesTheEnginesPoolingAndItsGradient(
            String engine, int kernel, int stride, int padding, boolean ceil) {
        // Inside a network the pooled array is an activation, not a leaf: DJL's hasGradient() says
        // false for it on PyTorch even in training. Small integers make many positive ties, where
        // the slices' maximum shares the gradient that max pooling gives to one element.
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            NDArray x = manager.randomUniform(0f, 3f, new Shape(2, 3, 9, 8)).floor();
            Function<NDArray, NDArray> engines =
                    a ->
                            Pool.maxPool2d(
                                    a,
                                    new Shape(kernel, kernel),
                                    new Shape(stride, stride),
                                    new Shape(padding, padding),
                                    ceil);
            float[] theirs = gradient(x, true, engines);
            float[] training =
                    gradient(x, true, a -> MaxPooling.pool(a, kernel, stride, padding, ceil, true));
            assertThat(training).containsExactly(theirs);
            if (engine.equals("PyTorch")) {
                // The inference path is what the training flag keeps out: its gradient differs.
                float[] inference =
                        gradient(
                                x,
                                true,
                                a -> MaxPooling.pool(a, kernel, stride, padding, ceil, false));
                assertThat(inference).isNotEqualTo(theirs);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"PyTorch", "MXNet"})
    void theTwoByTwoBlockHandsItsTrainingFlagOn(String engine) {
        Block block = MaxPooling.twoByTwoBlock();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            NDArray x = manager.randomUniform(0f, 3f, new Shape(1, 2, 6, 7)).floor();
            ParameterStore ps = new ParameterStore(manager, false);
            float[] theirs =
                    gradient(
                            x,
                            true,
                            a ->
                                    Pool.maxPool2d(
                                            a,
                                            new Shape(2, 2),
                                            new Shape(2, 2),
                                            new Shape(0, 0),
                                            false));
            float[] training =
                    gradient(
                            x,
                            true,
                            a -> block.forward(ps, new NDList(a), true).singletonOrThrow());
            assertThat(training).containsExactly(theirs);
            assertThat(block.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray())
                    .containsExactly(
                            Pool.maxPool2d(
                                            x,
                                            new Shape(2, 2),
                                            new Shape(2, 2),
                                            new Shape(0, 0),
                                            false)
                                    .toFloatArray());
            assertThat(block.getOutputShapes(new Shape[] {x.getShape()}))
                    .containsExactly(new Shape(1, 2, 3, 3));
        }
    }

    @ParameterizedTest
    @CsvSource({
        "7, 2, 2, 0, false, 3",
        "7, 2, 2, 0, true, 4",
        "8, 2, 2, 0, true, 4",
        "112, 3, 2, 1, false, 56",
        "5, 3, 2, 1, true, 3",
        "1, 3, 2, 0, false, 0",
        // the last window would start in the right padding exactly: dropped
        "3, 2, 2, 1, true, 2",
        // stride 1 rounds alike in both modes
        "5, 3, 1, 0, true, 3"
    })
    void outputSizesFollowPyTorchsFormula(
            long size, int kernel, int stride, int padding, boolean ceil, long expected) {
        assertThat(MaxPooling.outputSize(size, kernel, stride, padding, ceil)).isEqualTo(expected);
    }

    /**
     * The windows the slices cover, worked out by hand: the padding below and right is what the
     * last window reaches past the input and its top or left padding. These are what the values
     * cannot show: a padding that is too large gives the same maxima, only more slowly.
     */
    @ParameterizedTest
    @CsvSource({
        // H, W, kernel, stride, padding, ceil: rows, columns, bottom, right
        "7, 7, 2, 2, 0, false, 3, 3, 0, 0",
        "7, 7, 2, 2, 0, true, 4, 4, 1, 1",
        "6, 9, 2, 2, 0, true, 3, 5, 0, 1",
        "3, 5, 3, 2, 1, false, 2, 3, 1, 1",
        "112, 112, 3, 2, 1, false, 56, 56, 0, 0",
        // one window each way, or one row of them: still the slices
        "2, 2, 2, 2, 0, false, 1, 1, 0, 0",
        "4, 2, 2, 2, 0, false, 2, 1, 0, 0",
        "2, 4, 2, 2, 0, false, 1, 2, 0, 0",
        // a padding of exactly half the window is PyTorch's largest
        "3, 3, 2, 2, 1, false, 2, 2, 0, 0"
    })
    void theSlicesCoverExactlyTheWindowsPyTorchPools(
            long h,
            long w,
            int kernel,
            int stride,
            int padding,
            boolean ceil,
            long rows,
            long columns,
            long bottom,
            long right) {
        assertThat(MaxPooling.windows(new Shape(1, 1, h, w), kernel, stride, padding, ceil))
                .contains(new MaxPooling.Windows(rows, columns, bottom, right));
    }

    @ParameterizedTest
    @CsvSource({
        // no window fits, in either direction
        "1, 4, 2, 2, 0",
        "4, 1, 2, 2, 0",
        // a padding over half the window, which the engine refuses
        "9, 9, 3, 2, 2"
    })
    void withoutWindowsOrWithTooMuchPaddingTheEnginePools(
            long h, long w, int kernel, int stride, int padding) {
        assertThat(MaxPooling.windows(new Shape(1, 1, h, w), kernel, stride, padding, false))
                .isEmpty();
    }

    /**
     * The sliding-maximum path frees what it makes on the way (slices, running maxima, the padded
     * copy): only the output is left with the input's manager.
     */
    @ParameterizedTest
    @CsvSource({"2, 2, 0, false, 7", "2, 2, 0, true, 7", "3, 2, 1, false, 9"})
    void poolingLeavesOnlyItsOutputBehind(
            int kernel, int stride, int padding, boolean ceil, int size) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                NDManager sub = manager.newSubManager()) {
            NDArray x = sub.randomNormal(new Shape(2, 3, size, size));
            NDArray y = MaxPooling.pool(x, kernel, stride, padding, ceil, false);
            assertThat(sub.getManagedArrays()).containsExactlyInAnyOrder(x, y);
        }
    }

    /**
     * The gradient of a weighted sum of the pooled array with respect to {@code x}, pooled as a
     * leaf variable or, with {@code activation}, as an array computed from one (a network's case).
     */
    private static float[] gradient(
            NDArray x, boolean activation, Function<NDArray, NDArray> pool) {
        NDArray in = x.duplicate();
        in.setRequiresGradient(true);
        String engine = x.getManager().getEngine().getEngineName();
        try (GradientCollector gc = Engine.getEngine(engine).newGradientCollector()) {
            NDArray y = pool.apply(activation ? in.mul(1f) : in);
            NDArray weights = y.getManager().arange((float) y.size()).reshape(y.getShape());
            gc.backward(y.mul(weights).sum());
        }
        return in.getGradient().toFloatArray();
    }
}
