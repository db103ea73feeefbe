package io.github.keypoints.models;

import ai.djl.engine.Engine;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells libtorch's oneDNN that it does not know this CPU's data caches when what it read is
 * impossible, once per JVM, before the library runs its first PyTorch network or convolution check
 * (one of the adjustments in {@link NativeTuning}).
 *
 * <p>Why: oneDNN 3.7.1, inside libtorch 2.7.1, reads the cache sizes on AMD CPUs from CPUID leaf
 * {@code 0x8000001D} (through its copy of Xbyak). A virtual machine may advertise that leaf ({@code
 * topoext}) and answer zeros, as the project's AMD EPYC of CPU family 26 does; every level then
 * comes out as 1 byte. oneDNN's brgemm convolution sizes its blocks by the caches, finds none that
 * fit, and gives up without a word, so every 3×3 convolution runs on the slower direct kernel:
 * ResNet-18's batch-1 pass at 224×224 took 13.4–16.5 ms instead of 10.6–11.4 ms there
 * (docs/performance-inference.md, "PyTorch on the AMD EPYC of family 26"). Setting oneDNN's number
 * of known cache levels to 0 makes it use its own estimates, as it does for any CPU whose caches it
 * cannot read, and the brgemm kernels run. Outputs stay the same up to float rounding where the
 * kernels were right; the kernels oneDNN ran with the 1-byte caches were not always right: on that
 * machine 270,000–540,000 of 2.4 million compared convolution outputs and gradients were wrong in
 * one of the two layouts at {@code AVX2} and above without this correction, none with it ({@code
 * keypoints bench onednn}'s probe, docs/performance.md). The library's convolution check ({@link
 * ConvolutionCheck}) runs after this and checks the kernels that will run.
 *
 * <p>How: oneDNN keeps what it read in one object, returned by its function {@code
 * dnnl::impl::cpu::x64::cpu()}. That function is not exported, so its offset is read from
 * libtorch's ELF symbol table ({@link ElfSymbols}: once per JVM, and from the second JVM on only
 * the two entries found before), and libtorch's load address from an exported function's. The
 * object is changed only if it reads exactly as the empty leaf leaves it (three levels of 1 byte
 * each); on any other CPU, a libtorch without the symbol, or anything unexpected, this does nothing
 * (logged at debug level). Linux x86-64 only. {@code -Dkeypoints.onednnCaches=default} leaves
 * oneDNN alone.
 */
final class TorchOneDnnCaches {

    /** The system property that leaves oneDNN's cache sizes as it read them ({@code default}). */
    static final String PROPERTY = "keypoints.onednnCaches";

    private static final Logger LOG = LoggerFactory.getLogger(TorchOneDnnCaches.class);
    private static final String PYTORCH = "PyTorch";
    private static final String LIBRARY = "/libtorch_cpu.so";

    /** {@code dnnl::impl::cpu::x64::cpu()}: returns oneDNN's {@code Xbyak::util::Cpu}. */
    static final String CPU_FUNCTION = "_ZN4dnnl4impl3cpu3x643cpuEv";

    /** An exported libtorch function ({@code at::globalContext()}), to find the load address. */
    static final String ANCHOR = "_ZN2at13globalContextEv";

    /** Byte offsets in oneDNN 3.7.1's {@code Xbyak::util::Cpu}: {@code dataCacheSize_[0]}. */
    private static final int SIZES = 28;

    /** {@code dataCacheLevels_}. */
    private static final int LEVELS = 108;

    private static final OncePerJvm ONCE =
            new OncePerJvm("oneDNN's cache sizes checked", TorchOneDnnCaches::prepare);

    private TorchOneDnnCaches() {}

    /**
     * The first time it is called with the PyTorch engine, unless {@value #PROPERTY} is {@code
     * default}: if oneDNN read three 1-byte cache levels, sets its number of levels to 0. Later
     * calls and other engines do nothing (after the first time, one read of a flag: this runs on
     * every forward pass).
     *
     * @param engine the engine about to run a network
     */
    static void prepareOnce(String engine) {
        if (PYTORCH.equals(engine)) {
            ONCE.run();
        }
    }

    /**
     * The adjustment {@link #prepareOnce} makes once (for tests).
     *
     * @return its holder
     */
    static OncePerJvm once() {
        return ONCE;
    }

    private static void prepare() {
        if ("default".equalsIgnoreCase(System.getProperty(PROPERTY, "").strip())) {
            return;
        }
        Optional<Pointer> cpu = cpuObject();
        if (cpu.isEmpty()) {
            return;
        }
        int[] f = fields(cpu.get());
        if (f[0] == 3 && f[1] == 1 && f[2] == 1 && f[3] == 1) {
            cpu.get().setInt(LEVELS, 0);
            LOG.info(
                    "libtorch's oneDNN read three 1-byte data caches from this CPU (an empty CPUID"
                            + " leaf 0x8000001D); it now uses its own estimates, so its brgemm"
                            + " convolutions can run (-D{}=default to leave it)",
                    PROPERTY);
        } else {
            LOG.debug("oneDNN's cache fields left as read: {}", Arrays.toString(f));
        }
    }

    /**
     * What oneDNN's CPU object holds: the number of data-cache levels, then the first three sizes
     * in bytes (for tests).
     *
     * @return the four values, or empty if libtorch or the object was not found
     */
    static Optional<int[]> fields() {
        return cpuObject().map(TorchOneDnnCaches::fields);
    }

    private static int[] fields(Pointer cpu) {
        return new int[] {
            cpu.getInt(LEVELS), cpu.getInt(SIZES), cpu.getInt(SIZES + 4), cpu.getInt(SIZES + 8)
        };
    }

    /**
     * oneDNN's {@code Xbyak::util::Cpu} in the libtorch the engine loaded, found once per JVM (the
     * object does not move).
     */
    private static synchronized Optional<Pointer> cpuObject() {
        if (cpuObject == null) {
            cpuObject = findCpuObject();
        }
        return cpuObject;
    }

    private static Optional<Pointer> cpuObject;

    /**
     * Calls {@code cpu()} at its address: libtorch's load address, taken from an exported
     * function's address (the dynamic linker's) less its value in the symbol table, plus {@code
     * cpu()}'s value there.
     */
    private static Optional<Pointer> findCpuObject() {
        try {
            Engine.getEngine(PYTORCH); // loads libtorch if nothing has yet
            Optional<Path> path = MappedLibraries.find(LIBRARY);
            if (path.isEmpty()) {
                LOG.debug("libtorch not among the process's mapped files");
                return Optional.empty();
            }
            Map<String, Long> values = ElfSymbols.values(path.get(), List.of(ANCHOR, CPU_FUNCTION));
            if (values.size() < 2) {
                LOG.debug("oneDNN's cpu() or {} not in {}'s symbol table", ANCHOR, path.get());
                return Optional.empty();
            }
            NativeLibrary lib = MappedLibraries.open(path.get());
            long base = Pointer.nativeValue(lib.getFunction(ANCHOR)) - values.get(ANCHOR);
            Function cpu = Function.getFunction(new Pointer(base + values.get(CPU_FUNCTION)));
            return Optional.ofNullable(cpu.invokePointer(new Object[0]));
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.debug("oneDNN's cache sizes not reachable: {}", e.toString());
            return Optional.empty();
        }
    }
}
