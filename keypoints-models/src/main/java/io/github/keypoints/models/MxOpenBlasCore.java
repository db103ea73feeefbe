package io.github.keypoints.models;

import ai.djl.engine.Engine;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the OpenBLAS inside DJL's MXNet onto its AVX2 kernels on x86 CPUs newer than it knows, once
 * per JVM, when the library loads its first MXNet network ({@link ConvolutionCheck#verify}) or runs
 * one ({@link ChannelsLast#forward}, {@link MxGraphForward}), as {@link TorchMklDispatch} does for
 * libtorch's MKL.
 *
 * <p>Why: DJL's {@code mxnet-native-mkl} 1.9.1 ships OpenBLAS 0.3.7 (2019), built for every x86
 * core, which picks its kernels by the CPU's family and model number. It does not know AMD's family
 * 25 and 26 (Zen 3, Zen 4, Zen 5: every current AMD EPYC and Ryzen) nor Intel's server cores after
 * Skylake-X, and gives them kernels of 2004–2007 cores ({@code Barcelona}, {@code Prescott}: SSE2,
 * no AVX). MXNet's {@code dot} and the products outside oneDNN run on it. On the project's AMD EPYC
 * the heatmap network's decode product took about 0.31 ms per pass there against about 0.21 ms on
 * the AVX2 kernels, and the nose-tip training step lost about 2 % (docs/performance-inference.md,
 * "MXNet's OpenBLAS on CPUs newer than it knows").
 *
 * <p>How: when OpenBLAS names one of those old cores ({@code openblas_get_corename}) while the
 * CPU's flags ({@code /proc/cpuinfo}) include {@code avx2} and {@code fma}, this waits for MXNet's
 * pending work ({@code MXNDArrayWaitAll}), sets {@code OPENBLAS_CORETYPE} in the process's
 * environment to {@code Haswell} — OpenBLAS 0.3.7's AVX2 kernels, which run on every CPU with AVX2
 * and FMA; on the project's AMD EPYC they did the decode product faster than the {@code Zen} set,
 * which OpenBLAS gives the AMD cores it knows — and lets OpenBLAS choose again ({@code
 * gotoblas_dynamic_quit}, {@code gotoblas_dynamic_init}, exported by OpenBLAS for this), then
 * removes the variable. Then it compares MXNet's product with plain Java ({@link ProductCheck}); if
 * a value differs, it puts the previous core back and logs a warning: results stay right, only
 * slower. Nothing changes where the user set {@code OPENBLAS_CORETYPE}, OpenBLAS already runs an
 * AVX2 core, the CPU lacks AVX2 or FMA, MXNet's OpenBLAS or JNA is not found, or {@value
 * #PROPERTY}{@code =false}.
 *
 * <p>Another thread must not run an MXNet product while the first zoo network starts (OpenBLAS has
 * no kernels for the few microseconds it chooses again); a program that does should set {@code
 * OPENBLAS_CORETYPE} before the JVM starts and leave this to do nothing.
 */
final class MxOpenBlasCore {

    /** The system property that, set to {@code false}, leaves OpenBLAS's choice alone. */
    static final String PROPERTY = "keypoints.openblasCore";

    /** The environment variable OpenBLAS reads when it chooses its kernels. */
    static final String VARIABLE = "OPENBLAS_CORETYPE";

    private static final Logger LOG = LoggerFactory.getLogger(MxOpenBlasCore.class);
    private static final String MXNET = "MXNet";

    /** OpenBLAS 0.3.7's names of cores without AVX2 (its {@code corename} table). */
    private static final Set<String> OLD_CORES =
            Set.of(
                    "unknown",
                    "katmai",
                    "coppermine",
                    "northwood",
                    "prescott",
                    "banias",
                    "atom",
                    "core2",
                    "penryn",
                    "dunnington",
                    "nehalem",
                    "athlon",
                    "opteron",
                    "opteron_sse3",
                    "barcelona",
                    "nano",
                    "sandybridge",
                    "bobcat",
                    "bulldozer",
                    "piledriver",
                    "steamroller");

    private static final OncePerJvm ONCE =
            new OncePerJvm("OpenBLAS's core checked", MxOpenBlasCore::prepareAndRecord);
    private static volatile Outcome outcome = Outcome.NOT_RUN;

    /** What the first call did. */
    enum Outcome {
        /** Not called with the MXNet engine yet. */
        NOT_RUN,
        /** {@value #PROPERTY} is {@code false}. */
        OFF,
        /** The user set {@value #VARIABLE}; OpenBLAS followed it. */
        USER_SET,
        /** MXNet's OpenBLAS, its functions or the C library's {@code setenv} were not found. */
        NOT_FOUND,
        /** OpenBLAS runs an AVX2 core already, or the CPU lacks AVX2 or FMA. */
        KEPT,
        /** OpenBLAS now runs the AVX2 core, and the products were right. */
        SET,
        /** The products differed on the AVX2 core, so the previous core was put back. */
        RESTORED
    }

    private MxOpenBlasCore() {}

    /**
     * The first time it is called with the MXNet engine, moves OpenBLAS to its AVX2 kernels as the
     * class comment says; later calls and other engines do nothing (after the first time, one read
     * of a flag: this runs on every forward pass). Threads that call it while the first call runs
     * wait for it.
     *
     * @param engine the engine about to run a network
     */
    static void prepareOnce(String engine) {
        if (MXNET.equals(engine)) {
            ONCE.run();
        }
    }

    /** What the first call did (for tests and logs). */
    static Outcome outcome() {
        return outcome;
    }

    /**
     * The adjustment {@link #prepareOnce} makes once (for tests).
     *
     * @return its holder
     */
    static OncePerJvm once() {
        return ONCE;
    }

    /**
     * The core OpenBLAS should run instead of {@code core} on a CPU described by {@code cpuinfo}:
     * {@code Haswell} when {@code core} is one without AVX2 and the CPU has AVX2 and FMA; otherwise
     * empty.
     *
     * @param core the core OpenBLAS names ({@code openblas_get_corename})
     * @param cpuinfo the text of {@code /proc/cpuinfo} (its first processor is enough)
     * @return the core to set, if any
     */
    static Optional<String> target(String core, String cpuinfo) {
        if (!OLD_CORES.contains(core.strip().toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        Optional<String> flags = field(cpuinfo, "flags");
        if (flags.isEmpty()) {
            return Optional.empty();
        }
        Set<String> have = Set.of(flags.get().split("\\s+"));
        if (!have.contains("avx2") || !have.contains("fma")) {
            return Optional.empty();
        }
        return Optional.of("Haswell");
    }

    /** The value of the first {@code name : value} line of {@code cpuinfo}. */
    private static Optional<String> field(String cpuinfo, String name) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals(name)) {
                return Optional.of(line.substring(colon + 1).strip());
            }
        }
        return Optional.empty();
    }

    /** The core MXNet's OpenBLAS runs now, if it is found. */
    static Optional<String> currentCore() {
        return openBlas().map(MxOpenBlasCore::coreName);
    }

    private static void prepareAndRecord() {
        outcome = prepare();
    }

    private static Outcome prepare() {
        if (!Switches.isOn(PROPERTY)) {
            return Outcome.OFF;
        }
        if (System.getenv(VARIABLE) != null) {
            return Outcome.USER_SET;
        }
        Optional<NativeLibrary> blas = openBlas();
        if (blas.isEmpty()) {
            return Outcome.NOT_FOUND;
        }
        try {
            String before = coreName(blas.get());
            Path cpuinfo = Path.of("/proc/cpuinfo");
            String info = Files.isReadable(cpuinfo) ? Files.readString(cpuinfo) : "";
            Optional<String> target = target(before, info);
            if (target.isEmpty()) {
                LOG.debug("MXNet's OpenBLAS runs {}; left alone", before);
                return Outcome.KEPT;
            }
            choose(blas.get(), target.get());
            String after = coreName(blas.get());
            if (!after.equalsIgnoreCase(target.get())) {
                LOG.debug(
                        "MXNet's OpenBLAS chose {} for {}; putting {} back", after, target, before);
                choose(blas.get(), before);
                return Outcome.NOT_FOUND;
            }
            Optional<String> wrong = ProductCheck.firstWrong(MXNET);
            if (wrong.isPresent()) {
                choose(blas.get(), before);
                LOG.warn(
                        "MXNet's product on OpenBLAS's {} kernels differed from plain Java on this"
                                + " CPU ({}); OpenBLAS runs {} again, as it chose. Set -D{}=false"
                                + " to skip this check.",
                        target.get(),
                        wrong.get(),
                        before,
                        PROPERTY);
                return Outcome.RESTORED;
            }
            LOG.debug("MXNet's OpenBLAS moved from {} to {}", before, after);
            return Outcome.SET;
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.debug("MXNet's OpenBLAS core not changed: {}", e.toString());
            return Outcome.NOT_FOUND;
        }
    }

    /**
     * Makes OpenBLAS choose its kernels again with {@value #VARIABLE} set to {@code core}, after
     * MXNet's pending work, then removes the variable.
     */
    private static void choose(NativeLibrary blas, String core) {
        mxnet().ifPresent(mx -> mx.getFunction("MXNDArrayWaitAll").invokeInt(new Object[0]));
        NativeLibrary c = NativeLibrary.getInstance("c");
        Function quit = blas.getFunction("gotoblas_dynamic_quit");
        Function init = blas.getFunction("gotoblas_dynamic_init");
        if (c.getFunction("setenv").invokeInt(new Object[] {VARIABLE, core, 1}) != 0) {
            throw new IllegalStateException("setenv failed");
        }
        try {
            quit.invokeVoid(new Object[0]);
            init.invokeVoid(new Object[0]);
        } finally {
            c.getFunction("unsetenv").invokeInt(new Object[] {VARIABLE});
        }
    }

    private static String coreName(NativeLibrary blas) {
        return blas.getFunction("openblas_get_corename").invokeString(new Object[0], false);
    }

    /** libmxnet, loading the engine if nothing has yet. */
    private static Optional<NativeLibrary> mxnet() {
        try {
            Engine.getEngine(MXNET);
            return MappedLibraries.find("/libmxnet.so").map(MappedLibraries::open);
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.debug("libmxnet not found: {}", e.toString());
            return Optional.empty();
        }
    }

    /** The OpenBLAS beside the loaded libmxnet. */
    private static Optional<NativeLibrary> openBlas() {
        try {
            Engine.getEngine(MXNET);
            Optional<Path> mx = MappedLibraries.find("/libmxnet.so");
            if (mx.isEmpty()) {
                LOG.debug("libmxnet not among the process's mapped files");
                return Optional.empty();
            }
            Optional<Path> blas =
                    MappedLibraries.find(mx.get().resolveSibling("libopenblas.so.0").toString());
            if (blas.isEmpty()) {
                LOG.debug("no OpenBLAS beside {}", mx.get());
                return Optional.empty();
            }
            return Optional.of(MappedLibraries.open(blas.get()));
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.debug("MXNet's OpenBLAS not found: {}", e.toString());
            return Optional.empty();
        }
    }
}
