package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link MxOpenBlasCore}: which core replaces which on which CPU; on this MXNet, OpenBLAS left on
 * an AVX2 core (or never off one) and MXNet's products right afterwards.
 */
class MxOpenBlasCoreTest {

    private static final String ZEN4 =
            "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n"
                    + "flags\t\t: fpu sse2 avx avx2 fma avx512f\n\nprocessor\t: 1\n";
    private static final String INTEL_AVX2 =
            "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: sse4_2 avx fma avx2\n";
    private static final String INTEL_NO_FMA =
            "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: sse4_2 avx avx2\n";

    @Test
    void oldCoresOnAvx2CpusGetTheAvx2Kernels() {
        assertThat(MxOpenBlasCore.target("Barcelona", ZEN4)).contains("Haswell");
        assertThat(MxOpenBlasCore.target("Prescott", INTEL_AVX2)).contains("Haswell");
        assertThat(MxOpenBlasCore.target("Sandybridge", INTEL_AVX2)).contains("Haswell");
    }

    @Test
    void avx2CoresCpusWithoutAvx2OrFmaAndUnknownNamesAreLeftAlone() {
        assertThat(MxOpenBlasCore.target("Zen", ZEN4)).isEmpty();
        assertThat(MxOpenBlasCore.target("Haswell", INTEL_AVX2)).isEmpty();
        assertThat(MxOpenBlasCore.target("SkylakeX", INTEL_AVX2)).isEmpty();
        assertThat(MxOpenBlasCore.target("Excavator", ZEN4)).isEmpty();
        assertThat(MxOpenBlasCore.target("Cooperlake", INTEL_AVX2)).isEmpty();
        assertThat(MxOpenBlasCore.target("Prescott", INTEL_NO_FMA)).isEmpty();
        assertThat(MxOpenBlasCore.target("Prescott", "")).isEmpty();
    }

    @Test
    void onThisMxnetOpenBlasRunsAnAvx2CoreAndTheProductsStayRight() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        assumeTrue(Files.isReadable(cpuinfo), "needs /proc/cpuinfo (Linux)");
        assumeTrue(
                System.getenv(MxOpenBlasCore.VARIABLE) == null,
                MxOpenBlasCore.VARIABLE + " is set: OpenBLAS follows the user");
        MxOpenBlasCore.prepareOnce("PyTorch");
        MxOpenBlasCore.prepareOnce("MXNet");
        Optional<String> core = MxOpenBlasCore.currentCore();
        assertThat(core).as("DJL's MXNet ships libopenblas.so.0 beside libmxnet.so").isPresent();
        assertThat(MxOpenBlasCore.outcome())
                .isIn(MxOpenBlasCore.Outcome.SET, MxOpenBlasCore.Outcome.KEPT);
        // Either way nothing is left to do: the core is one with AVX2, or the CPU has no AVX2.
        assertThat(MxOpenBlasCore.target(core.get(), Files.readString(cpuinfo)))
                .as("core %s on this CPU", core.get())
                .isEmpty();
        assertThat(ProductCheck.firstWrong("MXNet")).isEmpty();
    }
}
