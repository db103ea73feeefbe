package io.github.keypoints.models;

import ai.djl.engine.Engine;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns libtorch's NNPACK off, once per JVM, before the library runs its first PyTorch network or
 * convolution check ({@link ChannelsLast#forward}, which every zoo network's pass goes through, and
 * {@link ConvolutionCheck#verify}), as Python users do with {@code torch.backends.nnpack.enabled =
 * False}.
 *
 * <p>Why: at batch 1 libtorch sends small 3×3 convolutions to its own native path, and there asks
 * on every call whether NNPACK is available — before the batch-size test that rules NNPACK out
 * anyway (x86 builds use it only from batch 16, where oneDNN is chosen first). On a CPU NNPACK does
 * not support, such as the project's AMD EPYC, every such question writes {@code Could not
 * initialize NNPACK! Reason: Unsupported hardware.} to standard error: four lines per landmark-cnn
 * pass, thousands in a benchmark, into every user's console. DJL has no switch for it, so this
 * calls libtorch's own setter ({@code at::Context::setUserEnabledNNPACK(false)}) through JNA on the
 * libtorch the engine has loaded. No value changes: NNPACK never ran these convolutions.
 *
 * <p>Linux only (libtorch is found in {@code /proc/self/maps}); where it or the setter is not
 * found, or JNA cannot load its own native part, this does nothing (logged at debug level). {@code
 * -Dkeypoints.nnpack=default} leaves libtorch's setting alone.
 */
final class TorchNnpack {

    /** The system property that leaves NNPACK as libtorch sets it ({@code default}). */
    static final String PROPERTY = "keypoints.nnpack";

    private static final Logger LOG = LoggerFactory.getLogger(TorchNnpack.class);
    private static final String PYTORCH = "PyTorch";
    private static final String LIBRARY = "/libtorch_cpu.so";
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_ENABLED = "_ZN2at7Context20setUserEnabledNNPACKEb";
    private static final String IS_ENABLED = "_ZNK2at7Context17userEnabledNNPACKEv";
    private static final OncePerJvm ONCE =
            new OncePerJvm("libtorch's NNPACK turned off", TorchNnpack::turnOff);

    private TorchNnpack() {}

    /**
     * Turns NNPACK off the first time it is called with the PyTorch engine, unless {@value
     * #PROPERTY} is {@code default}; later calls and other engines do nothing (after the first
     * time, one read of a flag: this runs on every forward pass).
     *
     * @param engine the engine about to run a network
     */
    static void turnOffOnce(String engine) {
        if (PYTORCH.equals(engine)) {
            ONCE.run();
        }
    }

    /**
     * The adjustment {@link #turnOffOnce} makes once (for tests).
     *
     * @return its holder
     */
    static OncePerJvm once() {
        return ONCE;
    }

    private static void turnOff() {
        if ("default".equalsIgnoreCase(System.getProperty(PROPERTY, "off").strip())) {
            return;
        }
        if (set(false)) {
            LOG.debug("libtorch's NNPACK turned off");
        }
    }

    /**
     * Sets libtorch's NNPACK switch.
     *
     * @param enabled the value
     * @return whether libtorch and its setter were found and called
     */
    static boolean set(boolean enabled) {
        Optional<NativeLibrary> lib = libtorch();
        if (lib.isEmpty()) {
            return false;
        }
        try {
            Pointer context = lib.get().getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
            lib.get().getFunction(SET_ENABLED).invokeVoid(new Object[] {context, enabled});
            return true;
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("libtorch's NNPACK switch not found: {}", e.toString());
            return false;
        }
    }

    /**
     * Reads libtorch's NNPACK switch (for tests).
     *
     * @return the value, or empty if libtorch or the getter was not found
     */
    static Optional<Boolean> isEnabled() {
        Optional<NativeLibrary> lib = libtorch();
        if (lib.isEmpty()) {
            return Optional.empty();
        }
        try {
            Pointer context = lib.get().getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
            Function getter = lib.get().getFunction(IS_ENABLED);
            // A C++ bool comes back in the low byte of the return register.
            return Optional.of((getter.invokeInt(new Object[] {context}) & 0xff) != 0);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("libtorch's NNPACK getter not found: {}", e.toString());
            return Optional.empty();
        }
    }

    /**
     * The libtorch the PyTorch engine loaded (loading the engine if nothing has yet), found among
     * the process's mapped files; empty where there is no {@code /proc/self/maps} or no libtorch.
     *
     * @return the library
     */
    static Optional<NativeLibrary> libtorch() {
        try {
            Engine.getEngine(PYTORCH); // loads libtorch if nothing has yet
            Optional<Path> path = MappedLibraries.find(LIBRARY);
            if (path.isEmpty()) {
                LOG.debug("libtorch not among the process's mapped files");
                return Optional.empty();
            }
            // The loaded one, opened without changing its symbol scope (MappedLibraries.open).
            return Optional.of(MappedLibraries.open(path.get()));
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.debug("libtorch not found: {}", e.toString());
            return Optional.empty();
        }
    }
}
