package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * oneDNN's cache sizes in libtorch, read and corrected through {@link TorchOneDnnCaches}: its CPU
 * object is found through libtorch's ELF symbol table, and after the library's first PyTorch check
 * it never holds the impossible sizes (three 1-byte levels) an empty CPUID leaf gives. Linux only.
 */
class TorchOneDnnCachesTest {

    private static final Path MAPS = Path.of("/proc/self/maps");

    @Test
    void oneDnnsCpuObjectIsFoundAndReadsAsCacheSizes() {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps (Linux)");
        Optional<int[]> f = TorchOneDnnCaches.fields();
        assertThat(f).as("oneDNN's cpu() found in libtorch's symbol table").isPresent();
        int levels = f.get()[0];
        // Xbyak records 0 to 10 levels; a layout read at the wrong offsets gives other numbers.
        assertThat(levels).isBetween(0, 10);
        for (int level = 0; level < Math.min(levels, 3); level++) {
            assertThat(f.get()[1 + level]).as("level %d's size", level + 1).isPositive();
        }
    }

    @Test
    void afterTheFirstPyTorchCheckNoImpossibleCacheSizesRemain() {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps (Linux)");
        ConvolutionCheck.verify("PyTorch");
        int[] f = TorchOneDnnCaches.fields().orElseThrow();
        boolean impossible = f[0] == 3 && f[1] == 1 && f[2] == 1 && f[3] == 1;
        assertThat(impossible).as("three 1-byte cache levels left in oneDNN").isFalse();
    }

    @Test
    void theSymbolTableGivesExportedFunctionsTheirDynamicAddressesLessOneLoadAddress()
            throws IOException {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps (Linux)");
        assertThat(TorchOneDnnCaches.fields()).isPresent(); // loads libtorch
        Path lib = MappedLibraries.find(Files.readAllLines(MAPS), "/libtorch_cpu.so").orElseThrow();
        // Two exported functions: their table values must differ by what the dynamic linker's
        // addresses differ by, or the load address computed from one would be wrong for cpu().
        String other = "_ZN2at7Context20setUserEnabledNNPACKEb";
        Map<String, Long> v =
                ElfSymbols.readWhole(
                        lib, List.of(TorchOneDnnCaches.ANCHOR, other, "no_such_symbol_here"));
        assertThat(v).containsOnlyKeys(TorchOneDnnCaches.ANCHOR, other);
        NativeLibrary open = MappedLibraries.open(lib);
        long anchor = Pointer.nativeValue(open.getFunction(TorchOneDnnCaches.ANCHOR));
        long second = Pointer.nativeValue(open.getFunction(other));
        assertThat(second - anchor).isEqualTo(v.get(other) - v.get(TorchOneDnnCaches.ANCHOR));
        assertThat(
                        ElfSymbols.readWhole(lib, List.of(TorchOneDnnCaches.CPU_FUNCTION))
                                .get(TorchOneDnnCaches.CPU_FUNCTION))
                .as("oneDNN's cpu(), not exported, is in the table")
                .isPositive();
    }
}
