package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MaxPool2x2Test {
    private static final Shape TWO = new Shape(2, 2);

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void equalsTheEnginesMaxPoolOnEveryElementForOddAndEvenSizes(String engine) {
        Random rnd = new Random(7);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            for (int i = 0; i < 60; i++) {
                Shape shape =
                        new Shape(
                                1 + rnd.nextInt(2),
                                1 + rnd.nextInt(4),
                                2 + rnd.nextInt(9),
                                2 + rnd.nextInt(9));
                try (NDManager sub = manager.newSubManager()) {
                    // Ties included: ReLU'd noise has many zeros, as the networks' inputs do.
                    NDArray x = sub.randomNormal(shape).maximum(0f);
                    NDArray expected = Pool.maxPool2d(x, TWO, TWO, new Shape(0, 0), false);
                    NDArray actual = MaxPool2x2.pool(x);
                    assertThat(actual.getShape()).as("%s", shape).isEqualTo(expected.getShape());
                    assertThat(actual.toFloatArray())
                            .as("%s", shape)
                            .containsExactly(expected.toFloatArray());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void inTrainingTheGradientIsTheEnginesMaxPoolGradient(String engine) {
        // With ties (the zeros of ReLU'd noise) the slices' maximum would share a gradient
        // between tied elements where max pooling gives it to one: equal gradients show that
        // training takes the engine's own pooling.
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            NDArray x = manager.randomNormal(new Shape(2, 3, 7, 6)).maximum(0f);
            float[] ours = gradient(x, MaxPool2x2::pool);
            float[] theirs = gradient(x, a -> Pool.maxPool2d(a, TWO, TWO, new Shape(0, 0), false));
            assertThat(ours).containsExactly(theirs);
        }
    }

    private static float[] gradient(NDArray x, Function<NDArray, NDArray> pool) {
        NDArray in = x.duplicate();
        in.setRequiresGradient(true);
        String engine = x.getManager().getEngine().getEngineName();
        try (GradientCollector gc = Engine.getEngine(engine).newGradientCollector()) {
            NDArray y = pool.apply(in);
            NDArray weights = y.getManager().arange((float) y.size()).reshape(y.getShape());
            gc.backward(y.mul(weights).sum());
        }
        return in.getGradient().toFloatArray();
    }
}
