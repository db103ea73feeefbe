package io.github.keypoints.models;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.SymbolBlock;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network's forward pass on MXNet as one {@link MxGraph}, which DJL's MXNet engine runs as a
 * cached operator with memory planned once ({@code static_alloc}): one call into the engine per
 * pass instead of one per layer, and no per-layer allocation. Same operators, same kernels, so the
 * output equals the layer-by-layer pass (the tests compare them).
 *
 * <p>While every parameter is frozen the graph is first handed to MXNet's oneDNN graph pass ({@code
 * optimizeFor("MKLDNN")} on DJL's MXNet symbol block, called by name so that no engine class is
 * compiled against): a convolution or fully connected layer and the ReLU or residual sum after it
 * run as one oneDNN primitive, with its weights laid out for it once. Those operators see new
 * parameter arrays (loading sets new ones) but not values written into the arrays they ran with, so
 * the fused graph is dropped on any training pass and any pass with a parameter not frozen; as with
 * {@link BatchNormFold}, a frozen parameter changed in place is not seen (set a new array, or
 * unfreeze it for a pass). The system property {@value #FUSION_PROPERTY} {@code false} keeps the
 * graph unfused; where the engine's block has no such pass, the graph runs unfused.
 *
 * <p>It applies to inference passes on MXNet, unless the system property {@value #PROPERTY} is
 * {@code false}. A graph with folded batch norms ({@link Kind#FROZEN_INFERENCE}) runs only while
 * every parameter is frozen ({@link Parameter#requiresGradient()} false, as the library's inference
 * paths leave them): like {@link BatchNormFold} it does not see a frozen parameter changed in
 * place. Training passes, and inference passes whose input itself takes a gradient (a saliency
 * map), run layer by layer: the graph's training pass through MXNet's autograd was measured no
 * faster (the 58-point step a few per cent slower) and is not offered. Otherwise {@link #forward}
 * answers empty and the network runs layer by layer.
 *
 * <p>Every pass feeds the graph the arrays the caller's parameter store hands out, as the layers
 * would take them: no copies, and parameters updated in place (validation during training) are
 * seen. Passes through one instance take turns (MXNet's cached operator keeps its buffers between
 * calls).
 *
 * <p>The engine's symbol block is made through DJL's engine-neutral API ({@link
 * Engine#newSymbolBlock}) and filled from the serialised form DJL's MXNet symbol block reads
 * (format {@value #SYMBOL_BLOCK_FORMAT}: the graph's JSON, the input names, one entry per
 * variable).
 */
final class MxGraphForward {

    /** The system property that turns the graph off ({@code false}); on by default. */
    static final String PROPERTY = "keypoints.mxnetGraph";

    /** The system property that keeps the graph unfused ({@code false}); fused by default. */
    static final String FUSION_PROPERTY = "keypoints.mxnetFusion";

    /** MXNet 1.9's name for its oneDNN graph pass. */
    static final String FUSION_BACKEND = "MKLDNN";

    private static final Logger LOG = LoggerFactory.getLogger(MxGraphForward.class);

    /** The version byte of DJL 0.36's MXNet symbol block serialisation. */
    static final byte SYMBOL_BLOCK_FORMAT = 3;

    private static final String MXNET = "MXNet";

    /** What a graph holds of its network, and so when it may run. */
    enum Kind {
        /** The layers as they act in inference (dropout left out): runs in any inference pass. */
        INFERENCE,
        /** Batch norms folded into the convolutions: runs in inference with frozen parameters. */
        FROZEN_INFERENCE
    }

    /** The parameter arrays a graph runs on, in the order of its parameter variables. */
    @FunctionalInterface
    interface ArraySource {
        /**
         * The current arrays.
         *
         * @param ps the parameter store of the pass
         * @param input the input of the pass
         * @return one array per parameter variable
         */
        NDArray[] arrays(ParameterStore ps, NDArray input);
    }

    /**
     * The store the engine's block takes its parameter values from: this pass's arrays, by the
     * position of the block's parameter among the graph's variables.
     */
    private static final class Feed extends ParameterStore {
        private final Map<Parameter, Integer> positions;
        private NDArray[] current;

        Feed(NDManager manager, Map<Parameter, Integer> positions) {
            super(manager, false);
            this.positions = positions;
        }

        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            Integer i = positions.get(parameter);
            if (i == null || current == null) {
                throw new IllegalStateException("no array for graph variable " + parameter);
            }
            return current[i];
        }
    }

    /** The engine's block, the store that feeds it, and the manager that frees them. */
    private record Compiled(SymbolBlock block, Feed feed, NDManager manager) {}

    private final MxGraph graph;
    private final List<Parameter> parameters;
    private final ArraySource source;
    private final Kind kind;
    private Compiled compiled;
    private Compiled fused;
    private boolean fusionUnavailable;

    /**
     * Creates the forward pass of a graph.
     *
     * @param graph the network as a graph
     * @param parameters every parameter of the network
     * @param source the arrays of the graph's parameter variables
     * @param kind what the graph holds of the network
     */
    MxGraphForward(MxGraph graph, List<Parameter> parameters, ArraySource source, Kind kind) {
        this.graph = graph;
        this.parameters = List.copyOf(parameters);
        this.source = source;
        this.kind = kind;
    }

    /**
     * Whether the graph is turned on: {@value #PROPERTY} is unset or not {@code false}.
     *
     * @return whether it may be used
     */
    static boolean isEnabled() {
        return Switches.isOn(PROPERTY);
    }

    /**
     * Whether fusion is turned on: {@value #FUSION_PROPERTY} is unset or not {@code false}.
     *
     * @return whether frozen passes may run fused
     */
    static boolean isFusionEnabled() {
        return Switches.isOn(FUSION_PROPERTY);
    }

    /**
     * Whether {@code x} is on the MXNet engine, the one that runs the graphs.
     *
     * @param x an array
     * @return whether its engine is MXNet
     */
    static boolean isEngineOf(NDArray x) {
        return MXNET.equals(x.getManager().getEngine().getEngineName());
    }

    /** The graph (for tests). */
    MxGraph graph() {
        return graph;
    }

    /** What the graph holds of its network (for tests). */
    Kind kind() {
        return kind;
    }

    /**
     * Runs the network on {@code inputs} as one graph, if it applies (see the class comment).
     *
     * @param ps the parameter store of the pass
     * @param inputs the network's inputs
     * @param training whether this is a training pass
     * @return the output, or empty when the network should run layer by layer
     */
    Optional<NDList> forward(ParameterStore ps, NDList inputs, boolean training) {
        if (training) {
            dropFused(); // parameters are about to change in place
            return Optional.empty();
        }
        if (inputs.size() != 1 || !isEnabled()) {
            return Optional.empty();
        }
        NDArray x = inputs.head();
        if (!isEngineOf(x) || x.hasGradient()) {
            return Optional.empty();
        }
        // A decoding network's graph runs before the layout step (ChannelsLast.forward), so the
        // first pass sets MXNet's OpenBLAS up here too.
        MxOpenBlasCore.prepareOnce(x.getManager().getEngine().getEngineName());
        boolean frozen = true;
        for (Parameter p : parameters) {
            if (!p.isInitialized()) {
                return Optional.empty();
            }
            frozen &= !p.requiresGradient();
        }
        if (!frozen) {
            dropFused();
            if (kind == Kind.FROZEN_INFERENCE) {
                return Optional.empty();
            }
        }
        return Optional.of(run(ps, x, frozen && isFusionEnabled()));
    }

    private synchronized void dropFused() {
        if (fused != null) {
            fused.manager().close();
            fused = null;
        }
    }

    private synchronized NDList run(ParameterStore ps, NDArray x, boolean fuse) {
        NDArray[] arrays = source.arrays(ps, x);
        if (arrays.length != graph.parameterNames().size()) {
            throw new IllegalStateException(
                    "graph has "
                            + graph.parameterNames().size()
                            + " parameter variables, got "
                            + arrays.length);
        }
        Compiled c = fuse && !fusionUnavailable ? fusedFor(arrays) : null;
        if (c == null) {
            c = compiled;
            // The engine's block lives in a manager under the parameters' one; parameters loaded
            // into another manager outlive it.
            if (c == null || !c.manager().isOpen()) {
                c = compile(arrays[0].getManager(), false);
                compiled = c;
            }
        }
        // DJL's cached operator finds a named input by its name; the graph's is "data".
        String name = x.getName();
        boolean rename = name != null && !MxGraph.INPUT.equals(name);
        if (rename) {
            x.setName(MxGraph.INPUT);
        }
        c.feed().current = arrays;
        try {
            return c.block().forward(c.feed(), new NDList(x), false);
        } finally {
            c.feed().current = null;
            if (rename) {
                x.setName(name);
            }
        }
    }

    /** The fused block, made if not held; {@code null} if the engine has no fusion pass. */
    private Compiled fusedFor(NDArray[] arrays) {
        Compiled f = fused;
        if (f != null && f.manager().isOpen()) {
            return f;
        }
        f = compile(arrays[0].getManager(), true);
        fused = f;
        return f;
    }

    private Compiled compile(NDManager parent, boolean fuse) {
        // Closing this manager (with the parameters') frees the engine's cached operator.
        NDManager manager = parent.newSubManager();
        try {
            SymbolBlock block = manager.getEngine().newSymbolBlock(manager);
            block.loadParameters(
                    manager, new DataInputStream(new ByteArrayInputStream(serialised())));
            if (fuse && !fuse(block)) {
                manager.close();
                return null;
            }
            ParameterList loaded = block.getParameters();
            List<String> names = graph.parameterNames();
            Map<Parameter, Integer> positions = new IdentityHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                Parameter p = loaded.get(names.get(i));
                if (p == null) {
                    throw new IllegalStateException(
                            "graph variable " + names.get(i) + " not found");
                }
                // The block tells parameters from inputs by whether they hold an array; the
                // values themselves come from the feed on every pass.
                p.setArray(manager.zeros(new Shape(1)));
                positions.put(p, i);
            }
            return new Compiled(block, new Feed(manager, positions), manager);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            manager.close();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("the MXNet engine did not read the network's graph", e);
        }
    }

    /**
     * Applies MXNet's oneDNN graph pass to the block; false, and never tried again, if the engine's
     * block has no such pass or it fails.
     */
    private boolean fuse(SymbolBlock block) {
        try {
            block.getClass().getMethod("optimizeFor", String.class).invoke(block, FUSION_BACKEND);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            fusionUnavailable = true;
            LOG.warn(
                    "MXNet's {} graph pass is not available ({}); the network runs unfused",
                    FUSION_BACKEND,
                    e instanceof java.lang.reflect.InvocationTargetException i ? i.getCause() : e);
            return false;
        }
    }

    /** The graph in the form DJL's MXNet symbol block reads, every variable still empty. */
    private byte[] serialised() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(SYMBOL_BLOCK_FORMAT);
            byte[] json = graph.json().getBytes(StandardCharsets.UTF_8);
            out.writeInt(json.length);
            out.write(json);
            out.writeInt(1);
            out.writeUTF(MxGraph.INPUT);
            for (int i = 0; i <= graph.parameterNames().size(); i++) {
                out.writeChar('N'); // an uninitialised parameter, set afterwards
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the engine's block has been made (for tests). */
    synchronized boolean isCompiled() {
        return compiled != null || fused != null;
    }

    /** Whether a fused block is held (for tests). */
    synchronized boolean isFused() {
        return fused != null;
    }

    /**
     * A network's graph, written on its first pass on MXNet (when every parameter has its shape);
     * empty for good when the network has layers a graph cannot hold.
     */
    static final class Lazy {
        private final WrittenOnce<MxGraphForward> graph;

        /**
         * Holds the graph {@code writer} writes, once.
         *
         * @param writer writes the network's graph, or answers empty
         */
        Lazy(Supplier<Optional<MxGraphForward>> writer) {
            this.graph = new WrittenOnce<>(writer);
        }

        /**
         * Runs {@code network} on {@code inputs} as its graph if that applies ({@link
         * MxGraphForward#forward}).
         *
         * @param network the network
         * @param ps the parameter store of the pass
         * @param inputs its inputs
         * @param training whether this is a training pass
         * @return the output, or empty when the network should run layer by layer
         */
        Optional<NDList> forward(
                Block network, ParameterStore ps, NDList inputs, boolean training) {
            if (!graph.isWritten()
                    && (training
                            || inputs.isEmpty()
                            || !isEnabled()
                            || !isEngineOf(inputs.head())
                            || !network.isInitialized())) {
                return Optional.empty();
            }
            return graph.get().flatMap(f -> f.forward(ps, inputs, training));
        }

        /** The graph, if written (for tests). */
        Optional<MxGraphForward> written() {
            return graph.ifWritten();
        }
    }
}
