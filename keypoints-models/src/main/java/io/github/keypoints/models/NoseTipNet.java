package io.github.keypoints.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.Initializer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference project's nose-tip regressor (Part 1), layer for layer.
 *
 * <p>Layer table for the reference input {@code 1×60×80} (height × width) and the default channels
 * {@code 24, 32, 32}; {@code fc1} infers its input size at initialisation, so other input sizes
 * work too:
 *
 * <pre>
 * layer   operation                         output shape   parameters
 * conv1   Conv2d(1→24, 3×3) + ReLU          24×58×78          240
 * conv2   Conv2d(24→32, 3×3) + ReLU         32×56×76        6,944
 * pool2   MaxPool 2×2                       32×28×38
 * conv3   Conv2d(32→32, 3×3) + ReLU         32×26×36        9,248
 * pool3   MaxPool 2×2                       32×13×18
 * flatten                                   7488
 * fc1     Linear(7488→256) + ReLU           256         1,917,184
 * fc2     Linear(256→2)                     2                 514
 * total                                                 1,934,130
 * </pre>
 *
 * <pre>{@code
 * NoseTipNet net = NoseTipNet.builder().setOutputs(2).build();
 * NoseTipNet half = NoseTipNet.builder().setOutputs(2).optChannels(12, 16, 16).build();
 * }</pre>
 */
public final class NoseTipNet extends SequentialBlock implements KeypointBlock {

    /** The architecture name in {@link ModelZoo}. */
    public static final String NAME = "nose-tip";

    private static final int[] DEFAULT_CHANNELS = {24, 32, 32};

    private final int outputs;
    private final int inputChannels;
    private final int[] channels;
    private final int hidden;

    private NoseTipNet(Builder b) {
        this.outputs = b.outputs;
        this.inputChannels = b.inputChannels;
        this.channels = b.channels.clone();
        this.hidden = b.hidden;
        Shape k3 = new Shape(3, 3);
        Shape two = new Shape(2, 2);
        add(Conv2d.builder().setKernelShape(k3).setFilters(channels[0]).build());
        add(Activation.reluBlock());
        add(Conv2d.builder().setKernelShape(k3).setFilters(channels[1]).build());
        add(Activation.reluBlock());
        add(Pool.maxPool2dBlock(two, two));
        add(Conv2d.builder().setKernelShape(k3).setFilters(channels[2]).build());
        add(Activation.reluBlock());
        add(Pool.maxPool2dBlock(two, two));
        add(Blocks.batchFlattenBlock());
        add(Linear.builder().setUnits(hidden).build());
        add(Activation.reluBlock());
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

    static NoseTipNet fromConfig(Map<String, ?> config) {
        return builder()
                .setOutputs(ConfigValues.requiredInt(config, "outputs"))
                .optInputChannels(ConfigValues.intValue(config, "inputChannels", 1))
                .optChannels(ConfigValues.intArray(config, "channels", DEFAULT_CHANNELS))
                .optHidden(ConfigValues.intValue(config, "hidden", 256))
                .build();
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
        m.put("hidden", hidden);
        return Collections.unmodifiableMap(m);
    }

    /** Builds a {@link NoseTipNet}. */
    public static final class Builder {
        private int outputs;
        private int inputChannels = 1;
        private int[] channels = DEFAULT_CHANNELS.clone();
        private int hidden = 256;
        private Initializer initializer;

        private Builder() {}

        /**
         * Sets the number of outputs, {@code 2N} for N keypoints (2 for the nose tip). Required.
         *
         * @param outputs the output count
         * @return this builder
         */
        public Builder setOutputs(int outputs) {
            this.outputs = outputs;
            return this;
        }

        /**
         * Sets the number of input channels; 1 (grayscale) by default. Only recorded: the first
         * convolution infers it at initialisation.
         *
         * @param inputChannels the channel count
         * @return this builder
         */
        public Builder optInputChannels(int inputChannels) {
            this.inputChannels = inputChannels;
            return this;
        }

        /**
         * Sets the filters of the three convolutions; {@code 24, 32, 32} by default (the reference
         * also tried {@code 12, 16, 16}).
         *
         * @param channels three filter counts
         * @return this builder
         */
        public Builder optChannels(int... channels) {
            this.channels = channels.clone();
            return this;
        }

        /**
         * Sets the width of the hidden fully connected layer; 256 by default.
         *
         * @param hidden the unit count
         * @return this builder
         */
        public Builder optHidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        /**
         * Sets the initialiser; a {@link TorchDefaultInitializer} with the default seed if not set.
         * Any other initialiser applies to the weights only.
         *
         * @param initializer the initialiser
         * @return this builder
         */
        public Builder optInitializer(Initializer initializer) {
            this.initializer = initializer;
            return this;
        }

        /**
         * Builds the network (uninitialised).
         *
         * @return the network
         * @throws IllegalArgumentException if the outputs are not set or a size is not positive
         */
        public NoseTipNet build() {
            if (outputs <= 0) {
                throw new IllegalArgumentException(
                        "Missing or non-positive outputs: call setOutputs(2N), got " + outputs);
            }
            if (channels.length != 3) {
                throw new IllegalArgumentException(
                        "channels needs 3 filter counts, got " + channels.length);
            }
            for (int c : channels) {
                ConfigValues.positive("channels", c);
            }
            ConfigValues.positive("inputChannels", inputChannels);
            ConfigValues.positive("hidden", hidden);
            return new NoseTipNet(this);
        }
    }
}
