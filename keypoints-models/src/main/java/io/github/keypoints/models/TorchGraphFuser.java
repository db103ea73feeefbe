package io.github.keypoints.models;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libtorch's oneDNN Graph fuser for the library's own TorchScript modules ({@link
 * TorchScriptForward}): what Python users turn on with {@code
 * torch.jit.enable_onednn_fusion(True)}. Once the profiling executor has seen a module's input
 * shapes, the fuser hands the module's convolutions, ReLUs, sums, pooling and dense layers to
 * oneDNN's graph API as compiled partitions, built once per shape, with the frozen weights laid out
 * once and cached. At batch 1 that removes most of what libtorch 2.7.1 spends around each oneDNN
 * convolution on every call (setting the primitive up again; docs/performance-inference.md).
 *
 * <p>DJL has no switch for the fuser, and libtorch exports neither Python's setter nor a plain
 * function for it; it exports {@code torch::jit::registerPostPass} (a graph pass the executor runs
 * after its own optimisations) and the fuser's pass {@code torch::jit::fuser::onednn::fuseGraph}.
 * This registers, once per JVM and through JNA, a post pass whose body is a Java callback that
 * calls {@code fuseGraph} — but only while the calling thread runs one of the library's modules
 * inside {@link #fusing}: a TorchScript model of the user's own, run in the same JVM, is left as
 * libtorch would optimise it.
 *
 * <p>Linux only (libtorch is found among the process's mapped files); where it or one of the two
 * functions is not found, or JNA cannot load its native part, {@link #isAvailable} is false and the
 * modules run as before. {@value #PROPERTY}{@code =false} never registers the pass.
 */
final class TorchGraphFuser {

    /** The system property that, set to {@code false}, leaves the fuser off; on by default. */
    static final String PROPERTY = "keypoints.torchScript.fuser";

    private static final Logger LOG = LoggerFactory.getLogger(TorchGraphFuser.class);
    private static final String REGISTER =
            "_ZN5torch3jit16registerPostPassESt8functionIFvRSt10shared_ptrINS0_5GraphEEEE";
    private static final String FUSE =
            "_ZN5torch3jit5fuser6onednn9fuseGraphERSt10shared_ptrINS0_5GraphEE";

    /** How deep the current thread is in {@link #fusing} calls. */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /** How many graphs the pass has handed to the fuser since the JVM started. */
    private static final AtomicLong FUSED = new AtomicLong();

    private TorchGraphFuser() {}

    /**
     * A {@code std::function}'s invoker: {@code void(const _Any_data&, std::shared_ptr<Graph>&)}.
     */
    public interface Invoker extends Callback {
        /**
         * Runs the pass.
         *
         * @param functor the function object's storage (unused: the pass holds no state)
         * @param graph the graph, a {@code std::shared_ptr<Graph>&}
         */
        void invoke(Pointer functor, Pointer graph);
    }

    /** The registered pass: its callback and its storage, reachable for the JVM's lifetime. */
    private record Registration(Invoker invoker, Memory function) {}

    /** Registers the pass the first time the holder is read. */
    private static final class Holder {
        static final Optional<Registration> REGISTRATION = register();
    }

    /**
     * Whether the pass is registered (registering it the first time, unless {@value #PROPERTY} is
     * {@code false}).
     *
     * @return whether modules run inside {@link #fusing} get the fuser
     */
    static boolean isAvailable() {
        return Switches.isOn(PROPERTY) && Holder.REGISTRATION.isPresent();
    }

    /**
     * Runs {@code pass} — one of the library's module passes — with the fuser on for graphs the
     * executor optimises on this thread meanwhile.
     *
     * @param pass the pass
     * @param <T> its result's type
     * @return its result
     */
    static <T> T fusing(Supplier<T> pass) {
        int[] depth = DEPTH.get();
        depth[0]++;
        try {
            return pass.get();
        } finally {
            depth[0]--;
        }
    }

    /**
     * How many graphs the pass has handed to the fuser since the JVM started (for tests).
     *
     * @return the count
     */
    static long fusedGraphs() {
        return FUSED.get();
    }

    private static Optional<Registration> register() {
        if (!Switches.isOn(PROPERTY)) {
            return Optional.empty();
        }
        Optional<NativeLibrary> lib = TorchNnpack.libtorch();
        if (lib.isEmpty()) {
            return Optional.empty();
        }
        try {
            Function fuse = lib.get().getFunction(FUSE);
            Function registerPostPass = lib.get().getFunction(REGISTER);
            Invoker invoker =
                    (functor, graph) -> {
                        if (DEPTH.get()[0] > 0) {
                            FUSED.incrementAndGet();
                            fuse.invokeVoid(new Object[] {graph});
                        }
                    };
            // The function object's manager: libstdc++ asks it to copy, destroy or describe the
            // (empty) functor and ignores its answer; nothing to do for an empty one. A native
            // function that reads no argument and has no effect serves, so that libtorch's
            // destruction of its pass list at the process's exit, after the JVM has stopped,
            // does not call back into Java.
            Function manager = NativeLibrary.getInstance("c").getFunction("sched_yield");
            // libstdc++'s std::function: 16 bytes of functor storage, the manager, the invoker.
            Memory function = new Memory(32);
            function.clear();
            function.setPointer(16, manager);
            function.setPointer(24, CallbackReference.getFunctionPointer(invoker));
            // Passed by value, so by address; libtorch moves it into its list of passes.
            registerPostPass.invokeInt(new Object[] {function});
            LOG.debug("libtorch's oneDNN Graph fuser registered for the library's modules");
            return Optional.of(new Registration(invoker, function));
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("libtorch's oneDNN Graph fuser not available: {}", e.toString());
            return Optional.empty();
        }
    }
}
