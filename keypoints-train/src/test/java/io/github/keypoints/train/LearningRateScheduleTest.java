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
}
