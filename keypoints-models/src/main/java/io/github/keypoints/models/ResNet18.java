package io.github.keypoints.models;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ResNet-18 exactly as torchvision builds it (<a href="https://arxiv.org/abs/1512.03385">He et al.,
 * 2015</a>), with a configurable number of input channels and a {@code 2N}-output head, so that
 * torchvision's ImageNet weights map onto it tensor for tensor ({@link TorchvisionWeights}).
 *
 * <p>DJL's own {@code ResNetV1} is a different network (bottleneck units at every depth) and cannot
 * take these weights. Layer table for a {@code 1×224×224} input and 136 outputs (68 points):
 *
 * <pre>
 * layer     operation                                                 output      parameters
 * conv1     Conv2d(1→64, 7×7, stride 2, pad 3, no bias)                64×112×112       3,136
 * bn1       BatchNorm(64) + ReLU                                       64×112×112         128
 * maxpool   MaxPool 3×3, stride 2, pad 1                               64×56×56
 * layer1    2 × BasicBlock(64→64)                                      64×56×56       147,968
 * layer2    BasicBlock(64→128, stride 2, downsample 1×1 conv + BN),
 *           BasicBlock(128→128)                                        128×28×28      525,568
 * layer3    BasicBlock(128→256, stride 2, downsample), BasicBlock      256×14×14    2,099,712
 * layer4    BasicBlock(256→512, stride 2, downsample), BasicBlock      512×7×7      8,393,728
 * avgpool   global average pool                                        512
 * fc        Linear(512→136)                                            136             69,768
 * total     trainable (BatchNorm running statistics excluded)                      11,240,008
 * </pre>
 *
 * <p>A BasicBlock is conv3×3(stride) → BN → ReLU → conv3×3 → BN, plus the identity (or the
 * downsample branch), then ReLU; every convolution is bias-free. BatchNorm uses epsilon 1e-5 and
 * PyTorch's momentum 0.1 (DJL's 0.9). The default initialiser is {@link TorchDefaultInitializer}
 * for every layer; note that torchvision itself initialises ResNet convolutions with Kaiming-normal
 * (fan-out) instead, which matters only when training from scratch.
 *
 * <p>On PyTorch the network prefers channels-last above oneDNN's {@code SSE41} level ({@link
 * ChannelsLast}): its input and its convolution weights get channels-last strides, which on the
 * project's machine made a batch-1 pass at 224×224 15–19 % faster and a training step 10–16 %
 * shorter (docs/performance-inference.md, docs/performance-training.md). Where one of its
 * convolutions is wrong channels-last and all are right in the default layout (its 1×1 stride-2
 * shortcut on the project's AMD EPYC at {@code AVX512_CORE}), it runs in the default layout ({@link
 * ConvolutionCheck}). Outputs and saved parameters are those of the default layout.
 *
 * <p>In frozen inference (not training, parameters frozen, as the library's inference paths leave
 * them) each convolution and the batch norm after it run as one convolution with folded weights and
 * a bias, computed once per set of parameter arrays; the output is the unfolded network's up to
 * float rounding, and parameter names and saved models do not change.
 *
 * <p>On MXNet, frozen inference runs the whole network as one graph that the engine executes as a
 * single cached operator (the same kernels, one call per pass instead of one per layer; the system
 * property {@code keypoints.mxnetGraph=false} turns it off). On PyTorch it runs the whole network
 * as one TorchScript module with its convolution weights prepacked for oneDNN, checked against the
 * layer-by-layer pass for each new input shape ({@code TorchScriptForward}; the system property
 * {@code keypoints.torchScript=false} turns it off).
 *
 * <pre>{@code
 * ResNet18 net = ResNet18.builder().setOutputs(136).optInputChannels(1).build();
 * }</pre>
 */
public final class ResNet18 extends AbstractBlock implements KeypointBlock {

    /** The architecture name in {@link ModelZoo}. */
    public static final String NAME = "resnet18";

    private static final int[] WIDTHS = {64, 128, 256, 512};

