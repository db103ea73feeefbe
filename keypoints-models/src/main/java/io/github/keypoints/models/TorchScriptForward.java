package io.github.keypoints.models;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network's frozen inference on PyTorch as one TorchScript module whose convolution weights are
 * laid out for oneDNN once, instead of on every pass: the stacks ({@link
 * ChannelsLastSequentialBlock}), {@link ResNet18} and {@link HeatmapNet}'s heatmaps. On by default;
 * {@value #PROPERTY}{@code =false} runs every network layer by layer.
 *
 * <p>At batch 1 libtorch sends small 3×3 convolutions to its slower native path and reorders every
 * convolution weight into oneDNN's layout on every pass (docs/performance-inference.md, "PyTorch at
 * batch 1: small convolutions leave oneDNN"). The module ({@link TorchScriptWriter} writes its
 * code) takes the input and the weights, prepacks the convolution weights on its first call ({@code
 * mkldnn._reorder_convolution_weight}, kept in the module) and runs every convolution, with the
 * ReLU or residual sum after it, as {@code mkldnn._convolution_pointwise}: all on oneDNN,
 * channels-last, no per-pass reorders. The archive (code, a pickle of the module's attributes,
 * constants, version) is written by {@link TorchScriptArchive} and loaded through DJL's
 * engine-neutral {@link Model#load(java.io.InputStream)}.
 *
 * <p><b>Every module is checked before it is used</b>: its first output for each input shape
 * (oneDNN picks kernels per shape) is compared with the layer-by-layer pass on the same input, and
 * a module that differs by more than {@value #TOLERANCE} of the output's scale is never used again
 * for that network, which then runs layer by layer (logged once, at INFO); so does a module
 * libtorch cannot load or run (logged at WARN). {@link ConvolutionCheck} covers the layer-by-layer
 * kernels. (On the project's AMD EPYC at {@code AVX512_CORE} the check turned the nose-tip
 * network's module away until {@link TorchScriptWriter} gave its 24-channel output zero channels up
 * to 32.)
 *
 * <p><b>Fused modules.</b> Where libtorch's oneDNN Graph fuser is available ({@link
 * TorchGraphFuser}, on by default; {@code -Dkeypoints.torchScript.fuser=false} turns it off), each
 * of the first {@value #FUSED_SHAPES} input shapes also gets a module of its own: the same pass in
 * plain ATen operations with the weights as constants ({@link TorchScriptWriter}'s fused code),
 * which the fuser turns into oneDNN graph partitions compiled once for that shape, the weights laid
 * out once. At batch 1 that takes off most of what libtorch spends around each prepacked
 * convolution on every call (docs/performance-inference.md). A new shape's fused module runs
 * {@value #FUSION_PASSES} passes (the executor fuses after profiling) and its last output is
 * checked against the layer-by-layer pass like the prepacked module's; one the fuser did not take,
 * or whose output differs, is closed and the network keeps to the prepacked module (logged at
 * INFO). Each fused module holds its own copy of the weights (ResNet-18: about 45 MB, and oneDNN's
 * laid-out copy); further shapes run on the prepacked module, so a caller whose batch size varies
 * freely does not grow the memory without bound.
 *
 * <p>The packed weights are those of the arrays of the first call; a call with other arrays (new
 * parameters, a new fold) loads a fresh module, and a training pass or a parameter not frozen drops
 * it, as {@link MxGraphForward} drops MXNet's fused graph. Calls run concurrently once the weights
 * are packed; packing, loading and dropping take the module to themselves. A loaded module holds a
 * packed copy of the convolution weights (for ResNet-18 about 45 MB) and is freed when it is
 * dropped or replaced, and, once its network is no longer reachable, by a {@link Cleaner} after the
 * garbage collector has found that out.
 */
final class TorchScriptForward {

    /** The system property that turns the modules off ({@code false}); on by default. */
    static final String PROPERTY = "keypoints.torchScript";

    /** How far a module's output may be from the layer-by-layer output, relatively. */
    static final double TOLERANCE = 1e-5;

    private static final Logger LOG = LoggerFactory.getLogger(TorchScriptForward.class);

    /**
     * One argument of the module's {@code forward} after the input: a parameter's value, or one of
     * a fold's arrays ({@code foldIndex} 0 the weight, 1 the bias).
     */
    record Slot(Parameter parameter, BatchNormFold fold, int foldIndex) {}

    /**
     * How many input shapes may each have a fused module ({@link #fusedForward}); passes of further
     * shapes run on the prepacked module.
     */
    static final int FUSED_SHAPES = 4;

    /**
     * How many passes a new shape's fused module runs before its output is checked: the profiling
     * executor fuses the graph once it has profiled a pass.
     */
    static final int FUSION_PASSES = 3;

    private final Block network;
    private final byte[] archive;
    private final String code;
    private final String fusedCode;
    private volatile boolean fusedRejected;

    private final List<Slot> slots;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean rejected;
    private final Set<Shape> checked = ConcurrentHashMap.newKeySet();
    private final Loaded loaded = new Loaded();

    /** Per input shape, its checked fused module; changed under {@link #lock}'s write lock. */
    private final Map<Shape, Model> fused = loaded.fused;

    private NDArray[] packedFrom;
    private volatile List<Parameter> parameters;

    /** How many modules the cleaner has freed since the JVM started (for tests). */
    private static final AtomicInteger CLEANED = new AtomicInteger();

    /** The cleaner's thread starts with the first module written, not when this class loads. */
    private static final class Cleaning {
        static final Cleaner CLEANER = Cleaner.create();
    }

    /**
     * The loaded module, held apart from its {@code TorchScriptForward} so that the cleaner's
     * action, which must not reach that object, can close it. The owner reads and replaces {@link
     * #model} under its lock; the cleaner runs only once no pass can hold the owner.
     */
    private static final class Loaded implements Runnable {
        private Model model;
        private final Map<Shape, Model> fused = new ConcurrentHashMap<>();

        /** Closes the module, if any. */
        synchronized void close() {
            if (model != null) {
                model.close();
                model = null;
            }
            closeFused();
        }

        /** Closes the fused modules, if any. */
        synchronized void closeFused() {
            for (Model m : fused.values()) {
                m.close();
            }
            fused.clear();
        }

        /** The cleaner's action: the owner is unreachable. */
        @Override
        public synchronized void run() {
            if (model != null || !fused.isEmpty()) {
                close();
                CLEANED.incrementAndGet();
            }
        }
    }

    /**
     * A module of {@code network} ({@link TorchScriptWriter#build}).
     *
     * @param network the network the module computes
     * @param code the module's code
     * @param fusedCode the code of the same pass for the oneDNN Graph fuser, whose constants are
     *     the slots' arrays in order
     * @param slots the arguments of its {@code forward} after the input
     */
    TorchScriptForward(Block network, String code, String fusedCode, List<Slot> slots) {
        this.network = network;
        this.archive = TorchScriptArchive.of(code, List.of("packed")).bytes();
        this.code = code;
        this.fusedCode = fusedCode;
        this.slots = List.copyOf(slots);
        Cleaning.CLEANER.register(this, loaded);
    }

    /**
     * How many modules the cleaner has freed because their owner was no longer reachable.
     *
     * @return the count since the JVM started
     */
    static int cleanedModules() {
        return CLEANED.get();
    }

    /**
     * Whether {@value #PROPERTY} is not {@code false} (read on every pass).
     *
     * @return whether networks may run as TorchScript modules
     */
    static boolean isEnabled() {
        return Switches.isOn(PROPERTY);
    }

    /**
     * Runs the network as the module if that applies: a frozen inference pass on PyTorch. A
     * training pass, or a pass with a parameter not frozen, drops the module and answers empty (the
     * network then runs layer by layer). The module's first output for each input shape is compared
     * with {@code layered}'s on the same input ({@link #agrees}); if they differ, or the module
     * cannot be loaded or run, it is not used again for this network (a log line says so) and the
     * layer-by-layer output is returned.
     *
     * @param ps the parameter store of the pass
     * @param inputs the network's input, already in the layout the network runs in
     * @param training whether this is a training pass
     * @param layered the network's layer-by-layer pass, for the check
     * @return the output, or empty
     */
    Optional<NDList> forward(
            ParameterStore ps, NDList inputs, boolean training, UnaryOperator<NDList> layered) {
        if (rejected || training || inputs.size() != 1 || !isFrozen()) {
            drop();
            return Optional.empty();
        }
        NDArray x = inputs.head();
        NDArray[] args = arguments(ps, x);
        NDList all = new NDList(x);
        all.addAll(new NDList(args));
        Shape shape = x.getShape();
        lock.readLock().lock();
        try {
            if (loaded.model != null && isSame(args)) {
                Model f = fused.get(shape);
                if (f != null) {
                    return Optional.of(fusedPass(f, ps, x));
                }
                if (checked.contains(shape) && !wantsFused(shape)) {
                    return Optional.of(loaded.model.getBlock().forward(ps, all, false));
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        lock.writeLock().lock();
        try {
            if (rejected) {
                return Optional.empty();
            }
            if (loaded.model != null && isSame(args) && fused.containsKey(shape)) {
                return Optional.of(fusedPass(fused.get(shape), ps, x));
            }
            NDList scripted;
            try {
                if (loaded.model == null || !isSame(args)) {
                    close();
                    loaded.model = load(x);
                    packedFrom = args;
                }
                // The first pass packs the weights into the module; oneDNN picks its kernels per
                // input shape: the first pass of each shape runs alone and is checked.
                scripted = loaded.model.getBlock().forward(ps, all, false);
            } catch (RuntimeException e) {
                // A libtorch without these operators, or one that refuses the module: the layers
                // answer (an input the network cannot take fails there, with the layers' error).
                NDList reference = layered.apply(inputs);
                rejected = true;
                close();
                LOG.warn(
                        "{}: the TorchScript module could not run on input {} ({}); the network"
                                + " runs layer by layer",
                        network.getClass().getSimpleName(),
                        shape,
                        e.getCause() == null ? e.toString() : e + ", caused by " + e.getCause());
                return Optional.of(reference);
            }
            NDList reference = null;
            if (wantsFused(shape)) {
                reference = layered.apply(inputs);
                Optional<NDList> f = fusedForward(ps, x, args, reference);
                if (f.isPresent()) {
                    return f;
                }
            }
            if (checked.contains(shape)) {
                return Optional.of(scripted);
            }
            if (reference == null) {
                reference = layered.apply(inputs);
            }
            if (!agrees(scripted.head(), reference.head())) {
                rejected = true;
                close();
                LOG.info(
                        "{}: the TorchScript module's output for input {} differs from the"
                                + " layer-by-layer pass (oneDNN's prepacked kernels at"
                                + " ONEDNN_MAX_CPU_ISA={}); the network runs layer by layer, as"
                                + " with -D"
                                + PROPERTY
                                + "=false",
                        network.getClass().getSimpleName(),
                        shape,
                        System.getenv("ONEDNN_MAX_CPU_ISA"));
                return Optional.of(reference);
            }
            checked.add(shape);
            return Optional.of(scripted);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Whether a pass of {@code shape} should get a fused module that it does not have yet. */
    private boolean wantsFused(Shape shape) {
        return !fusedRejected
                && !fused.containsKey(shape)
                && fused.size() < FUSED_SHAPES
                && TorchGraphFuser.isAvailable();
    }

    /** One pass of a fused module, with the fuser on for it. */
    private static NDList fusedPass(Model module, ParameterStore ps, NDArray x) {
        return TorchGraphFuser.fusing(() -> module.getBlock().forward(ps, new NDList(x), false));
    }

    /**
     * Loads a fused module for {@code x}'s shape, with {@code args} as its constants, runs it
     * {@value #FUSION_PASSES} times and compares the last output with {@code reference}. A module
     * the fuser did not take, or whose output differs, is closed and no fused module is made for
     * this network again (logged); empty then, and the prepacked module answers. Under the write
     * lock.
     */
    private Optional<NDList> fusedForward(
            ParameterStore ps, NDArray x, NDArray[] args, NDList reference) {
        Shape shape = x.getShape();
        Model module = null;
        String why;
        try {
            List<TorchScriptArchive.Constant> constants = new ArrayList<>(args.length);
            for (NDArray a : args) {
                constants.add(
                        new TorchScriptArchive.Constant(a.getShape().getShape(), a.toFloatArray()));
            }
            module = load(x, TorchScriptArchive.of(fusedCode, List.of(), constants).bytes());
            long before = TorchGraphFuser.fusedGraphs();
            NDList out = null;
            for (int i = 0; i < FUSION_PASSES; i++) {
                out = fusedPass(module, ps, x);
            }
            if (TorchGraphFuser.fusedGraphs() == before) {
                why = "the fuser was not called for it";
            } else if (!agrees(out.head(), reference.head())) {
                why = "its output differs from the layer-by-layer pass";
            } else {
                fused.put(shape, module);
                return Optional.of(out);
            }
        } catch (RuntimeException e) {
            why = "it could not run (" + e + ")";
        }
        if (module != null) {
            module.close();
        }
        fusedRejected = true;
        loaded.closeFused();
        LOG.info(
                "{}: the module for oneDNN's graph fuser was not used for input {}: {}; the"
                        + " network runs on prepacked weights",
                network.getClass().getSimpleName(),
                shape,
                why);
        return Optional.empty();
    }

    /** The input shapes that have a fused module (for tests). */
    Set<Shape> fusedShapes() {
        return Set.copyOf(fused.keySet());
    }

    /** Whether the fused modules were turned away for this network (for tests). */
    boolean isFusedRejected() {
        return fusedRejected;
    }

    /** The fused module's code (for tests). */
    String fusedCode() {
        return fusedCode;
    }

    /**
     * Whether a module's output agrees with the layer-by-layer output: every element within {@value
     * #TOLERANCE} of it, relative to the larger of 1 and the largest layer-by-layer value. The same
     * computation in another order differs by float rounding (about 1e-6 here); a wrong kernel by
     * far more.
     *
     * @param scripted the module's output
     * @param layered the layer-by-layer output
     * @return whether they agree
     */
    static boolean agrees(NDArray scripted, NDArray layered) {
        if (!scripted.getShape().equals(layered.getShape())) {
            return false;
        }
        float[] a = scripted.toFloatArray();
        float[] b = layered.toFloatArray();
        double scale = 1;
        for (float v : b) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= TOLERANCE * scale)) {
                return false;
            }
        }
        return true;
    }

    /** The module's code (for tests). */
    String code() {
        return code;
    }

    /** Whether a loaded module's check failed, so the network runs layer by layer (for tests). */
    boolean isRejected() {
        return rejected;
    }

    /** Frees the module, if loaded: parameters may change, so its packed weights would be stale. */
    void drop() {
        if (loaded.model == null) {
            return;
        }
        lock.writeLock().lock();
        try {
            close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Whether a module is loaded (for tests). */
    boolean isLoaded() {
        lock.readLock().lock();
        try {
            return loaded.model != null;
        } finally {
            lock.readLock().unlock();
        }
    }

    private void close() {
        loaded.close();
        packedFrom = null;
        checked.clear();
    }

    private boolean isFrozen() {
        List<Parameter> all = parameters;
        if (all == null) {
            // Once: the block's parameter list is fixed, and collecting it walks every child
            // block and builds every parameter's name (about 0.1 ms a pass for ResNet-18).
            List<Parameter> list = new ArrayList<>();
            for (var p : network.getParameters()) {
                list.add(p.getValue());
            }
            all = List.copyOf(list);
            parameters = all;
        }
        for (Parameter p : all) {
            if (p.requiresGradient()) {
                return false;
            }
        }
        return true;
    }

    private NDArray[] arguments(ParameterStore ps, NDArray x) {
        NDArray[] args = new NDArray[slots.size()];
        Device device = x.getDevice();
        BatchNormFold lastFold = null;
        NDArray[] folded = null;
        for (int i = 0; i < args.length; i++) {
            Slot s = slots.get(i);
            if (s.fold() != null) {
                if (s.fold() != lastFold) { // a fold's weight and bias are adjacent slots
                    lastFold = s.fold();
                    folded = lastFold.foldedArrays(ps, device);
                }
                args[i] = folded[s.foldIndex()];
            } else {
                args[i] = ps.getValue(s.parameter(), device, false);
            }
        }
        return args;
    }

    private boolean isSame(NDArray[] args) {
        if (packedFrom == null) {
            return false;
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i] != packedFrom[i]) {
                return false;
            }
        }
        return true;
    }

    private Model load(NDArray x) {
        return load(x, archive);
    }

    private static Model load(NDArray x, byte[] archive) {
        Model m =
                Model.newInstance(
                        "keypoints-torchscript",
                        x.getDevice(),
                        x.getManager().getEngine().getEngineName());
        try {
            m.load(new ByteArrayInputStream(archive));
            return m;
        } catch (IOException e) {
            m.close();
            throw new UncheckedIOException("Could not load the network's TorchScript module", e);
        } catch (MalformedModelException | RuntimeException e) {
            m.close();
            throw new IllegalStateException("Could not load the network's TorchScript module", e);
        }
    }

    /**
     * A network's module, written on the network's first frozen inference pass on PyTorch while
     * {@value #PROPERTY} is on, and used from then on ({@link TorchScriptForward#forward}); turning
     * the property off drops a loaded module on the next pass.
     */
    static final class Lazy {
        private final WrittenOnce<TorchScriptForward> module;

        /**
         * Holds the module {@code writer} writes, once.
         *
         * @param writer writes the network's module, or answers empty
         */
        Lazy(Supplier<Optional<TorchScriptForward>> writer) {
            this.module = new WrittenOnce<>(writer);
        }

        /**
         * Runs {@code network} on {@code inputs} as its module if that applies.
         *
         * @param network the network
         * @param ps the parameter store of the pass
         * @param inputs its input, in the layout the network runs in
         * @param training whether this is a training pass
         * @param layered the network's layer-by-layer pass, for the module's check
         * @return the output, or empty when the network should run layer by layer
         */
        Optional<NDList> forward(
                Block network,
                ParameterStore ps,
                NDList inputs,
                boolean training,
                UnaryOperator<NDList> layered) {
            if (!isEnabled()) {
                // Read on every pass, as the MXNet graph's switch is.
                drop();
                return Optional.empty();
            }
            if (!module.isWritten()
                    && (training
                            || inputs.isEmpty()
                            || !"PyTorch"
                                    .equals(inputs.head().getManager().getEngine().getEngineName())
                            || !network.isInitialized())) {
                return Optional.empty();
            }
            return module.get().flatMap(t -> t.forward(ps, inputs, training, layered));
        }

        /** Frees the module, if loaded (parameters may change). */
        void drop() {
            module.ifWritten().ifPresent(TorchScriptForward::drop);
        }

        /** The module, if written (for tests). */
        Optional<TorchScriptForward> written() {
            return module.ifWritten();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TorchScriptForward(%d arguments)", slots.size());
    }
}
