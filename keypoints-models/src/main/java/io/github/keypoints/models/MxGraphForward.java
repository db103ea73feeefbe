package io.github.keypoints.models;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A network's frozen-inference forward pass on MXNet as one {@link MxGraph}, which DJL's MXNet
 * engine runs as a cached operator with memory planned once ({@code static_alloc}): one call into
 * the engine per pass instead of one per layer, and no per-layer allocation. Same operators, same
 * kernels, so the output equals the layer-by-layer pass (the tests compare them).
 *
 * <p>It applies when the input is on MXNet, every parameter is frozen ({@link
 * Parameter#requiresGradient()} false, as the library's inference paths leave them) and the system
 * property {@value #PROPERTY} is not {@code false}; otherwise {@link #forward} answers empty and
 * the network runs layer by layer. The graph holds copies of the parameter arrays, made again when
 * the arrays change (loading, {@link Parameter#setArray}, a new batch-norm fold); like the folds it
 * does not see a frozen parameter changed in place. Passes through one instance take turns (MXNet's
 * cached operator keeps its buffers between calls).
 *
 * <p>The engine's symbol block is made through DJL's engine-neutral API ({@link
 * Engine#newSymbolBlock}) and filled from the serialised form DJL's MXNet symbol block reads
 * (format {@value #SYMBOL_BLOCK_FORMAT}: the graph's JSON, the input names, one entry per
 * variable).
 */
final class MxGraphForward {

    /** The system property that turns the graph off ({@code false}); on by default. */
    static final String PROPERTY = "keypoints.mxnetGraph";

    /** The version byte of DJL 0.36's MXNet symbol block serialisation. */
    static final byte SYMBOL_BLOCK_FORMAT = 3;

    private static final String MXNET = "MXNet";

    /** The parameter arrays a graph runs on, in the order of its parameter variables. */
    @FunctionalInterface
    interface ArraySource {
        /**
         * The current arrays.
         *
         * @param ps the parameter store of the pass
         * @param device the device of the input
         * @return one array per parameter variable
         */
        NDArray[] arrays(ParameterStore ps, Device device);
    }

    /**
     * The engine's block, the arrays it was made from, and the manager of the block, its cached
     * operator and the parameter copies.
     */
    private record Compiled(
            SymbolBlock block, ParameterStore store, NDArray[] from, NDManager manager) {
        boolean isFrom(NDArray[] arrays) {
            for (int i = 0; i < from.length; i++) {
                if (from[i] != arrays[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    private final MxGraph graph;
    private final List<Parameter> parameters;
    private final ArraySource source;
    private Compiled compiled;

    /**
     * Creates the forward pass of a graph.
     *
     * @param graph the network as a graph
     * @param parameters every parameter of the network, checked to be frozen on each pass
     * @param source the arrays of the graph's parameter variables
     */
    MxGraphForward(MxGraph graph, List<Parameter> parameters, ArraySource source) {
        this.graph = graph;
        this.parameters = List.copyOf(parameters);
        this.source = source;
    }

    /**
     * Whether the graph is turned on: {@value #PROPERTY} is unset or not {@code false}.
     *
     * @return whether it may be used
     */
    static boolean isEnabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").strip());
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

    /**
     * Runs the network on {@code inputs} as one graph, if it applies (see the class comment).
     *
     * @param inputs the network's inputs
     * @return the output, or empty when the network should run layer by layer
     */
    Optional<NDList> forward(NDList inputs) {
        if (inputs.size() != 1 || !isEnabled()) {
            return Optional.empty();
        }
        NDArray x = inputs.head();
        if (!isEngineOf(x)) {
            return Optional.empty();
        }
        for (Parameter p : parameters) {
            if (p.requiresGradient() || !p.isInitialized()) {
                return Optional.empty();
            }
        }
        return Optional.of(run(x));
    }

    private synchronized NDList run(NDArray x) {
        ParameterStore ps = new ParameterStore(x.getManager(), false);
        NDArray[] arrays = source.arrays(ps, x.getDevice());
        Compiled c = compiled;
        if (c == null || !c.isFrom(arrays)) {
            drop();
            c = compile(arrays);
            compiled = c;
        }
        // DJL's cached operator finds a named input by its name; the graph's is "data".
        String name = x.getName();
        boolean rename = name != null && !MxGraph.INPUT.equals(name);
        if (rename) {
            x.setName(MxGraph.INPUT);
        }
        try {
            return c.block().forward(c.store(), new NDList(x), false);
        } finally {
            if (rename) {
                x.setName(name);
            }
        }
    }

    private Compiled compile(NDArray[] arrays) {
        List<String> names = graph.parameterNames();
        if (arrays.length != names.size()) {
            throw new IllegalStateException(
                    "graph has " + names.size() + " parameter variables, got " + arrays.length);
        }
        // Closing this manager frees the copies and the engine's cached operator with its buffers.
        NDManager manager = arrays[0].getManager().newSubManager();
        try {
            SymbolBlock block = manager.getEngine().newSymbolBlock(manager);
            block.loadParameters(
                    manager, new DataInputStream(new ByteArrayInputStream(serialised())));
            ParameterList loaded = block.getParameters();
            for (int i = 0; i < arrays.length; i++) {
                Parameter p = loaded.get(names.get(i));
                if (p == null) {
                    throw new IllegalStateException(
                            "graph variable " + names.get(i) + " not found");
                }
                NDArray copy = arrays[i].duplicate();
                copy.attach(manager);
                p.setArray(copy);
            }
            return new Compiled(block, new ParameterStore(manager, false), arrays.clone(), manager);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            manager.close();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("the MXNet engine did not read the network's graph", e);
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

    /**
     * Frees the engine's block and parameter copies, if held: before training, or on new arrays.
     */
    synchronized void drop() {
        Compiled c = compiled;
        if (c != null) {
            compiled = null;
            c.manager().close();
        }
    }

    /**
     * A network's graph, written on its first frozen inference pass on MXNet (when every parameter
     * has its shape); empty for good when the network has layers a graph cannot hold.
     */
    static final class Lazy {
        private final Supplier<Optional<MxGraphForward>> writer;
        private volatile Optional<MxGraphForward> graph;

        /**
         * Holds the graph {@code writer} writes, once.
         *
         * @param writer writes the network's graph, or answers empty
         */
        Lazy(Supplier<Optional<MxGraphForward>> writer) {
            this.writer = writer;
        }

        /**
         * Runs {@code network} on {@code inputs} as its graph if that applies ({@link
         * MxGraphForward#forward}).
         *
         * @param network the network
         * @param inputs its inputs
         * @return the output, or empty when the network should run layer by layer
         */
        Optional<NDList> forward(Block network, NDList inputs) {
            Optional<MxGraphForward> g = graph;
            if (g == null) {
                if (inputs.isEmpty()
                        || !isEnabled()
                        || !isEngineOf(inputs.head())
                        || !network.isInitialized()) {
                    return Optional.empty();
                }
                synchronized (this) {
                    g = graph;
                    if (g == null) {
                        g = writer.get();
                        graph = g;
                    }
                }
            }
            return g.flatMap(f -> f.forward(inputs));
        }

        /** The graph, if written (for tests). */
        Optional<MxGraphForward> written() {
            Optional<MxGraphForward> g = graph;
            return g == null ? Optional.empty() : g;
        }

        /** Frees what the graph holds, if written ({@link MxGraphForward#drop()}). */
        void drop() {
            Optional<MxGraphForward> g = graph;
            if (g != null) {
                g.ifPresent(MxGraphForward::drop);
            }
        }
    }

    /** Whether a compiled graph is held (for tests). */
    synchronized boolean isCompiled() {
        return compiled != null;
    }
}
