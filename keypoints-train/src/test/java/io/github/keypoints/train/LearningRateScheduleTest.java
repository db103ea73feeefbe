package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void multiStepDropsAtTheGivenEpoch() {
        LearningRateSchedule s = LearningRateSchedule.parseDrops(1e-4f, "25:5e-5");
        int steps = 10;
        assertThat(s.rate(0, steps, 40)).isEqualTo(1e-4f);
        assertThat(s.rate(25 * steps - 1, steps, 40)).isEqualTo(1e-4f);
        assertThat(s.rate(25 * steps, steps, 40)).isEqualTo(5e-5f);
        Tracker t = s.toTracker(steps, 40);
        assertThat(t.getNewValue(25 * steps)).isEqualTo(1e-4f);
        assertThat(t.getNewValue(25 * steps + 1)).isEqualTo(5e-5f);
    }

    @Test
    void cosineRunsFromBaseToFinal() {
        LearningRateSchedule s = LearningRateSchedule.cosine(1e-3f, 1e-5f);
        assertThat(s.rate(0, 10, 5)).isCloseTo(1e-3f, within(1e-9f));
        assertThat(s.rate(49, 10, 5)).isCloseTo(1e-5f, within(1e-9f));
        assertThat(s.rate(24, 10, 5)).isBetween(4e-4f, 6e-4f);
        assertThat(LearningRateSchedule.fixed(2e-3f).rate(123, 10, 5)).isEqualTo(2e-3f);
    }

    @Test
    void badDropsAreNamed() {
        assertThatThrownBy(() -> LearningRateSchedule.parseDrops(1e-3f, "25-5e-5"))
                .hasMessageContaining("25-5e-5")
                .hasMessageContaining("EPOCH:RATE");
        assertThatThrownBy(() -> LearningRateSchedule.fixed(0f)).hasMessageContaining("positive");
    }

    @Test
    void cosineFollowsHalfACosineStepByStepAndHoldsAfterTheEnd() {
        float base = 1e-3f;
        float end = 1e-5f;
        LearningRateSchedule s = LearningRateSchedule.cosine(base, end);
        int steps = 10;
        int epochs = 5;
        long last = (long) steps * epochs - 1;
        for (long step = 0; step <= last + 5; step++) {
            double t = Math.min(1.0, step / (double) last);
            double expected = end + (base - end) * 0.5 * (1 + Math.cos(Math.PI * t));
            assertThat((double) s.rate(step, steps, epochs))
                    .as("step %d", step)
                    .isCloseTo(expected, within(1e-9));
        }
        // One step in all: the only step is the first, so the base rate.
        assertThat(s.rate(0, 1, 1)).isEqualTo(base);
        assertThat(LearningRateSchedule.cosine(base, 0f).rate(last, steps, epochs))
                .isCloseTo(0f, within(1e-12f));
        assertThat(LearningRateSchedule.cosine(base, base).rate(7, steps, epochs)).isEqualTo(base);
        assertThatThrownBy(() -> LearningRateSchedule.cosine(base, -1e-9f))
                .hasMessageContaining("[0, base]");
        assertThatThrownBy(() -> LearningRateSchedule.cosine(base, 2e-3f))
                .hasMessageContaining("got 0.002");
        assertThat(s.toString()).isEqualTo("cosine 0.001->1.0E-5");
    }

    @Test
    void multiStepUsesTheLatestDropAtOrBeforeTheEpoch() {
        LearningRateSchedule s = LearningRateSchedule.parseDrops(1f, "0:0.5, 3:0.25,10:0.125");
        assertThat(s.rate(0, 4, 20)).isEqualTo(0.5f);
        assertThat(s.rate(11, 4, 20)).isEqualTo(0.5f);
        assertThat(s.rate(12, 4, 20)).isEqualTo(0.25f);
        assertThat(s.rate(39, 4, 20)).isEqualTo(0.25f);
        assertThat(s.rate(40, 4, 20)).isEqualTo(0.125f);
        assertThat(s.baseRate()).isEqualTo(1f);
        assertThat(s.toString()).isEqualTo("multi-step 1.0 {0=0.5, 3=0.25, 10=0.125}");
        assertThat(LearningRateSchedule.fixed(2f).toString()).isEqualTo("fixed 2.0");
        assertThatThrownBy(() -> LearningRateSchedule.parseDrops(1f, "-1:0.5"))
                .hasMessageContaining("bad learning-rate drop -1:0.5");
        assertThatThrownBy(() -> LearningRateSchedule.parseDrops(1f, "2:0"))
                .hasMessageContaining("bad learning-rate drop 2:0.0");
    }

    @Test
    void theTrackerCountsUpdatesFromOneAndNeedsPositiveSizes() {
        LearningRateSchedule s = LearningRateSchedule.parseDrops(1f, "1:0.5");
        Tracker t = s.toTracker(1, 1);
        assertThat(t.getNewValue(0)).isEqualTo(1f);
        assertThat(t.getNewValue(1)).isEqualTo(1f);
        assertThat(t.getNewValue(2)).isEqualTo(0.5f);
        assertThatThrownBy(() -> s.toTracker(0, 1)).hasMessageContaining("positive");
        assertThatThrownBy(() -> s.toTracker(1, 0)).hasMessageContaining("positive");
    }
}
