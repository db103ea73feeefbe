package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** Outputs and their comparison, for the tests of alternative forward paths against the layers. */
final class CloseOutputs {

    private CloseOutputs() {}

    /**
     * The output of an inference pass of {@code net} on a copy of {@code x}, made in a sub-manager
     * that is closed afterwards.
     *
     * @param net the network
     * @param x the input
     * @return the output's values
     */
    static float[] inferenceOutput(Block net, NDArray x) {
        try (NDManager sub = x.getManager().newSubManager()) {
            NDArray in = x.duplicate();
            in.attach(sub);
            return net.forward(new ParameterStore(sub, false), new NDList(in), false)
                    .head()
                    .toFloatArray();
        }
    }

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
