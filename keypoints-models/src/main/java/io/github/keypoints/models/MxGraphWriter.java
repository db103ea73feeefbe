package io.github.keypoints.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Writes a network's layers as an {@link MxGraph} for {@link MxGraphForward}, remembering where
 * each parameter variable's array comes from: 2-D convolutions (a bias-free one with its {@link
 * BatchNormFold} as one convolution with the folded weight and bias), linear layers, ReLU, max and
 * global average pooling, flattening, addition, up-sampling, cropping, concatenation and the
 * soft-argmax decode. A graph with a folded batch norm is for frozen inference only ({@link
 * MxGraphForward.Kind}). Each method takes and returns graph nodes. Mutable until {@link
 * #forward(int)}.
 */
final class MxGraphWriter {

    /**
     * One parameter variable's array: a parameter's value, one of a fold's two arrays, or an array
     * computed from the pass's input.
     */
    private record Slot(
            Parameter parameter,
            BatchNormFold fold,
            int foldIndex,
            Function<NDArray, NDArray> computed) {
        Slot(Parameter parameter) {
            this(parameter, null, 0, null);
        }

        Slot(BatchNormFold fold, int foldIndex) {
            this(null, fold, foldIndex, null);
        }
    }

    private final MxGraph.Builder graph = MxGraph.builder();
    private final List<Slot> slots = new ArrayList<>();
    private final List<Parameter> parameters = new ArrayList<>();
    private int names;
    private boolean folded;

    /**
     * Starts a graph of a network.
     *
     * @param network the network, all of whose parameters must be frozen for the graph to run
     */
    MxGraphWriter(Block network) {
        parameters.addAll(network.getParameters().values());
    }

    /** The input node. */
    int input() {
        return graph.input();
    }

    /**
     * The graph of a chain of layers — those of the zoo's stacks, dropout skipped — or empty if a
     * layer is of another kind.
     *
     * @param network the network the chain makes up
     * @param blocks the layers in the order they run
     * @param folds per layer, the fold that starts at it or {@code null} ({@link
     *     BatchNormFold#chain})
     * @return the graph's forward pass, or empty
     */
    static Optional<MxGraphForward> sequence(
            Block network, List<Block> blocks, List<BatchNormFold> folds) {
        MxGraphWriter g = new MxGraphWriter(network);
        int x = g.input();
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            if (folds.get(i) != null) {
                x = g.convolution(folds.get(i), x);
                i++; // the batch norm is inside the fold
            } else if (b instanceof Conv2d conv) {
                x = g.convolution(conv, x);
            } else if (b instanceof Linear linear) {
                x = g.linear(linear, x);
            } else if (MaxPooling.isTwoByTwo(b)) {
                x = g.maxPool(x, 2, 2, 0, false);
            } else if (ShapedLambda.isRelu(b)) {
                x = g.relu(x);
            } else if (b instanceof LambdaBlock lambda && "batchFlatten".equals(lambda.getName())) {
                x = g.flatten(x);
            } else if (!(b instanceof Dropout)) { // dropout acts in training only, and is left out
                return Optional.empty();
            }
        }
        return Optional.of(g.forward(x));
    }

    /**
     * A convolution with its batch norm folded in.
     *
     * @param fold the convolution and batch norm
     * @param x the input node
     * @return the output node
     */
    int convolution(BatchNormFold fold, int x) {
        folded = true;
        String name = name();
        int w = variable(name + "_weight", new Slot(fold, 0));
        int b = variable(name + "_bias", new Slot(fold, 1));
        return convolution(name, fold.convolution(), x, w, b);
    }

    /**
     * A convolution with its own weight and bias, if any.
     *
     * @param conv the convolution
     * @param x the input node
     * @return the output node
     */
    int convolution(Conv2d conv, int x) {
        String name = name();
        int w = variable(name + "_weight", new Slot(conv.getParameters().get("weight")));
        int b = -1;
        if (conv.isIncludeBias()) {
            b = variable(name + "_bias", new Slot(conv.getParameters().get("bias")));
        }
        return convolution(name, conv, x, w, b);
    }

    private int convolution(String name, Conv2d conv, int x, int weight, int bias) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("kernel", tuple(conv.getKernelShape()));
        attrs.put("stride", tuple(conv.getStride()));
        attrs.put("pad", tuple(conv.getPadding()));
        attrs.put("dilate", tuple(conv.getDilation()));
        attrs.put("num_filter", Integer.toString(conv.getFilters()));
        attrs.put("num_group", Integer.toString(conv.getGroups()));
        attrs.put("no_bias", bias < 0 ? "True" : "False");
        return bias < 0
                ? graph.op("Convolution", name, attrs, x, weight)
                : graph.op("Convolution", name, attrs, x, weight, bias);
    }

    /**
     * A linear layer on the last axis ({@code FullyConnected} without flattening, as DJL's).
     *
     * @param linear the layer, initialised
     * @param x the input node
     * @return the output node
     */
    int linear(Linear linear, int x) {
        String name = name();
        Parameter weight = linear.getParameters().get("weight");
        Parameter bias = linear.getParameters().get("bias");
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("num_hidden", Long.toString(weight.getArray().getShape().get(0)));
        attrs.put("no_bias", bias == null ? "True" : "False");
        attrs.put("flatten", "False");
        int w = variable(name + "_weight", new Slot(weight));
        if (bias == null) {
            return graph.op("FullyConnected", name, attrs, x, w);
        }
        int b = variable(name + "_bias", new Slot(bias));
        return graph.op("FullyConnected", name, attrs, x, w, b);
    }

    /**
     * Max pooling over square windows, padding excluded from the maximum.
     *
     * @param x the input node
     * @param kernel the window's side
     * @param stride the step
     * @param padding the padding on each side
     * @param ceilMode whether the output size rounds up
     * @return the output node
     */
    int maxPool(int x, int kernel, int stride, int padding, boolean ceilMode) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("kernel", "(" + kernel + ", " + kernel + ")");
        attrs.put("stride", "(" + stride + ", " + stride + ")");
        attrs.put("pad", "(" + padding + ", " + padding + ")");
        attrs.put("pool_type", "max");
        attrs.put("pooling_convention", ceilMode ? "full" : "valid");
        return graph.op("Pooling", name(), attrs, x);
    }

    /**
     * Average pooling over each whole channel, flattened to {@code [N, C]}.
     *
     * @param x the input node
     * @return the output node
     */
    int globalAvgPoolFlat(int x) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("kernel", "(1, 1)");
        attrs.put("pool_type", "avg");
        attrs.put("global_pool", "True");
        return flatten(graph.op("Pooling", name(), attrs, x));
    }

    /**
     * ReLU.
     *
     * @param x the input node
     * @return the output node
     */
    int relu(int x) {
        return graph.op("Activation", name(), Map.of("act_type", "relu"), x);
    }

    /**
     * Flattening to {@code [N, rest]}.
     *
     * @param x the input node
     * @return the output node
     */
    int flatten(int x) {
        return graph.op("Flatten", name(), Map.of(), x);
    }

    /**
     * Element-wise sum of two nodes of one shape.
     *
     * @param a a node
     * @param b a node
     * @return the output node
     */
    int add(int a, int b) {
        return graph.op("elemwise_add", name(), Map.of(), a, b);
    }

    /**
     * Nearest-neighbour up-sampling by 2 in both directions.
     *
     * @param x the input node
     * @return the output node
     */
    int upsampleTwice(int x) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("scale", "2");
        attrs.put("sample_type", "nearest");
        attrs.put("num_args", "1");
        return graph.op("UpSampling", name(), attrs, x);
    }

    /**
     * The top-left part of {@code x} as high and wide as {@code like}. MXNet's {@code Crop} (two
     * inputs, no offset) rather than {@code slice_like} on axes 2 and 3: the same values, and the
     * heatmap network's batch-1 pass about 4 % shorter (docs/performance-inference.md).
     *
     * @param x the input node
     * @param like a node at most as high and wide
     * @return the output node
     */
    int cropLike(int x, int like) {
        return graph.op("Crop", name(), Map.of("num_args", "2"), x, like);
    }

    /**
     * Concatenation along the channel axis.
     *
     * @param a the first node
     * @param b the second node
     * @return the output node
     */
    int concatChannels(int a, int b) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("dim", "1");
        attrs.put("num_args", "2");
        return graph.op("Concat", name(), attrs, a, b);
    }

    /**
     * The soft-argmax decode ({@link SoftArgmax#decode}): a softmax over each map's cells, then the
     * expected cell centre as one product with the grid of cell centres.
     *
     * @param maps the heatmaps node, {@code [B, N, h, w]}
     * @param outputs {@code 2N}
     * @param beta the softmax sharpness
     * @param grid computes the {@code [h·w, 2]} grid ({@link SoftArgmax#grid}) for a pass's input;
     *     called on every pass, so it should keep what it made for the last input size
     * @return the node of the interleaved {@code x, y} per keypoint, {@code [B, 2N]}
     */
    int softArgmax(int maps, int outputs, float beta, Function<NDArray, NDArray> grid) {
        String name = name();
        int cells = variable(name + "_grid", new Slot(null, null, 0, grid));
        // -3 merges two axes: [B, N, h, w] becomes [B·N, h·w] whatever the sizes.
        int logits = graph.op("Reshape", name + "_flat", Map.of("shape", "(-3, -3)"), maps);
        if (beta != 1f) {
            logits =
                    graph.op(
                            "_mul_scalar",
                            name + "_beta",
                            Map.of("scalar", Float.toString(beta)),
                            logits);
        }
        int p = graph.op("softmax", name + "_softmax", Map.of("axis", "1"), logits);
        int xy = graph.op("dot", name + "_dot", Map.of(), p, cells);
        return graph.op("Reshape", name, Map.of("shape", "(-1, " + outputs + ")"), xy);
    }

    /**
     * Finishes the graph and its forward pass.
     *
     * @param output the output node
     * @return the forward pass
     */
    MxGraphForward forward(int output) {
        List<Slot> fixed = List.copyOf(slots);
        MxGraphForward.Kind kind =
                folded ? MxGraphForward.Kind.FROZEN_INFERENCE : MxGraphForward.Kind.INFERENCE;
        return new MxGraphForward(
                graph.build(output),
                parameters,
                (ps, input) -> {
                    NDArray[] arrays = new NDArray[fixed.size()];
                    for (int k = 0; k < arrays.length; k++) {
                        Slot s = fixed.get(k);
                        if (s.computed() != null) {
                            arrays[k] = s.computed().apply(input);
                        } else if (s.fold() != null) {
                            arrays[k] = s.fold().foldedArrays(ps, input.getDevice())[s.foldIndex()];
                        } else {
                            arrays[k] = ps.getValue(s.parameter(), input.getDevice(), false);
                        }
                    }
                    return arrays;
                },
                kind);
    }

    private int variable(String name, Slot slot) {
        slots.add(slot);
        return graph.parameter(name);
    }

    private String name() {
        return "n" + names++;
    }

    /** A shape in MXNet's attribute form, {@code (3, 3)}. */
    private static String tuple(Shape s) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < s.dimension(); i++) {
            b.append(i == 0 ? "" : ", ").append(s.get(i));
        }
        return b.append(')').toString();
    }
}
