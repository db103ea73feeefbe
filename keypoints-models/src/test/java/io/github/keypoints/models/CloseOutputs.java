package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

/** Output comparisons for the tests of alternative forward paths against the layer-by-layer one. */
final class CloseOutputs {

    private CloseOutputs() {}

    /**
     * Asserts every element of {@code actual} is within {@code tolerance} of {@code expected},
     * relative to the larger of 1 and the expected element.
     *
     * @param actual the outputs under test
     * @param expected the reference outputs
     * @param tolerance the relative tolerance
     */
    static void assertClose(float[] actual, float[] expected, float tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            float scale = Math.max(1f, Math.abs(expected[i]));
            assertThat(Math.abs(actual[i] - expected[i]))
                    .as("element %d: %s against %s", i, actual[i], expected[i])
                    .isLessThanOrEqualTo(tolerance * scale);
        }
    }
}
