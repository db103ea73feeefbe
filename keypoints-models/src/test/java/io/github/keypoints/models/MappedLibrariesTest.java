package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.NativeLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link MappedLibraries}: a mapped library is found by the end of its path, and opening the
 * engines' libraries for the native fix-ups leaves them out of the process's global symbol scope
 * (where JNA's default flags would put them, with their dependencies, so that the other engine's
 * library binds its later symbols there: heap corruption in about half the runs of {@link
 * MxGraphForwardTest} before).
 */
class MappedLibrariesTest {

    @Test
    void mappedLibrariesAreFoundByTheEndOfTheirPath() {
        List<String> maps =
                List.of(
                        "7f00-7f10 r-xp 00000000 08:01 12 /opt/a/libopenblas.so.0",
                        "7f20-7f30 r-xp 00000000 00:00 0 [vdso]",
                        "7f40-7f50 r-xp 00000000 08:01 13 /opt/b/libmxnet.so");
        assertThat(MappedLibraries.find(maps, "/libmxnet.so"))
                .contains(Path.of("/opt/b/libmxnet.so"));
        assertThat(MappedLibraries.find(maps, "/opt/b/libopenblas.so.0")).isEmpty();
        assertThat(MappedLibraries.find(maps, "/opt/a/libopenblas.so.0"))
                .contains(Path.of("/opt/a/libopenblas.so.0"));
    }

    @Test
    void theEnginesLibrariesStayOutOfTheGlobalScope() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs /proc/self/maps (Linux)");
        assertThat(TorchNnpack.libtorch()).as("libtorch opened").isPresent();
        TorchMklDispatch.prepareOnce("PyTorch");
        MxOpenBlasCore.prepareOnce("MXNet");
        assertThat(MxOpenBlasCore.currentCore()).as("MXNet's OpenBLAS opened").isPresent();
        NativeLibrary process = NativeLibrary.getProcess();
        // Each symbol is exported by its library only; dlsym over the global scope must not see it.
        for (String symbol :
                List.of("mkl_serv_intel_cpu_true", "openblas_get_corename", "MXNDArrayWaitAll")) {
            assertThatThrownBy(() -> process.getFunction(symbol))
                    .as("%s in the global scope", symbol)
                    .isInstanceOf(UnsatisfiedLinkError.class);
        }
    }

    @Test
    void aLibraryNotLoadedIsNotLoaded() {
        assertThatThrownBy(() -> MappedLibraries.open(Path.of("/nonexistent/libnothing.so")))
                .isInstanceOf(UnsatisfiedLinkError.class);
    }
}