    private final int outputs;
    private final int inputChannels;
    private final Conv2d conv1;
    private final BatchNorm bn1;
    private final BatchNormFold stem;
    private final List<BasicBlock> blocks = new ArrayList<>();
    private final Linear fc;
    private final MxGraphForward.Lazy graph =
            new MxGraphForward.Lazy(() -> Optional.of(writeGraph()));
    private final TorchScriptForward.Lazy script =
            new TorchScriptForward.Lazy(() -> Optional.of(writeTorchScript()));

    private ResNet18(Builder b) {
        this.outputs = b.outputs;
        this.inputChannels = b.inputChannels;
        conv1 = addChildBlock("conv1", BasicBlock.conv(64, 7, new Shape(2, 2), 3));
        bn1 = addChildBlock("bn1", BatchNorm.builder().build());
        stem = new BatchNormFold(conv1, bn1);
        int in = 64;
        for (int stage = 0; stage < WIDTHS.length; stage++) {
            for (int i = 0; i < 2; i++) {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                String name = "layer" + (stage + 1) + "_" + i;
                blocks.add(addChildBlock(name, new BasicBlock(in, WIDTHS[stage], stride)));
                in = WIDTHS[stage];
            }
        }
        fc = addChildBlock("fc", Linear.builder().setUnits(outputs).build());
        InitializerSupport.apply(this, b.initializer);
    }

