package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The optimiser against textbook Adam computed here, and its state replaced, not merged. */
class ResumableAdamTest {

    private static final float LR = 0.1f;
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;

    private static Block block(NDManager manager) {
        Block b = Linear.builder().setUnits(1).build();
        b.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
        return b;
    }

    private static ResumableAdam adam(Block block) {
        return ResumableAdam.builder()
                .setBlock(block)
                .optLearningRateTracker(Tracker.fixed(LR))
                .build();
    }

    /** Kingma and Ba's Algorithm 1 for one scalar: bias-corrected moments, epsilon 1e-8. */
    private static double[] textbook(double w, double[] grads) {
        double m = 0;
        double v = 0;
        double[] out = new double[grads.length];
        for (int t = 1; t <= grads.length; t++) {
            double g = grads[t - 1];
            m = B1 * m + (1 - B1) * g;
            v = B2 * v + (1 - B2) * g * g;
            double mHat = m / (1 - Math.pow(B1, t));
            double vHat = v / (1 - Math.pow(B2, t));
            w -= LR * mHat / (Math.sqrt(vHat) + 1e-8);
            out[t - 1] = w;
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void stepsFollowTextbookAdam(String engine) {
        double[] grads = {0.5, -0.2, 1.0, 0.05};
        double[] expected = textbook(2.0, grads);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            ResumableAdam adam = adam(block(manager));
            NDArray w = manager.create(new float[] {2f});
            for (int t = 0; t < grads.length; t++) {
                adam.update("w", w, manager.create(new float[] {(float) grads[t]}));
                assertThat((double) w.getFloat(0))
                        .as("weight after step %d", t + 1)
                        .isCloseTo(expected[t], within(1e-5));
            }
            assertThat(adam.stepCount("w")).isEqualTo(grads.length);
            assertThat(adam.stepCount("never")).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void loadingAStateReplacesMomentsAndCountsOfEveryParameter(String engine) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            Block block = block(manager);
            byte[] empty = adam(block).saveState();
            ResumableAdam used = adam(block);
            NDArray w = manager.create(new float[] {2f});
            for (int t = 0; t < 3; t++) {
                used.update("w", w, manager.create(new float[] {1f}));
            }
            used.loadState(manager, empty);
            assertThat(used.stepCount("w")).isZero();
            // With the old moments kept, this step would continue the earlier run instead of
            // being a first step.
            NDArray fresh = manager.create(new float[] {2f});
            used.update("w", fresh, manager.create(new float[] {-0.5f}));
            assertThat((double) fresh.getFloat(0))
                    .isCloseTo(textbook(2.0, new double[] {-0.5})[0], within(1e-5));
            assertThatThrownBy(() -> ResumableAdam.builder().build())
                    .hasMessageContaining("setBlock");
        }
    }
}
