package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
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
    void theSymbolLookupFindsAnExportedFunctionAtItsDynamicAddress() throws IOException {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps (Linux)");
        assertThat(TorchOneDnnCaches.fields()).isPresent(); // loads libtorch
        List<String> maps = Files.readAllLines(MAPS);
        Path lib = MappedLibraries.find(maps, "/libtorch_cpu.so").orElseThrow();
        // An exported function: the ELF table's value must match what the dynamic linker says.
        String exported = "_ZN2at13globalContextEv";
        OptionalLong value = TorchOneDnnCaches.symbolValue(lib, exported);
        assertThat(value).isPresent();
        long base = TorchOneDnnCaches.loadBase(maps, lib).orElseThrow();
        long linked = Pointer.nativeValue(MappedLibraries.open(lib).getFunction(exported));
        assertThat(base + value.getAsLong()).isEqualTo(linked);
        assertThat(TorchOneDnnCaches.symbolValue(lib, "no_such_symbol_here")).isEmpty();
    }

    @Test
    void theLoadBaseIsTheMappingAtFileOffsetZero() {
        List<String> maps =
                List.of(
                        "7f0000000000-7f0000001000 r--p 00001000 08:01 42 /opt/x/libtorch_cpu.so",
                        "7f1000000000-7f1000002000 r-xp 00000000 08:01 42 /opt/x/libtorch_cpu.so",
                        "7f2000000000-7f2000002000 r-xp 00000000 08:01 43 /opt/x/libc10.so");
        assertThat(TorchOneDnnCaches.loadBase(maps, Path.of("/opt/x/libtorch_cpu.so")))
                .hasValue(0x7f1000000000L);
        assertThat(TorchOneDnnCaches.loadBase(maps, Path.of("/opt/y/libtorch_cpu.so"))).isEmpty();
    }
}
