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
 * The reference project's 58-point IMM regressor (Part 2), layer for layer.
 *
 * <p>The first convolution has no pooling; every later one is followed by ReLU and a 2×2 max-pool.
 * Layer table for the reference input {@code 1×180×240} (height × width) with the default channels
 * {@code 32, 64, 64, 32, 32}; {@code fc1} infers its input size at initialisation, so any input
 * size that survives four poolings works (120×90 gives {@code 32×3×5 = 480} inputs to fc1):
 *
 * <pre>
 * layer   operation                               output shape   parameters
 * conv1   Conv2d(1→32, 3×3) + ReLU                32×178×238          320
 * conv2   Conv2d(32→64, 3×3) + ReLU + MaxPool 2   64×88×118        18,496
 * conv3   Conv2d(64→64, 3×3) + ReLU + MaxPool 2   64×43×58         36,928
 * conv4   Conv2d(64→32, 3×3) + ReLU + MaxPool 2   32×20×28         18,464
 * conv5   Conv2d(32→32, 3×3) + ReLU + MaxPool 2   32×9×13           9,248
 * flatten                                         3744
 * fc1     Linear(3744→256) + ReLU                 256             958,720
 * fc2     Linear(256→116)                         116              29,812
 * total                                                         1,071,988
 * </pre>
 *
 * <pre>{@code
 * Imm58Net net = Imm58Net.builder().setOutputs(116).build();
 * }</pre>
 */
public final class Imm58Net extends SequentialBlock implements KeypointBlock {

    /** The architecture name in {@link ModelZoo}. */
    public static final String NAME = "imm58";

    private static final int[] DEFAULT_CHANNELS = {32, 64, 64, 32, 32};

    private final int outputs;
    private final int inputChannels;
    private final int[] channels;
    private final int hidden;

    private Imm58Net(Builder b) {
        this.outputs = b.outputs;
        this.inputChannels = b.inputChannels;
        this.channels = b.channels.clone();
        this.hidden = b.hidden;
        Shape k3 = new Shape(3, 3);
        Shape two = new Shape(2, 2);
        for (int i = 0; i < channels.length; i++) {
            add(Conv2d.builder().setKernelShape(k3).setFilters(channels[i]).build());
            add(Activation.reluBlock());
            if (i > 0) {
                add(Pool.maxPool2dBlock(two, two));
            }
        }
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

    static Imm58Net fromConfig(Map<String, ?> config) {
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

    /** Builds an {@link Imm58Net}. */
    public static final class Builder {
        private int outputs;
        private int inputChannels = 1;
        private int[] channels = DEFAULT_CHANNELS.clone();
        private int hidden = 256;
        private Initializer initializer;

        private Builder() {}

        /**
         * Sets the number of outputs, {@code 2N} for N keypoints (116 for IMM). Required.
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
         * Sets the convolution filters; {@code 32, 64, 64, 32, 32} by default. The first
         * convolution is not pooled, every later one is.
         *
         * @param channels at least two filter counts
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
        public Imm58Net build() {
            if (outputs <= 0) {
                throw new IllegalArgumentException(
                        "Missing or non-positive outputs: call setOutputs(2N), got " + outputs);
            }
            if (channels.length < 2) {
                throw new IllegalArgumentException(
                        "channels needs at least 2 filter counts, got " + channels.length);
            }
            for (int c : channels) {
                ConfigValues.positive("channels", c);
            }
            ConfigValues.positive("inputChannels", inputChannels);
            ConfigValues.positive("hidden", hidden);
            return new Imm58Net(this);
        }
    }
}
