package io.github.keypoints.models;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the Intel oneMKL inside libtorch choose its matrix-product code from the CPU's features on
 * any x86 CPU, once per JVM, before the library's first PyTorch network runs ({@link
 * ChannelsLast#forward}, {@link ConvolutionCheck#verify}), as {@link TorchNnpack} does for NNPACK.
 *
 * <p>Why: libtorch 2.7.1 (DJL's {@code pytorch-native-cpu}) links oneMKL 2024.0 statically and does
 * its dense layers' matrix products ({@code addmm}, {@code mm}) with it. MKL asks once whether the
 * CPU's vendor string is {@code GenuineIntel} ({@code mkl_serv_intel_cpu_true}) and, on any other
 * CPU, ignores the CPU's feature flags and runs a generic path. On the project's AMD EPYC (AVX-512)
 * the nose-tip network's three products of a training step — its 1.9-million-weight dense layer,
 * forward and backward — took 1.1–1.5 ms each that way against 0.3–0.6 ms on MKL's AVX-512 path
 * (docs/performance-training.md, "MKL's vendor check"). The Python reference's PyTorch uses
 * OpenBLAS, which has no such check.
 *
 * <p>How: the check caches its answer in a private variable that starts negative ("not asked yet").
 * The exported function begins by loading it ({@code mov eax, [rip + d]; test eax, eax; js; ret});
 * this class reads those bytes through JNA, and only if they are exactly that sequence and the
 * variable is still unset writes 1 ("ask the CPU's features") into it. MKL then picks its code from
 * the feature flags (CPUID) as it does on an Intel CPU; an AVX2-only CPU gets the AVX2 path. Where
 * MKL has already answered (a product ran before the library's first network), the bytes differ
 * (another libtorch), libtorch is not found or JNA cannot load, nothing is written (debug log).
 * {@value #PROPERTY}{@code =false} leaves MKL's check alone.
 *
 * <p>After writing, the first call checks libtorch's matrix product against plain Java ({@link
 * ProductCheck}: the three forms a dense layer's training step uses and the decode's) and stops
 * with an {@link IllegalStateException} naming the property if any sampled value differs.
 */
final class TorchMklDispatch {

    /** The system property that, set to {@code false}, leaves MKL's vendor check as it is. */
    static final String PROPERTY = "keypoints.mklCpuFeatures";

    private static final Logger LOG = LoggerFactory.getLogger(TorchMklDispatch.class);
    private static final String PYTORCH = "PyTorch";
    private static final String CHECK = "mkl_serv_intel_cpu_true";

    /**
     * The check's first instructions with the displacement left out: {@code 8b 05 d32} (load the
     * cached answer), {@code 85 c0} (test), {@code 78 01} (if negative, ask), {@code c3} (return).
     */
    private static final int[] PROLOGUE = {
        0x8b, 0x05, -1, -1, -1, -1, 0x85, 0xc0, 0x78, 0x01, 0xc3
    };

    private static final OncePerJvm ONCE =
            new OncePerJvm("MKL's vendor check", TorchMklDispatch::prepareAndVerify);
    private static volatile Outcome outcome = Outcome.NOT_RUN;
    private static volatile IllegalStateException failure;

    /** What the first call did. */
    enum Outcome {
        /** Not called with the PyTorch engine yet. */
        NOT_RUN,
        /** {@value #PROPERTY} is {@code false}. */
        OFF,
        /** libtorch, the check or its expected instructions were not found. */
        NOT_FOUND,
        /** MKL had answered already; its answer was kept. */
        ALREADY_ANSWERED,
        /** The answer was set to "ask the CPU's features" and the products checked. */
        SET
    }

    private TorchMklDispatch() {}

    /**
     * The first time it is called with the PyTorch engine, sets MKL's vendor answer as the class
     * comment says and checks the products; later calls and other engines do nothing but repeat the
     * check's failure, if it failed (after the first time, one read of a flag: this runs on every
     * forward pass). Threads that call it while the first call runs wait for it.
     *
     * @param engine the engine about to run a network
     * @throws IllegalStateException if libtorch's matrix product differed from plain Java after the
     *     change (on this call and every later one with PyTorch)
     */
    static void prepareOnce(String engine) {
        if (!PYTORCH.equals(engine)) {
            return;
        }
        ONCE.run();
        IllegalStateException f = failure;
        if (f != null) {
            throw new IllegalStateException(f.getMessage(), f);
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

    private static void prepareAndVerify() {
        try {
            outcome = prepare();
            if (outcome == Outcome.SET) {
                verify();
            }
        } catch (IllegalStateException e) {
            failure = e;
        }
    }

    private static Outcome prepare() {
        if (!Switches.isOn(PROPERTY)) {
            return Outcome.OFF;
        }
        Optional<NativeLibrary> lib = TorchNnpack.libtorch();
        if (lib.isEmpty()) {
            return Outcome.NOT_FOUND;
        }
        try {
            Pointer check = lib.get().getFunction(CHECK);
            OptionalLong offset = cacheOffset(check.getByteArray(0, PROLOGUE.length));
            if (offset.isEmpty()) {
                LOG.debug("MKL's vendor check not in the expected form; left alone");
                return Outcome.NOT_FOUND;
            }
            Pointer cached = check.share(offset.getAsLong());
            int answer = cached.getInt(0);
            if (answer >= 0) {
                LOG.debug("MKL's vendor check had answered {}; left alone", answer);
                return Outcome.ALREADY_ANSWERED;
            }
            cached.setInt(0, 1);
            LOG.debug("MKL chooses its code from the CPU's features");
            return Outcome.SET;
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("MKL's vendor check not found: {}", e.toString());
            return Outcome.NOT_FOUND;
        }
    }

    /**
     * Where the check's cached answer is, relative to the check's first byte, if {@code code}
     * begins with {@link #PROLOGUE}: the load's displacement counts from the end of its 6-byte
     * instruction.
     *
     * @param code the function's first bytes
     * @return the offset, or empty if the bytes are not the expected instructions
     */
    static OptionalLong cacheOffset(byte[] code) {
        if (code.length < PROLOGUE.length) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < PROLOGUE.length; i++) {
            if (PROLOGUE[i] >= 0 && (code[i] & 0xff) != PROLOGUE[i]) {
                return OptionalLong.empty();
            }
        }
        int displacement =
                (code[2] & 0xff)
                        | (code[3] & 0xff) << 8
                        | (code[4] & 0xff) << 16
                        | (code[5] & 0xff) << 24;
        return OptionalLong.of(6L + displacement);
    }

    /**
     * Compares libtorch's matrix product with plain Java on sampled values ({@link ProductCheck}).
     *
     * @throws IllegalStateException naming {@value #PROPERTY} if a value differs
     */
    static void verify() {
        ProductCheck.firstWrong(PYTORCH)
                .ifPresent(
                        wrong -> {
                            throw new IllegalStateException(
                                    "libtorch's matrix product is wrong on this CPU after letting"
                                            + " MKL choose its code from the CPU's features ("
                                            + wrong
                                            + "). Run with -D"
                                            + PROPERTY
                                            + "=false to leave MKL's vendor check alone.");
                        });
    }
}
