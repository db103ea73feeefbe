package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LossesTest {

    private static float eval(
            String engine, ai.djl.training.loss.Loss loss, float[] label, float[] pred) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            return loss.evaluate(
                            new NDList(m.create(label, new Shape(2, 2))),
                            new NDList(m.create(pred, new Shape(2, 2))))
                    .getFloat();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void lossesMatchTheirDefinitions(String engine) {
        float[] label = {0, 0, 1, 1};
        float[] pred = {1, 2, 1, 4};
        // squared errors 1, 4, 0, 9
        assertThat(eval(engine, new MseLoss(MseLoss.Reduction.MEAN), label, pred))
                .isCloseTo(3.5f, within(1e-6f));
        assertThat(eval(engine, new MseLoss(MseLoss.Reduction.SUM), label, pred))
                .isCloseTo(7f, within(1e-6f));
        assertThat(eval(engine, new L1KeypointLoss(), label, pred)).isCloseTo(1.5f, within(1e-6f));
        // Wing with w=10, eps=2, scale 10: errors 10, 20, 0, 30 -> all >= w except 0
        WingLoss wing = WingLoss.builder().optScale(10).build();
        double c = 10 - 10 * Math.log(1 + 5);
        double expected = ((10 - c) + (20 - c) + 0 + (30 - c)) / 4;
        assertThat((double) eval(engine, wing, label, pred)).isCloseTo(expected, within(1e-4));
        // small errors follow the log branch
        WingLoss unit = WingLoss.builder().build();
        double small = (10 * Math.log(1 + 0.5) * 2 + 10 * Math.log(1 + 1.0) * 2) / 4;
        assertThat(
                        (double)
                                eval(
                                        engine,
                                        unit,
                                        new float[] {0, 0, 0, 0},
                                        new float[] {1, -1, 2, -2}))
                .isCloseTo(small, within(1e-4));
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, -1f})
    void wingLossRejectsNonPositiveSettings(float bad) {
        assertThatThrownBy(() -> WingLoss.builder().optWidth(bad).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }
}