    /**
     * Returns a new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    static ResNet18 fromConfig(Map<String, ?> config) {
        return builder().fromConfig(config).build();
    }

    /**
     * Returns every parameter under its torchvision {@code state_dict} name ({@code conv1.weight},
     * {@code bn1.running_mean}, {@code layer2.0.downsample.0.weight}, {@code fc.bias}, …), in
     * torchvision's order. BatchNorm gamma and beta are torchvision's {@code weight} and {@code
     * bias}.
     *
     * @return an unmodifiable map from torchvision name to parameter
     */
    public Map<String, Parameter> torchvisionParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        convNames("conv1", conv1, out);
        bnNames("bn1", bn1, out);
        for (int i = 0; i < blocks.size(); i++) {
            blocks.get(i).torchNames("layer" + (i / 2 + 1) + "." + (i % 2) + ".", out);
        }
        out.put("fc.weight", fc.getDirectParameters().get("weight"));
        out.put("fc.bias", fc.getDirectParameters().get("bias"));
        return Collections.unmodifiableMap(out);
    }

    static void convNames(String prefix, Conv2d conv, Map<String, Parameter> out) {
        out.put(prefix + ".weight", conv.getDirectParameters().get("weight"));
    }

    static void bnNames(String prefix, BatchNorm bn, Map<String, Parameter> out) {
        out.put(prefix + ".weight", bn.getDirectParameters().get("gamma"));
        out.put(prefix + ".bias", bn.getDirectParameters().get("beta"));
        out.put(prefix + ".running_mean", bn.getDirectParameters().get("runningMean"));
        out.put(prefix + ".running_var", bn.getDirectParameters().get("runningVar"));
    }

    /** {@inheritDoc} */
    @Override
    public String architecture() {
        return NAME;
    }

    /** {@inheritDoc} */
    @Override
    public int outputs() {
        return outputs;
    }

    /** {@inheritDoc} */
    @Override
    public int inputChannels() {
        return inputChannels;
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outputs", outputs);
        m.put("inputChannels", inputChannels);
        return Collections.unmodifiableMap(m);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        checkChannels(inputs.head().getShape());
        return ChannelsLast.forward(this, inputs, in -> layers(ps, in, training, params));
    }

    /** The layers on the input as it comes, without the layout step (package-private for tests). */
    NDList layers(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        Optional<NDList> whole = graph.forward(this, ps, inputs, training);
        if (whole.isPresent()) {
            return whole.get();
        }
        Optional<NDList> scripted =
                script.forward(this, ps, inputs, training, in -> layered(ps, in, false, params));
        if (scripted.isPresent()) {
            return scripted.get();
        }
        return layered(ps, inputs, training, params);
    }

    /** The layers one by one (each convolution with its batch norm folded in frozen inference). */
    private NDList layered(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray stemOut = Activation.relu(stem.forward(ps, inputs.head(), training, params));
        NDList x = new NDList(maxPool(stemOut, training));
        for (BasicBlock block : blocks) {
            x = block.forward(ps, x, training, params);
        }
        NDArray pooled = Blocks.batchFlatten(Pool.globalAvgPool2d(x.head()));
        return fc.forward(ps, new NDList(pooled), training, params);
    }

    /** The network as one MXNet graph, batch norms folded: its frozen forward pass. */
    private MxGraphForward writeGraph() {
        MxGraphWriter g = new MxGraphWriter(this);
        int x = g.relu(g.convolution(stem, g.input()));
        x = g.maxPool(x, 3, 2, 1, false);
        for (BasicBlock block : blocks) {
            x = block.writeGraph(g, x);
        }
        return g.forward(g.linear(fc, g.globalAvgPoolFlat(x)));
    }

    /**
     * The network as one TorchScript module with prepacked convolution weights, batch norms folded,
     * each block's second convolution with the residual sum and ReLU fused: its frozen forward
     * pass.
     */
    private TorchScriptForward writeTorchScript() {
        TorchScriptWriter w = new TorchScriptWriter();
        String x = w.maxPool(w.convolution(stem, w.input(), true), 3, 2, 1, false);
        for (BasicBlock block : blocks) {
            x = block.writeTorchScript(w, x);
        }
        return w.build(this, w.linear(fc, w.globalAvgPoolFlat(x)));
    }

    /** The network's TorchScript module, if written (for tests). */
    Optional<TorchScriptForward> torchScript() {
        return script.written();
    }

    /** The network's MXNet graph (for tests). */
    MxGraphForward.Lazy mxnetGraph() {
        return graph;
    }

    /** The (convolution, batch norm) pairs, in the order they run (for tests). */
    List<BatchNormFold> batchNormFolds() {
        List<BatchNormFold> all = new ArrayList<>();
        all.add(stem);
        for (BasicBlock block : blocks) {
            all.addAll(block.batchNormFolds());
        }
        return Collections.unmodifiableList(all);
    }

    private static NDArray maxPool(NDArray x, boolean training) {
        return MaxPooling.pool(x, 3, 2, 1, false, training);
    }

    private void checkChannels(Shape input) {
        if (input.dimension() != 4 || input.get(1) != inputChannels) {
            throw new IllegalArgumentException(
                    "ResNet18 built for "
                            + inputChannels
                            + " input channel(s) expects [B, "
                            + inputChannels
                            + ", H, W], got "
                            + input);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outputs)};
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

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        checkChannels(shapes[0]);
        conv1.initialize(manager, dataType, shapes);
        Shape[] s = conv1.getOutputShapes(shapes);
        bn1.initialize(manager, dataType, s);
        Shape c = s[0];
        s = new Shape[] {new Shape(c.get(0), c.get(1), pooled(c.get(2)), pooled(c.get(3)))};
        for (BasicBlock block : blocks) {
            block.initialize(manager, dataType, s);
            s = block.getOutputShapes(s);
        }
        fc.initialize(manager, dataType, new Shape(s[0].get(0), s[0].get(1)));
    }

    private static long pooled(long size) {
        return (size + 2 - 3) / 2 + 1;
    }

    /**
     * Builds a {@link ResNet18}. {@code setOutputs} sets the outputs of the new head, {@code 2N}
     * for N keypoints, and is required; {@code optInputChannels} takes 1 (grayscale, the default)
     * or 3 (RGB, torchvision's).
     */
    public static final class Builder extends KeypointBlockBuilder<Builder> {

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Builds the network (uninitialised).
         *
         * @return the network
         * @throws IllegalArgumentException if the outputs are not set or the channels not positive
         */
        public ResNet18 build() {
            validate();
            return new ResNet18(this);
        }
    }
}
