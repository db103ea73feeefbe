package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What {@code bench train} checks before it starts (the measurement itself needs Python's torch and
 * minutes; its commands and figures are in docs/performance-training.md).
 */
class BenchTrainCommandTest {

    @Test
    void helpNamesTheRoundsOption() {
        CliRun r = CliRun.of("bench", "train", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--rounds", "--cases", "--threads", "alternating");
    }

    @Test
    void refusesZeroRoundsAndAnUnknownCaseBeforeMeasuring() {
        CliRun zero = CliRun.of("bench", "train", "--rounds", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--rounds must be >= 1, got 0");
        CliRun unknown = CliRun.of("bench", "train", "--cases", "vgg16");
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.err()).contains("unknown case 'vgg16'");
    }
}
