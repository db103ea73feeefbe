package io.github.keypoints.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The default 68-point landmarker's network: a plain stack of 3×3 convolution stages with
 * BatchNorm, each halving the resolution, then a fully connected head on the flattened features —
 * the "CNN-6" of the Wing-loss paper (<a href="https://arxiv.org/abs/1711.06753">Feng et al.,
 * 2018</a>) with BatchNorm added.
 *
 * <p>Flattening (rather than global pooling) keeps where each feature is, which a coordinate
 * regressor needs; BatchNorm lets it train from scratch at Adam's usual rates. Layer table with the
 * defaults for a {@code 1×64×64} input and 136 outputs; "conv" is Conv2d 3×3 pad 1 without bias +
 * BatchNorm + ReLU:
 *
 * <pre>
 * stage   operation                           output       parameters
 * 1       conv(1→32), MaxPool 2               32×32×32            352
 * 2       conv(32→64), MaxPool 2              64×16×16         18,560
 * 3       conv(64→128), MaxPool 2             128×8×8          73,984
 * 4       conv(128→256), MaxPool 2            256×4×4         295,424
 * 5       conv(256→512), MaxPool 2            512×2×2       1,180,672
 * fc1     Linear(2048→1024) + ReLU + Dropout  1024          2,098,176
 * fc2     Linear(1024→136)                    136             139,400
 * total   trainable                                         3,806,568
 * </pre>
 *
 * <p>On PyTorch it prefers channels-last above oneDNN's {@code SSE41} level, like the other stacks,
 * and runs in the layout whose convolutions {@link ConvolutionCheck} found right ({@link
 * ChannelsLast}).
 *
 * <p>In frozen inference (not training, parameters frozen, as the library's inference paths leave
 * them) each convolution and the batch norm after it run as one convolution with folded weights and
 * a bias, computed once per set of parameter arrays; the output is the unfolded network's up to
 * float rounding, and parameter names and saved models do not change.
 *
 * <p>On MXNet, frozen inference runs the whole network as one graph that the engine executes as a
 * single cached operator (the same kernels, one call per pass instead of one per layer; the system
 * property {@code keypoints.mxnetGraph=false} turns it off).
 *
 * <p>A training pass, on either engine, runs each ReLU that directly precedes a 2×2 max pooling
 * after that pooling: the two commute exactly, gradients included, so the results are those of the
 * written order while the ReLU touches a quarter of the elements (the system property {@code
 * keypoints.poolBeforeRelu=false} runs the written order).
 *
 * <pre>{@code
 * LandmarkCnn net = LandmarkCnn.builder().setOutputs(136).optConvsPerStage(2).build();
 * }</pre>
 */
public final class LandmarkCnn extends ChannelsLastSequentialBlock implements KeypointBlock {

    /** The architecture name in {@link ModelZoo}. */
    public static final String NAME = "landmark-cnn";

    private static final int[] DEFAULT_CHANNELS = {32, 64, 128, 256, 512};

    private final int outputs;
    private final int inputChannels;
    private final int[] channels;
    private final int convsPerStage;
    private final int hidden;
    private final double dropout;

    private LandmarkCnn(Builder b) {
        this.outputs = b.outputs;
        this.inputChannels = b.inputChannels;
        this.channels = b.channels.clone();
        this.convsPerStage = b.convsPerStage;
        this.hidden = b.hidden;
        this.dropout = b.dropout;
        Shape k3 = new Shape(3, 3);
        Shape pad1 = new Shape(1, 1);
        for (int c : channels) {
            for (int k = 0; k < convsPerStage; k++) {
                add(
                        Conv2d.builder()
                                .setKernelShape(k3)
                                .optPadding(pad1)
                                .optBias(false)
                                .setFilters(c)
                                .build());
                add(BatchNorm.builder().build());
                add(ShapedLambda.relu());
            }
            add(MaxPooling.twoByTwoBlock());
        }
        add(ShapedLambda.batchFlatten());
        if (hidden > 0) {
            add(Linear.builder().setUnits(hidden).build());
            add(ShapedLambda.relu());
            if (dropout > 0) {
                add(Dropout.builder().optRate((float) dropout).build());
            }
        }
        add(Linear.builder().setUnits(outputs).build());
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

    static LandmarkCnn fromConfig(Map<String, ?> config) {
        return builder().fromConfig(config).build();
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
        m.put("channels", ConfigValues.list(channels));
        m.put("convsPerStage", convsPerStage);
        m.put("hidden", hidden);
        m.put("dropout", dropout);
        return Collections.unmodifiableMap(m);
    }

    /**
     * Builds a {@link LandmarkCnn}: {@code setOutputs} takes {@code 2N} for N keypoints and is
     * required. Defaults: stages of {@code 32, 64, 128, 256, 512} filters, one convolution per
     * stage, a hidden layer of 1024 units, no dropout. The input side must survive one 2× pooling
     * per stage (at least {@code 2^stages} pixels).
     */
    public static final class Builder extends KeypointBlockBuilder<Builder> {
        private int[] channels = DEFAULT_CHANNELS.clone();
        private int convsPerStage = 1;
        private int hidden = 1024;
        private double dropout;

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the filters of each stage; every stage ends in a 2× max-pool.
         *
         * @param channels one filter count per stage, at least one stage
         * @return this builder
         */
        public Builder optChannels(int... channels) {
            this.channels = channels.clone();
            return this;
        }

        /**
         * Sets how many convolutions each stage has before its pooling (default 1).
         *
         * @param convs at least 1
         * @return this builder
         */
        public Builder optConvsPerStage(int convs) {
            this.convsPerStage = convs;
            return this;
        }

        /**
         * Sets the hidden fully connected layer's width (default 1024; 0 for none).
         *
         * @param hidden the unit count, at least 0
         * @return this builder
         */
        public Builder optHidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        /**
         * Sets the dropout rate after the hidden layer (default 0: none).
         *
         * @param dropout in {@code [0, 1)}
         * @return this builder
         */
        public Builder optDropout(double dropout) {
            this.dropout = dropout;
            return this;
        }

        @Override
        Builder fromConfig(Map<String, ?> config) {
            return super.fromConfig(config)
                    .optChannels(ConfigValues.intArray(config, "channels", channels))
                    .optConvsPerStage(ConfigValues.intValue(config, "convsPerStage", convsPerStage))
                    .optHidden(ConfigValues.intValue(config, "hidden", hidden))
                    .optDropout(ConfigValues.doubleValue(config, "dropout", dropout));
        }

        /**
         * Builds the network (uninitialised).
         *
         * @return the network
         * @throws IllegalArgumentException naming the invalid value
         */
        public LandmarkCnn build() {
            validate();
            if (channels.length == 0) {
                throw new IllegalArgumentException("channels needs at least one stage");
            }
            for (int c : channels) {
                ConfigValues.positive("channels", c);
            }
            ConfigValues.positive("convsPerStage", convsPerStage);
            if (hidden < 0) {
                throw new IllegalArgumentException("hidden must not be negative, got " + hidden);
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
            return new LandmarkCnn(this);
        }
    }
}
