package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A survey, run by hand at each oneDNN level, of which parts of PyTorch's convolution are right on
 * this CPU: for a few shapes (a network's first convolution on a one-channel image, small and odd
 * channel and filter counts, strides) in both layouts, how many of 512 sampled outputs, input
 * gradients and weight gradients differ from plain Java. It prints one line per shape and layout.
 * Off unless {@code -Dconvolution.survey=true} reaches the test JVM:
 *
 * <pre>
 * ./mvnw -B -o install -pl keypoints-models -Donednn.max.isa=AVX512_CORE \
 *     -DargLine=-Dconvolution.survey=true -Dtest=ConvolutionSurveyTest
 * </pre>
 *
 * <p>It asserts what held at every level on the project's machines: the weight gradients are right;
 * the outputs and input gradients vary by level and layout, which is what the start-up check is
 * for.
 */
class ConvolutionSurveyTest {

    private static final int[][] SHAPES = {
        {2, 1, 60, 80, 24, 3, 1, 0},
        {2, 1, 32, 32, 8, 7, 2, 3},
        {2, 1, 64, 64, 64, 7, 2, 3},
        {2, 3, 17, 21, 5, 3, 1, 1},
        {2, 4, 18, 22, 6, 3, 2, 1},
        {2, 24, 58, 78, 32, 3, 1, 0},
        {2, 16, 16, 16, 68, 3, 1, 1},
        {2, 16, 64, 64, 68, 1, 1, 0}
    };

    @Test
    void surveyOutputsAndBothGradientsByShapeAndLayout() {
        Assumptions.assumeTrue(
                Boolean.getBoolean("convolution.survey"),
                "a survey by hand: -DargLine=-Dconvolution.survey=true");
        String isa = System.getenv("ONEDNN_MAX_CPU_ISA");
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (boolean channelsLast : new boolean[] {false, true}) {
                for (int[] s : SHAPES) {
                    long[] f = ConvolutionCheck.compareShape(m, s, channelsLast, 512);
                    long[] g = ConvolutionCheck.compareShapeGradients(m, s, channelsLast, 512);
                    System.out.printf(
                            "SURVEY %s %s %-46s wrong of 512: outputs %3d, input gradients %3d,"
                                    + " weight gradients %3d  %s%n",
                            isa,
                            channelsLast ? "channels-last" : "default      ",
                            ConvolutionCheck.describe(s),
                            f[0],
                            g[2],
                            g[3],
                            Arrays.toString(s));
                    assertThat(g[3]).as("weight gradients of %s", Arrays.toString(s)).isZero();
                }
            }
        }
    }
}
