package io.github.keypoints.models;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small U-Net (<a href="https://arxiv.org/abs/1505.04597">Ronneberger et al., 2015</a>) that
 * predicts one heatmap per keypoint and decodes it with a differentiable {@link SoftArgmax} into
 * the same {@code 2N} input-relative coordinates as the regressors.
 *
 * <p>Because the output is coordinates, the trainer, losses and metrics of the regressors train it
 * unchanged (a coordinate loss on the soft-argmax output, as in integral regression); no target
 * heatmaps are rendered. {@link #heatmaps(ParameterStore, NDArray, boolean)} exposes the raw maps
 * for visualisation or a heatmap loss.
 *
 * <p>Layer table with the defaults (base channels {@code c = 16}, depth 3, output stride 1) for N
 * keypoints; "conv" is Conv2d 3×3 pad 1 without bias + BatchNorm + ReLU:
 *
 * <pre>
 * level    operation                                          output (H×W input)
 * enc0     conv(C→c), conv(c→c)                               c × H × W
 * enc1     MaxPool 2 (ceil), conv(c→2c), conv(2c→2c)          2c × H/2 × W/2
 * enc2     MaxPool 2 (ceil), conv(2c→4c), conv(4c→4c)         4c × H/4 × W/4
 * enc3     MaxPool 2 (ceil), conv(4c→8c), conv(8c→8c)         8c × H/8 × W/8
 * dec2     nearest up-sample 2×, crop, concat enc2,
 *          conv(12c→4c), conv(4c→4c)                          4c × H/4 × W/4
 * dec1     up-sample, concat enc1, conv(6c→2c), conv          2c × H/2 × W/2
 * dec0     up-sample, concat enc0, conv(3c→c), conv           c × H × W
 * head     Conv2d 1×1 (c→N), with bias                        N × H × W heatmaps
 * decode   soft-argmax (softmax over each map, expectation)   2N
 * </pre>
 *
 * <p>Up-sampling is nearest-neighbour (a broadcast) rather than a transposed convolution, because
 * DJL 0.36 implements no transposed convolution on PyTorch and a mis-shaped one on MXNet. Pooling
 * rounds up, and each up-sampled map is cropped to its skip connection, so any input size works.
 * With output stride {@code s = 2^k} the decoder stops {@code k} levels early.
 *
 * <p>On PyTorch it prefers channels-last above oneDNN's {@code SSE41} level and runs in the layout
 * whose convolutions {@link ConvolutionCheck} found right ({@link ChannelsLast}): channels-last,
 * the input and the weights are laid out so, and the up-sampling keeps the layout.
 *
 * <p>In frozen inference (not training, parameters frozen, as the library's inference paths leave
 * them) each convolution and the batch norm after it run as one convolution with folded weights and
 * a bias, computed once per set of parameter arrays; the output is the unfolded network's up to
 * float rounding, and parameter names and saved models do not change.
 *
 * <p>On MXNet, frozen inference runs the whole network as one graph that the engine executes as a
 * single cached operator (the same kernels, one call per pass instead of one per layer; the system
 * property {@code keypoints.mxnetGraph=false} turns it off). On PyTorch it runs the heatmaps as one
 * TorchScript module with its convolution weights prepacked for oneDNN, checked against the
 * layer-by-layer pass for each new input shape ({@code TorchScriptForward}; the system property
 * {@code keypoints.torchScript=false} turns it off).
 *
 * <pre>{@code
 * HeatmapNet net = HeatmapNet.builder().setOutputs(116).optBaseChannels(16).build();
 * }</pre>
 */
public final class HeatmapNet extends AbstractBlock implements KeypointBlock {

    private static final String MXNET = "MXNet";
    private static final float BN_EPSILON = 1e-5f;

    /** The architecture name in {@link ModelZoo}. */
    public static final String NAME = "heatmap";

    private final int outputs;
    private final int inputChannels;
    private final int baseChannels;
    private final int depth;
    private final int outputStride;
    private final float beta;
    private final List<SequentialBlock> encoders = new ArrayList<>();
    private final List<SequentialBlock> decoders = new ArrayList<>();
    private final Map<SequentialBlock, List<BatchNormFold>> folds = new IdentityHashMap<>();
    private final Conv2d head;
    private final MxGraphForward.Lazy graph =
            new MxGraphForward.Lazy(() -> Optional.of(writeGraph(false)));
    private final MxGraphForward.Lazy decodedGraph =
            new MxGraphForward.Lazy(() -> Optional.of(writeGraph(true)));
    private final TorchScriptForward.Lazy script =
            new TorchScriptForward.Lazy(() -> Optional.of(writeTorchScript()));

    /** The decode's grid for the last input size a decoding graph ran on. */
    private DecodeGrid decodeGrid;

    /**
     * The soft-argmax grid ({@link SoftArgmax#grid}) for one input size, in the parameters'
     * manager.
     *
     * @param height the input height
     * @param width the input width
     * @param array the grid
     */
    private record DecodeGrid(long height, long width, NDArray array) {}

    private HeatmapNet(Builder b) {
        this.outputs = b.outputs;
        this.inputChannels = b.inputChannels;
        this.baseChannels = b.baseChannels;
        this.depth = b.depth;
        this.outputStride = b.outputStride;
        this.beta = b.beta;
        for (int l = 0; l <= depth; l++) {
            encoders.add(addChildBlock("enc" + l, doubleConv(baseChannels << l)));
        }
        int stopLevel = Integer.numberOfTrailingZeros(outputStride);
        for (int l = depth - 1; l >= stopLevel; l--) {
            decoders.add(addChildBlock("dec" + l, doubleConv(baseChannels << l)));
        }
        for (SequentialBlock stage : encoders) {
            folds.put(stage, folds(stage));
        }
        for (SequentialBlock stage : decoders) {
            folds.put(stage, folds(stage));
        }
        head =
                addChildBlock(
                        "head",
                        Conv2d.builder()
                                .setKernelShape(new Shape(1, 1))
                                .setFilters(outputs / 2)
                                .build());
        InitializerSupport.apply(this, b.initializer);
    }

    /**
     * Every convolution of this network at a square input of {@code size} pixels, each as {@code
     * {batch, channels, height, width, filters, kernel, stride, padding, input gradient}} (the form
     * of {@link ConvolutionCheck#shapes()} plus 1 when training computes the gradient with respect
     * to the convolution's input, 0 for the first one, on the network's input): the encoders' and
     * decoders' 3×3 convolutions and the 1×1 head, whose filter count (one per keypoint) is rarely
     * a multiple of 16. {@link ConvolutionCheck} compares them, since one of them (the head with 68
     * filters, channels-last at {@code AVX512_CORE}) was wrong on the project's AMD EPYC while
     * every 3×3 convolution was right.
     *
     * @param batch the batch size
     * @param size the input's height and width, a multiple of {@code 2^depth}
     * @return the shapes, encoder first, head last
     */
    int[][] convolutionShapes(int batch, int size) {
        List<int[]> shapes = new ArrayList<>();
        int in = inputChannels;
        for (int l = 0; l <= depth; l++) {
            int c = baseChannels << l;
            int s = size >> l;
            shapes.add(new int[] {batch, in, s, s, c, 3, 1, 1, l == 0 ? 0 : 1});
            shapes.add(new int[] {batch, c, s, s, c, 3, 1, 1, 1});
            in = c;
        }
        int stopLevel = Integer.numberOfTrailingZeros(outputStride);
        for (int l = depth - 1; l >= stopLevel; l--) {
            int c = baseChannels << l;
            int s = size >> l;
            shapes.add(new int[] {batch, in + c, s, s, c, 3, 1, 1, 1});
            shapes.add(new int[] {batch, c, s, s, c, 3, 1, 1, 1});
            in = c;
        }
        int s = size >> stopLevel;
        shapes.add(new int[] {batch, in, s, s, outputs / 2, 1, 1, 0, 1});
        return shapes.toArray(new int[0][]);
    }

    private static SequentialBlock doubleConv(int filters) {
        SequentialBlock s = new SequentialBlock();
        for (int i = 0; i < 2; i++) {
            s.add(
                    Conv2d.builder()
                            .setKernelShape(new Shape(3, 3))
                            .optPadding(new Shape(1, 1))
                            .setFilters(filters)
                            .optBias(false)
                            .build());
            s.add(BatchNorm.builder().optEpsilon(BN_EPSILON).build());
            s.add(ShapedLambda.relu());
        }
        return s;
    }

    /** The (convolution, batch norm) pairs of a {@link #doubleConv} stage, in order. */
    private static List<BatchNormFold> folds(SequentialBlock stage) {
        List<BatchNormFold> pairs = new ArrayList<>();
        for (BatchNormFold pair :
                BatchNormFold.chain(new ArrayList<>(stage.getChildren().values()), BN_EPSILON)) {
            if (pair != null) {
                pairs.add(pair);
            }
        }
        return Collections.unmodifiableList(pairs);
    }

    /**
     * The heatmaps as one MXNet graph, batch norms folded: {@link #layers}' frozen pass, and with
     * {@code decode} the soft-argmax decode after it, as {@link #forwardInternal} computes.
     */
    private MxGraphForward writeGraph(boolean decode) {
        MxGraphWriter g = new MxGraphWriter(this);
        List<Integer> skips = new ArrayList<>();
        int x = g.input();
        for (int l = 0; l <= depth; l++) {
            if (l > 0) {
                x = g.maxPool(x, 2, 2, 0, true);
            }
            x = writeStage(g, encoders.get(l), x);
            skips.add(x);
        }
        for (int i = 0; i < decoders.size(); i++) {
            int skip = skips.get(depth - 1 - i);
            x = g.concatChannels(g.cropLike(g.upsampleTwice(x), skip), skip);
            x = writeStage(g, decoders.get(i), x);
        }
        int maps = g.convolution(head, x);
        return g.forward(decode ? g.softArgmax(maps, outputs, beta, this::decodeGrid) : maps);
    }

    /**
     * The decode's grid for an input, made again when the input size changes. Runs inside the
     * graph's pass, which holds the graph's lock: one thread at a time.
     */
    private NDArray decodeGrid(NDArray input) {
        long height = input.getShape().get(2);
        long width = input.getShape().get(3);
        DecodeGrid g = decodeGrid;
        if (g != null
                && g.height() == height
                && g.width() == width
                && g.array().getManager().isOpen()) {
            return g.array();
        }
        // The heatmaps' size: one ceil-mode halving per level above the output stride's.
        long h = height;
        long w = width;
        for (int l = 0; l < Integer.numberOfTrailingZeros(outputStride); l++) {
            h = (h + 1) / 2;
            w = (w + 1) / 2;
        }
        NDManager manager = head.getParameters().get("weight").getArray().getManager();
        NDArray grid =
                manager.create(
                        SoftArgmax.grid(
                                Math.toIntExact(h),
                                Math.toIntExact(w),
                                outputStride,
                                width,
                                height),
                        new Shape(h * w, 2));
        if (g != null && g.array().getManager().isOpen()) {
            g.array().close();
        }
        decodeGrid = new DecodeGrid(height, width, grid);
        return grid;
    }

    /**
     * The heatmaps as one TorchScript module with prepacked convolution weights, batch norms
     * folded: {@link #layers}' frozen pass on PyTorch ({@link TorchScriptForward}).
     */
    private TorchScriptForward writeTorchScript() {
        TorchScriptWriter w = new TorchScriptWriter();
        List<String> skips = new ArrayList<>();
        String x = w.input();
        for (int l = 0; l <= depth; l++) {
            if (l > 0) {
                x = w.maxPool(x, 2, 2, 0, true);
            }
            for (BatchNormFold pair : folds.get(encoders.get(l))) {
                x = w.convolution(pair, x, true);
            }
            skips.add(x);
        }
        for (int i = 0; i < decoders.size(); i++) {
            String skip = skips.get(depth - 1 - i);
            x = w.concatChannels(w.cropLike(w.upsampleTwice(x), skip), skip);
            for (BatchNormFold pair : folds.get(decoders.get(i))) {
                x = w.convolution(pair, x, true);
            }
        }
        // The 1×1 head as a matrix product with row-major maps: the decode's softmax runs along
        // rows, which libtorch would otherwise first copy out of channels-last maps.
        return w.build(
                this,
                TorchScriptWriter.isHeadProduct()
                        ? w.pointwiseRowMajor(head, x)
                        : w.convolution(head, x, false));
    }

    /** The heatmaps' TorchScript module, if written (for tests). */
    Optional<TorchScriptForward> torchScript() {
        return script.written();
    }

    private int writeStage(MxGraphWriter g, SequentialBlock s, int x) {
        int y = x;
        for (BatchNormFold pair : folds.get(s)) {
            y = g.relu(g.convolution(pair, y));
        }
        return y;
    }

    /** The heatmaps' MXNet graph (for tests). */
    MxGraphForward.Lazy mxnetGraph() {
        return graph;
    }

    /** The MXNet graph of the heatmaps and their decode (for tests). */
    MxGraphForward.Lazy mxnetDecodedGraph() {
        return decodedGraph;
    }

    /** The (convolution, batch norm) pairs, in the order they run (for tests). */
    List<BatchNormFold> batchNormFolds() {
        List<BatchNormFold> all = new ArrayList<>();
        for (SequentialBlock stage : encoders) {
            all.addAll(folds.get(stage));
        }
        for (SequentialBlock stage : decoders) {
            all.addAll(folds.get(stage));
        }
        return Collections.unmodifiableList(all);
    }

    /**
     * One {@link #doubleConv} stage: each convolution and batch norm (folded into one convolution
     * in frozen inference, {@link BatchNormFold}), then ReLU.
     */
    private NDArray stage(
            SequentialBlock s,
            ParameterStore ps,
            NDArray x,
            boolean training,
            PairList<String, Object> params) {
        NDArray y = x;
        for (BatchNormFold pair : folds.get(s)) {
            y = Activation.relu(pair.forward(ps, y, training, params));
        }
        return y;
    }

    /**
     * Returns a new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    static HeatmapNet fromConfig(Map<String, ?> config) {
        return builder()
                .fromConfig(config)
                .optBaseChannels(ConfigValues.intValue(config, "baseChannels", 16))
                .optDepth(ConfigValues.intValue(config, "depth", 3))
                .optOutputStride(ConfigValues.intValue(config, "outputStride", 1))
                .optBeta((float) ConfigValues.doubleValue(config, "beta", 1.0))
                .build();
    }

    /**
     * Returns the output stride: input pixels per heatmap cell.
     *
     * @return the stride, a power of two
     */
    public int outputStride() {
        return outputStride;
    }

    /**
     * Runs the encoder–decoder and returns the heatmap logits, one map per keypoint.
     *
     * @param ps the parameter store
     * @param input the image batch {@code [B, C, H, W]}
     * @param training whether BatchNorm uses batch statistics
     * @return {@code [B, N, ceil(H/s), ceil(W/s)]} for output stride {@code s}
     */
    public NDArray heatmaps(ParameterStore ps, NDArray input, boolean training) {
        return heatmaps(ps, input, training, null);
    }

    private NDArray heatmaps(
            ParameterStore ps, NDArray input, boolean training, PairList<String, Object> params) {
        return ChannelsLast.forward(
                        this,
                        new NDList(input),
                        in -> new NDList(layers(ps, in.head(), training, params)))
                .head();
    }

    /**
     * The heatmaps of the input as it comes, without the layout step (package-private for tests).
     */
    NDArray layers(
            ParameterStore ps, NDArray input, boolean training, PairList<String, Object> params) {
        Optional<NDList> whole = graph.forward(this, ps, new NDList(input), training);
        if (whole.isPresent()) {
            return whole.get().head();
        }
        Optional<NDList> scripted =
                script.forward(
                        this,
                        ps,
                        new NDList(input),
                        training,
                        in -> new NDList(layered(ps, in.head(), false, params)));
        if (scripted.isPresent()) {
            return scripted.get().head();
        }
        return layered(ps, input, training, params);
    }

    /** The heatmaps layer by layer (each convolution with its batch norm folded in inference). */
    private NDArray layered(
            ParameterStore ps, NDArray input, boolean training, PairList<String, Object> params) {
        List<NDArray> skips = new ArrayList<>();
        NDArray x = input;
        for (int l = 0; l <= depth; l++) {
            if (l > 0) {
                x = pool(x, training);
            }
            x = stage(encoders.get(l), ps, x, training, params);
            skips.add(x);
        }
        for (int i = 0; i < decoders.size(); i++) {
            NDArray skip = skips.get(depth - 1 - i);
            x = crop(upsample(x), skip.getShape());
            x = NDArrays.concat(new NDList(x, skip), 1);
            x = stage(decoders.get(i), ps, x, training, params);
        }
        return head.forward(ps, new NDList(x), training, params).head();
    }

    private static NDArray pool(NDArray x, boolean training) {
        return MaxPooling.pool(x, 2, 2, 0, true, training);
    }

    /**
     * Nearest-neighbour 2× up-sampling, differentiable on every engine (package-private for tests).
     * On MXNet it is MXNet's own {@code UpSampling} operator, whose backward pass sums each 2×2
     * block directly, where the broadcast's backward is MXNet's general reduction; elsewhere it is
     * a broadcast. A channels-last input ({@link ChannelsLast#appliesTo}) is broadcast in its
     * memory order, so the result is channels-last too and the decoder's convolutions keep that
     * layout.
     */
    NDArray upsample(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        if (ChannelsLast.appliesTo(this, x)) {
            return x.transpose(0, 2, 3, 1)
                    .reshape(b, h, 1, w, 1, c)
                    .broadcast(b, h, 2, w, 2, c)
                    .reshape(b, 2 * h, 2 * w, c)
                    .transpose(0, 3, 1, 2);
        }
        if (MXNET.equals(x.getManager().getEngine().getEngineName())) {
            PairList<String, Object> up = new PairList<>();
            up.add("scale", 2);
            up.add("sample_type", "nearest");
            up.add("num_args", 1);
            return x.getManager().invoke("UpSampling", new NDList(x), up).head();
        }
        return x.reshape(b, c, h, 1, w, 1).broadcast(b, c, h, 2, w, 2).reshape(b, c, 2 * h, 2 * w);
    }

    private static NDArray crop(NDArray x, Shape like) {
        long h = like.get(2);
        long w = like.get(3);
        if (x.getShape().get(2) == h && x.getShape().get(3) == w) {
            return x;
        }
        return x.get(new NDIndex(":, :, :{}, :{}", h, w));
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray input = inputs.head();
        Shape s = input.getShape();
        if (s.dimension() != 4 || s.get(1) != inputChannels) {
            throw new IllegalArgumentException(
                    "HeatmapNet built for "
                            + inputChannels
                            + " input channel(s) expects [B, "
                            + inputChannels
                            + ", H, W], got "
                            + s);
        }
        // A training pass never runs the graph, but tells it parameters may change in place.
        Optional<NDList> whole = decodedGraph.forward(this, ps, inputs, training);
        if (whole.isPresent()) {
            return whole.get();
        }
        NDArray maps = heatmaps(ps, input, training, params);
        return new NDList(SoftArgmax.decode(maps, outputStride, s.get(3), s.get(2), beta));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outputs)};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        List<Shape> skips = new ArrayList<>();
        Shape x = shapes[0];
        for (int l = 0; l <= depth; l++) {
            if (l > 0) {
                x = new Shape(x.get(0), x.get(1), (x.get(2) + 1) / 2, (x.get(3) + 1) / 2);
            }
            encoders.get(l).initialize(manager, dataType, x);
            x = encoders.get(l).getOutputShapes(new Shape[] {x})[0];
            skips.add(x);
        }
        for (int i = 0; i < decoders.size(); i++) {
            Shape skip = skips.get(depth - 1 - i);
            x = new Shape(x.get(0), x.get(1) + skip.get(1), skip.get(2), skip.get(3));
            decoders.get(i).initialize(manager, dataType, x);
            x = decoders.get(i).getOutputShapes(new Shape[] {x})[0];
        }
        head.initialize(manager, dataType, x);
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
        m.put("baseChannels", baseChannels);
        m.put("depth", depth);
        m.put("outputStride", outputStride);
        m.put("beta", (double) beta);
        return Collections.unmodifiableMap(m);
    }

    /**
     * Builds a {@link HeatmapNet}. {@code setOutputs} takes {@code 2N} for N keypoints (one heatmap
     * each), an even count, and is required.
     */
    public static final class Builder extends KeypointBlockBuilder<Builder> {
        private int baseChannels = 16;
        private int depth = 3;
        private int outputStride = 1;
        private float beta = 1f;

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the filters of the first level; each level down doubles them. 16 by default.
         *
         * @param baseChannels the filter count
         * @return this builder
         */
        public Builder optBaseChannels(int baseChannels) {
            this.baseChannels = baseChannels;
            return this;
        }

        /**
         * Sets the number of poolings in the encoder; 3 by default.
         *
         * @param depth the depth, 1 to 6
         * @return this builder
         */
        public Builder optDepth(int depth) {
            this.depth = depth;
            return this;
        }

        /**
         * Sets the heatmap stride in input pixels, a power of two up to {@code 2^depth}; 1 (full
         * resolution) by default.
         *
         * @param outputStride the stride
         * @return this builder
         */
        public Builder optOutputStride(int outputStride) {
            this.outputStride = outputStride;
            return this;
        }

        /**
         * Sets the soft-argmax sharpness, multiplied into the heatmaps before the softmax; 1 by
         * default.
         *
         * @param beta a positive factor
         * @return this builder
         */
        public Builder optBeta(float beta) {
            this.beta = beta;
            return this;
        }

        /**
         * Builds the network (uninitialised).
         *
         * @return the network
         * @throws IllegalArgumentException naming the missing or invalid value
         */
        public HeatmapNet build() {
            if (outputs <= 0 || outputs % 2 != 0) {
                throw new IllegalArgumentException(
                        "Missing or invalid outputs: call setOutputs(2N) with an even positive"
                                + " count, got "
                                + outputs);
            }
            validate();
            ConfigValues.positive("baseChannels", baseChannels);
            if (depth < 1 || depth > 6) {
                throw new IllegalArgumentException("depth must be 1 to 6, got " + depth);
            }
            if (Integer.bitCount(outputStride) != 1 || outputStride > (1 << depth)) {
                throw new IllegalArgumentException(
                        "outputStride must be a power of two up to 2^depth = "
                                + (1 << depth)
                                + ", got "
                                + outputStride);
            }
            if (!(beta > 0) || !Float.isFinite(beta)) {
                throw new IllegalArgumentException("beta must be positive, got " + beta);
            }
            return new HeatmapNet(this);
        }
    }
}
