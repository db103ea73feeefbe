package io.github.keypoints.models;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A {@link SequentialBlock} that runs channels-last on PyTorch when {@link ChannelsLast} says so
 * for it ({@link ChannelsLast#isOn(ai.djl.nn.Block, String)}): its input is laid out channels-last
 * before the first layer, and its 4-D weights after they are initialised or loaded. Convolutions,
 * batch norm, ReLU and pooling keep the layout, so every convolution of the stack sees a
 * channels-last input; flattening copies back into the logical order. The stack regressors ({@link
 * ConvRegressor}, {@link LandmarkCnn}) extend it.
 *
 * <p>On every engine a bias-free convolution directly followed by a batch norm runs as one folded
 * convolution in frozen inference ({@link BatchNormFold}, as in {@link LandmarkCnn}). On MXNet
 * inference runs the whole stack as one graph ({@link MxGraphForward}) when every layer is of a
 * kind {@link MxGraphWriter#sequence} writes, as the zoo's stacks are. On PyTorch frozen inference
 * runs the stack as one TorchScript module with its convolution weights prepacked for oneDNN,
 * checked against the layer-by-layer pass for each new input shape ({@link TorchScriptForward};
 * {@value TorchScriptForward#PROPERTY}{@code =false} turns it off).
 *
 * <p>A training pass runs each ReLU that is directly followed by a 2×2 max pooling after that
 * pooling instead of before it ({@link #trainingOrder}). The two commute exactly — {@code
 * max(relu(a), relu(b)) = relu(max(a, b))} — and so do their gradients: a window's gradient goes to
 * its maximum either way, and through the ReLU only where that maximum is positive. So outputs,
 * gradients and trained weights are those of the written order, while the ReLU, forward and
 * backward, touches a quarter of the elements and no full-size ReLU output is allocated. The system
 * property {@value #POOL_FIRST_PROPERTY}{@code =false} runs the children in their written order.
 *
 * <p>On PyTorch a training pass runs a convolution that is directly followed by a 2×2 max pooling
 * without its bias, and adds the bias to the pooled output ({@link BiasAfterPooling}): the same
 * values up to rounding, and the weight-gradient kernel no longer computes the bias's gradient.
 *
 * <p>On MXNet a training pass also gives a convolution whose filter count is not a multiple of 16
 * zero filters, and the next convolution matching zero input channels, so that MXNet's oneDNN runs
 * both on its AVX-512 kernels ({@link ChannelPadding}); outputs and gradients are the unpadded
 * network's up to rounding.
 */
abstract class ChannelsLastSequentialBlock extends SequentialBlock {

    /**
     * The system property that, set to {@code false}, makes a training pass run the children in
     * their written order (ReLU before pooling); by default the pooling runs first.
     */
    static final String POOL_FIRST_PROPERTY = "keypoints.poolBeforeRelu";

    /** Per child, the fold that starts at it or {@code null}; built on the first forward pass. */
    private volatile List<BatchNormFold> folds;

    /** The stack as a TorchScript module on PyTorch, when every layer has a TorchScript form. */
    private final TorchScriptForward.Lazy script =
            new TorchScriptForward.Lazy(
                    () ->
                            TorchScriptWriter.sequence(
                                    this, getChildren().values(), folds(getChildren().values())));

    /** The stack as one MXNet graph, when every layer has a graph form. */
    private final MxGraphForward.Lazy graph =
            new MxGraphForward.Lazy(
                    () ->
                            MxGraphWriter.sequence(
                                    this, getChildren().values(), folds(getChildren().values())));

    /** {@inheritDoc} On PyTorch the input is first laid out channels-last. */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        return ChannelsLast.forward(
                this, inputs, in -> layers(parameterStore, in, training, params));
    }

    /**
     * The children in order, each (convolution, batch norm) pair through its fold; a stack without
     * pairs runs its children as {@code SequentialBlock} does.
     */
    private NDList layers(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        if (!isReturnIntermediate()) {
            // A training pass never runs the graph, but tells it parameters may change in place.
            Optional<NDList> whole = graph.forward(this, parameterStore, inputs, training);
            if (whole.isPresent()) {
                return whole.get();
            }
            Optional<NDList> scripted = script(parameterStore, inputs, training, params);
            if (scripted.isPresent()) {
                return scripted.get();
            }
        }
        return layerByLayer(parameterStore, inputs, training, params);
    }

    /** The children in order, each (convolution, batch norm) pair through its fold. */
    private NDList layerByLayer(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        List<Block> children = getChildren().values();
        List<BatchNormFold> pairs = folds(children);
        if (isReturnIntermediate()) {
            dropFolds();
            return super.forwardInternal(parameterStore, inputs, training, params);
        }
        if (training) {
            // Training may change the parameters in place: folded arrays would be stale.
            dropFolds();
            return trainingPass(parameterStore, inputs, null, params);
        }
        NDList current = inputs;
        for (int i = 0; i < children.size(); i++) {
            BatchNormFold pair = pairs.get(i);
            if (pair != null) {
                current = new NDList(pair.forward(parameterStore, current.head(), false, null));
                i++; // the batch norm ran inside the fold
            } else {
                current = children.get(i).forward(parameterStore, current, false);
            }
        }
        return current;
    }

    /**
     * The stack as a TorchScript module on PyTorch ({@link TorchScriptForward}, unless {@value
     * TorchScriptForward#PROPERTY} is {@code false}), checked against the layer-by-layer pass for
     * each new input shape, or empty; a training pass drops a loaded module.
     */
    private Optional<NDList> script(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return script.forward(
                this, ps, inputs, training, in -> layerByLayer(ps, in, false, params));
    }

    private List<BatchNormFold> folds(List<Block> children) {
        List<BatchNormFold> f = folds;
        if (f == null || f.size() != children.size()) {
            // Once, for every thread: a second set would hold folded arrays nobody drops.
            synchronized (this) {
                f = folds;
                if (f == null || f.size() != children.size()) {
                    f = BatchNormFold.chain(children, BatchNormFold.DEFAULT_EPSILON);
                    folds = f;
                }
            }
        }
        return f;
    }

    private void dropFolds() {
        for (BatchNormFold pair : folds(getChildren().values())) {
            if (pair != null) {
                pair.drop();
            }
        }
    }

    /** The stack's TorchScript module, if written (for tests). */
    Optional<TorchScriptForward> torchScript() {
        return script.written();
    }

    /** The stack's MXNet graph (for tests). */
    MxGraphForward.Lazy mxnetGraph() {
        return graph;
    }

    /** The (convolution, batch norm) pairs, in the order they run (for tests). */
    List<BatchNormFold> batchNormFolds() {
        List<BatchNormFold> all = new ArrayList<>();
        for (BatchNormFold pair : folds(getChildren().values())) {
            if (pair != null) {
                all.add(pair);
            }
        }
        return all;
    }

    /**
     * {@inheritDoc} On PyTorch the input is first laid out channels-last. (DJL's trainer calls this
     * one, with the labels; {@code SequentialBlock} implements both separately.)
     */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList data,
            NDList labels,
            PairList<String, Object> params) {
        dropFolds();
        script.drop();
        return ChannelsLast.forward(
                this, data, in -> trainingPass(parameterStore, in, labels, params));
    }

    /**
     * A training pass: the children in {@link #trainingOrder}, or in their written order when
     * {@value #POOL_FIRST_PROPERTY} is {@code false} or the intermediate outputs are asked for.
     *
     * @param labels the labels DJL's trainer hands on, or {@code null} for {@code forward(…, true)}
     */
    private NDList trainingPass(
            ParameterStore parameterStore,
            NDList inputs,
            NDList labels,
            PairList<String, Object> params) {
        if (isReturnIntermediate()) {
            return labels == null
                    ? super.forwardInternal(parameterStore, inputs, true, params)
                    : super.forwardInternal(parameterStore, inputs, labels, params);
        }
        List<Block> order =
                "false".equalsIgnoreCase(System.getProperty(POOL_FIRST_PROPERTY, "").trim())
                        ? getChildren().values()
                        : trainingOrder(getChildren().values());
        ChannelPadding padding =
                inputs.size() == 1 && ChannelPadding.appliesTo(inputs.head())
                        ? ChannelPadding.of(order)
                        : null;
        boolean biasAfterPooling = inputs.size() == 1 && BiasAfterPooling.appliesTo(inputs.head());
        NDList current = inputs;
        for (int i = 0; i < order.size(); i++) {
            Block block = order.get(i);
            if (padding != null && padding.pads(i)) {
                current =
                        new NDList(
                                padding.forward(
                                        i,
                                        (Conv2d) block,
                                        parameterStore,
                                        current.singletonOrThrow()));
            } else if (biasAfterPooling
                    && i + 1 < order.size()
                    && BiasAfterPooling.appliesTo(block, order.get(i + 1))) {
                current =
                        new NDList(
                                BiasAfterPooling.forward(
                                        (Conv2d) block,
                                        order.get(i + 1),
                                        parameterStore,
                                        current.singletonOrThrow()));
                i++; // the pooling ran inside
            } else {
                current =
                        labels == null
                                ? block.forward(parameterStore, current, true)
                                : block.forward(parameterStore, current, labels, params);
            }
        }
        return current;
    }

    /**
     * The children in the order a training pass runs them: each ReLU directly followed by a 2×2 max
     * pooling ({@link MaxPooling#isTwoByTwo}) swapped with it, every other child in place.
     *
     * @param children the children in their written order
     * @return a new list of the same children
     */
    static List<Block> trainingOrder(List<Block> children) {
        List<Block> order = new ArrayList<>(children);
        for (int i = 0; i + 1 < order.size(); i++) {
            if (ShapedLambda.isRelu(order.get(i)) && MaxPooling.isTwoByTwo(order.get(i + 1))) {
                Collections.swap(order, i, i + 1);
                i++;
            }
        }
        return order;
    }

    /** {@inheritDoc} On PyTorch the new weights are then laid out channels-last. */
    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        ChannelsLast.initialize(this, () -> super.initialize(manager, dataType, inputShapes));
    }

    /** {@inheritDoc} On PyTorch the loaded weights are then laid out channels-last. */
    @Override
    public void loadParameters(NDManager manager, DataInputStream is)
            throws IOException, MalformedModelException {
        super.loadParameters(manager, is);
        ChannelsLast.layOutParameters(this);
    }
}
