package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks each engine's 3×3 convolution against a plain Java convolution, at the size of the
 * nose-tip net's second layer (batch 2, 58×78), at the test build's oneDNN level (the parent POM's
 * {@code onednn.max.isa}, {@code AVX512_CORE}). On the project's AMD EPYC machines libtorch 2.7.1
 * (DJL 0.36) returned wrong values above {@code SSE41} in one layout or the other (with the default
 * ISA and AVX512_CORE 24 and 40 input channels failed, with AVX2 and AVX 12 channels); on the one
 * of CPU family 26 the cause was the cache sizes that virtual machine reports to oneDNN (zeros),
 * which the library corrects ({@code TorchOneDnnCaches}), and since then every level is right there
 * in both layouts, as on the project's Intel Xeon. PyTorch is checked in both layouts the library
 * uses: the default and channels-last (which the zoo networks run in above {@code SSE41}, on other
 * oneDNN kernels). A failure here names the level; the library itself would run such a network in
 * the other layout or stop it ({@code NetworkLayoutTest}), and the build runs at {@code
 * -Donednn.max.isa=SSE41}.
 */
class PyTorchConvolutionCheckTest {

    /** The failure message of a comparison of {@code what} (outputs or gradients). */
    private static String wrong(String what, String engine, int channels, boolean channelsLast) {
        return String.format(
                        "wrong or non-finite %s of %s's convolution with %d input channels,"
                                + " channels-last %s (ONEDNN_MAX_CPU_ISA=%s)",
                        what, engine, channels, channelsLast, System.getenv("ONEDNN_MAX_CPU_ISA"))
                + fix(engine);
    }

    /** What to do where the build's level is wrong on this CPU, for {@code engine}. */
    private static String fix(String engine) {
        return "PyTorch".equals(engine)
                ? "; PyTorch's kernels at this oneDNN level are wrong on this CPU: build with"
                        + " -Donednn.max.isa=SSE41 or the level `./keypoints bench onednn` finds"
                        + " right in both layouts (docs/testing.md)"
                : "; MXNet's oneDNN reads DNNL_MAX_CPU_ISA (docs/performance.md)";
    }

    @ParameterizedTest(name = "{0}, {1} input channels, channels-last {2}")
    @CsvSource({
        "PyTorch, 1, false",
        "PyTorch, 8, false",
        "PyTorch, 12, false",
        "PyTorch, 16, false",
        "PyTorch, 24, false",
        "PyTorch, 32, false",
        "PyTorch, 40, false",
        "PyTorch, 64, false",
        "PyTorch, 1, true",
        "PyTorch, 8, true",
        "PyTorch, 12, true",
        "PyTorch, 16, true",
        "PyTorch, 24, true",
        "PyTorch, 32, true",
        "PyTorch, 40, true",
        "PyTorch, 64, true",
        "MXNet, 1, false",
        "MXNet, 8, false",
        "MXNet, 12, false",
        "MXNet, 16, false",
        "MXNet, 24, false",
        "MXNet, 32, false",
        "MXNet, 40, false",
        "MXNet, 64, false"
    })
    void convolutionMatchesPlainJava(String engine, int channels, boolean channelsLast) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            long[] r = ConvolutionCheck.compare(m, channels, channelsLast, 0);
            assertThat(r[1]).isEqualTo(2L * 32 * 56 * 76); // every output compared
            assertThat(r[0]).as(wrong("outputs", engine, channels, channelsLast)).isZero();
        }
    }

    @ParameterizedTest(name = "{0}, {1} input channels, channels-last {2}, gradients")
    @CsvSource({
        "PyTorch, 1, false",
        "PyTorch, 12, false",
        "PyTorch, 24, false",
        "PyTorch, 32, false",
        "PyTorch, 40, false",
        "PyTorch, 1, true",
        "PyTorch, 12, true",
        "PyTorch, 24, true",
        "PyTorch, 32, true",
        "PyTorch, 40, true",
        "MXNet, 1, false",
        "MXNet, 12, false",
        "MXNet, 24, false",
        "MXNet, 32, false",
        "MXNet, 40, false"
    })
    void gradientsMatchPlainJava(String engine, int channels, boolean channelsLast) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            long[] r = ConvolutionCheck.compareGradients(m, channels, channelsLast, 512);
            assertThat(r[1]).isEqualTo(1024L); // 512 input and 512 weight gradients
            assertThat(r[0]).as(wrong("gradients", engine, channels, channelsLast)).isZero();
        }
    }

    /** ResNet-18's other convolution shapes, in both layouts, 2048 sampled outputs each. */
    @ParameterizedTest(name = "channels-last {0}")
    @ValueSource(booleans = {false, true})
    void otherShapesMatchPlainJava(boolean channelsLast) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (int[] shape : ConvolutionCheck.shapes()) {
                long[] r = ConvolutionCheck.compareShape(m, shape, channelsLast, 2048);
                assertThat(r[1]).isEqualTo(2048L);
                assertThat(r[0])
                        .as(
                                "wrong outputs of PyTorch's %s, channels-last %s"
                                        + " (ONEDNN_MAX_CPU_ISA=%s)"
                                        + fix("PyTorch"),
                                ConvolutionCheck.describe(shape),
                                channelsLast,
                                System.getenv("ONEDNN_MAX_CPU_ISA"))
                        .isZero();
            }
        }
    }
}
