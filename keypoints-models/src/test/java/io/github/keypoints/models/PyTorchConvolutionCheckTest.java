package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checks each engine's 3×3 convolution against a plain Java convolution, at the size of the
 * nose-tip net's second layer (batch 2, 58×78). On this project's AMD EPYC machines libtorch 2.7.1
 * (DJL 0.36) returns wrong values unless {@code ONEDNN_MAX_CPU_ISA=SSE41} (the parent POM's
 * surefire configuration sets it): with the default ISA and AVX512_CORE 24 and 40 input channels
 * fail, with AVX2 and AVX 12 channels fail (a smaller 30×34 input did not show the AVX2 failure).
 */
class PyTorchConvolutionCheckTest {

    @ParameterizedTest(name = "{0}, {1} input channels")
    @CsvSource({
        "PyTorch, 1",
        "PyTorch, 8",
        "PyTorch, 12",
        "PyTorch, 16",
        "PyTorch, 24",
        "PyTorch, 32",
        "PyTorch, 40",
        "PyTorch, 64",
        "MXNet, 12",
        "MXNet, 24",
        "MXNet, 40"
    })
    void convolutionMatchesPlainJava(String engine, int channels) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            long[] r = ConvolutionCheck.compare(m, channels, 0);
            assertThat(r[1]).isEqualTo(2L * 32 * 56 * 76); // every output compared
            assertThat(r[0])
                    .as(
                            "wrong or non-finite outputs of %s's convolution with %d input"
                                    + " channels (ONEDNN_MAX_CPU_ISA=%s)",
                            engine, channels, System.getenv("ONEDNN_MAX_CPU_ISA"))
                    .isZero();
        }
    }
}
