package io.github.keypoints.models;

import ai.djl.nn.core.Linear;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference project's regressor shape: 3×3 convolutions chosen by the subclass, then flatten, a
 * ReLU hidden layer and a linear {@code 2N} output.
 *
 * <p>{@link Imm58Net} and {@link NoseTipNet} differ only in where they pool; the settings, the
 * saved configuration and the fully connected head live here once.
 *
 * <p>On PyTorch the convolutions run on channels-last activations and weights ({@link
 * ChannelsLast}): for these small-channel networks on large images that saves oneDNN's layout
 * reorders around every convolution. Outputs and saved parameters are those of the default layout.
 */
abstract class ConvRegressor extends ChannelsLastSequentialBlock implements KeypointBlock {

    private final int outputs;
    private final int inputChannels;
    private final int[] channels;
    private final int hidden;

    ConvRegressor(Builder<?> b) {
        this.outputs = b.outputs;
        this.inputChannels = b.inputChannels;
        this.channels = b.channels.clone();
        this.hidden = b.hidden;
    }

    /** Returns the convolution filter counts; the subclass builds its layers from them. */
    final int[] channels() {
        return channels.clone();
    }

    /** Appends flatten, the hidden layer and the output layer, then installs the initialiser. */
    final void addHead(Builder<?> b) {
        add(ShapedLambda.batchFlatten());
        add(Linear.builder().setUnits(hidden).build());
        add(ShapedLambda.relu());
        add(Linear.builder().setUnits(outputs).build());
        InitializerSupport.apply(this, b.initializer);
    }

    /** {@inheritDoc} */
    @Override
    public final int outputs() {
        return outputs;
    }

    /** {@inheritDoc} */
    @Override
    public final int inputChannels() {
        return inputChannels;
    }

    /** {@inheritDoc} */
    @Override
    public final Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outputs", outputs);
        m.put("inputChannels", inputChannels);
        m.put("channels", ConfigValues.list(channels));
        m.put("hidden", hidden);
        return Collections.unmodifiableMap(m);
    }

    /**
     * The settings of a {@link ConvRegressor}: the shared ones plus filters and hidden width.
     *
     * @param <T> the concrete builder
     */
    abstract static class Builder<T extends Builder<T>> extends KeypointBlockBuilder<T> {
        int[] channels;
        int hidden = 256;

        Builder(int[] defaultChannels) {
            this.channels = defaultChannels.clone();
        }

        /**
         * Sets the convolution filters, one count per convolution.
         *
         * @param channels the filter counts
         * @return this builder
         */
        public T optChannels(int... channels) {
            this.channels = channels.clone();
            return self();
        }

        /**
         * Sets the width of the hidden fully connected layer; 256 by default.
         *
         * @param hidden the unit count
         * @return this builder
         */
        public T optHidden(int hidden) {
            this.hidden = hidden;
            return self();
        }

        /** {@inheritDoc} Also reads the filters and the hidden width; absent ones keep defaults. */
        @Override
        T fromConfig(Map<String, ?> config) {
            return super.fromConfig(config)
                    .optChannels(ConfigValues.intArray(config, "channels", channels))
                    .optHidden(ConfigValues.intValue(config, "hidden", hidden));
        }

        /**
         * Checks the shared settings, that the filter count fits the subclass's layers, and that
         * every size is positive.
         */
        void validate(boolean channelCountFits, String expectedChannels) {
            requireOutputs();
            if (!channelCountFits) {
                throw new IllegalArgumentException(
                        "channels needs "
                                + expectedChannels
                                + " filter counts, got "
                                + channels.length);
            }
            for (int c : channels) {
                ConfigValues.positive("channels", c);
            }
            ConfigValues.positive("inputChannels", inputChannels);
            ConfigValues.positive("hidden", hidden);
        }
    }
}
