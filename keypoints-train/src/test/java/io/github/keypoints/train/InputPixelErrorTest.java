package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InputPixelErrorTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDList rows(float[][] values) {
        return new NDList(manager.create(values));
    }

    // Input 100 x 50 px. Sample 0: point 0 off by (0.03, 0.08) relative = (3, 4) px -> 5 px,
    // point 1 exact -> mean 2.5 px. Sample 1: point 0 off by (0.06, 0.16) = (6, 8) px -> 10 px,
    // point 1 off by (0, 0.2) = 10 px -> mean 10 px.
    private final float[][] truth = {{0.5f, 0.5f, 0.1f, 0.2f}, {0.2f, 0.2f, 0.9f, 0.5f}};
    private final float[][] predicted = {{0.53f, 0.58f, 0.1f, 0.2f}, {0.26f, 0.36f, 0.9f, 0.7f}};

    @Test
    void evaluateGivesEachSamplesMeanEuclideanErrorInInputPixels() {
        InputPixelError e = new InputPixelError(100, 50);
        NDArray perSample = e.evaluate(rows(truth), rows(predicted));
        assertThat(perSample.getShape().getShape()).containsExactly(2);
        float[] v = perSample.toFloatArray();
        assertThat(v[0]).isCloseTo(2.5f, within(1e-3f));
        assertThat(v[1]).isCloseTo(10f, within(1e-3f));
    }

    @Test
    void accumulatorAveragesOverAllSamplesOfAllBatchesUntilReset() {
        InputPixelError e = new InputPixelError(100, 50);
        e.addAccumulator("train");
        assertThat(e.getAccumulator("train")).isNaN();
        e.updateAccumulator("train", rows(truth), rows(predicted));
        assertThat(e.getAccumulator("train")).isCloseTo(6.25f, within(1e-3f));
        // A second batch with one exact sample: (2.5 + 10 + 0) / 3
        e.updateAccumulator(
                "train", rows(new float[][] {truth[0]}), rows(new float[][] {truth[0]}));
        assertThat(e.getAccumulator("train")).isCloseTo(12.5f / 3, within(1e-3f));
        e.resetAccumulator("train");
        assertThat(e.getAccumulator("train")).isNaN();
    }

    @Test
    void updateAccumulatorsFeedsEveryKeyIncludingOnesNotAddedBefore() {
        InputPixelError e = new InputPixelError(100, 50);
        e.addAccumulator("a");
        e.updateAccumulators(new String[] {"a", "b"}, rows(truth), rows(predicted));
        assertThat(e.getAccumulator("a")).isCloseTo(6.25f, within(1e-3f));
        assertThat(e.getAccumulator("b")).isCloseTo(6.25f, within(1e-3f));
    }

    @Test
    void unknownAccumulatorIsRejectedByName() {
        InputPixelError e = new InputPixelError(100, 50);
        assertThatThrownBy(() -> e.getAccumulator("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
    }
}
