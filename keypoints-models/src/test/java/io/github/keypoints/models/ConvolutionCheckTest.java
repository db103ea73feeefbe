package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The start-up check agrees with the full comparison of {@link PyTorchConvolutionCheckTest} under
 * the test build's {@code ONEDNN_MAX_CPU_ISA}: both pass, and the check costs little.
 */
class ConvolutionCheckTest {

    @Test
    void pyTorchPassesUnderTheBuildsIsaAndTheCheckIsCheap() {
        ConvolutionCheck.verify("PyTorch"); // warms the engine; later calls are cached
        long t0 = System.nanoTime();
        String failure = ConvolutionCheck.run("PyTorch");
        double ms = (System.nanoTime() - t0) / 1e6;
        assertThat(failure)
                .as("ONEDNN_MAX_CPU_ISA=%s", System.getenv("ONEDNN_MAX_CPU_ISA"))
                .isEmpty();
        assertThat(ms).as("one check, ms").isLessThan(2000);
    }

    @Test
    void aFailureSaysWhatWasWrongAtWhichLevelAndWhatToSet() {
        String m =
                ConvolutionCheck.failure(
                        "PyTorch",
                        "3x3 convolution with 24 input channels",
                        false,
                        false,
                        254,
                        256,
                        "AVX512_CORE");
        assertThat(m)
                .contains(
                        "24 input channels gave 254 wrong values out of 256",
                        "(ONEDNN_MAX_CPU_ISA=AVX512_CORE)",
                        "set ONEDNN_MAX_CPU_ISA=SSE41",
                        "./keypoints bench onednn")
                .doesNotContain("channels-last");
        assertThat(
                        ConvolutionCheck.failure(
                                "PyTorch",
                                "3x3 convolution with 12 input channels",
                                true,
                                true,
                                1,
                                512,
                                null))
                .contains(
                        "12 input channels (channels-last) gave 1 wrong gradients out of 512",
                        "ONEDNN_MAX_CPU_ISA=unset");
    }

    @Test
    void shapesAreNamedAsAUserReadsThem() {
        assertThat(ConvolutionCheck.describe(new int[] {1, 256, 14, 14, 512, 1, 2, 0}))
                .isEqualTo("1x1 stride-2 convolution 256->512 at 14x14");
        int[][] shapes = ConvolutionCheck.shapes();
        shapes[0][0] = 99; // a copy
        assertThat(ConvolutionCheck.shapes()[0][0]).isEqualTo(1);
    }

    @Test
    void otherEnginesAreNotChecked() {
        ConvolutionCheck.verify("NoSuchEngine"); // would throw if it tried to start the engine
    }
}
