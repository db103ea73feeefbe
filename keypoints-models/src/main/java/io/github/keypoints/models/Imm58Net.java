package io.github.keypoints.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
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
 * <p>On MXNet, inference runs the whole network as one graph that the engine executes as a single
 * cached operator (the same kernels, one call per pass instead of one per layer; the system
 * property {@code keypoints.mxnetGraph=false} turns it off).
 *
 * <p>A training pass, on either engine, runs each ReLU that directly precedes a 2×2 max pooling
 * after that pooling: the two commute exactly, gradients included, so the results are those of the
 * written order while the ReLU touches a quarter of the elements (the system property {@code
 * keypoints.poolBeforeRelu=false} runs the written order).
 *
 * <pre>{@code
 * Imm58Net net = Imm58Net.builder().setOutputs(116).build();
 * }</pre>
 */
public final class Imm58Net extends ConvRegressor {

    /** The architecture name in {@link ModelZoo}. */
    public static final String NAME = "imm58";

    private static final int[] DEFAULT_CHANNELS = {32, 64, 64, 32, 32};

    private Imm58Net(Builder b) {
        super(b);
        int[] channels = channels();
        Shape k3 = new Shape(3, 3);
        for (int i = 0; i < channels.length; i++) {
            add(Conv2d.builder().setKernelShape(k3).setFilters(channels[i]).build());
            add(ShapedLambda.relu());
            if (i > 0) {
                add(MaxPooling.twoByTwoBlock());
            }
        }
        addHead(b);
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
        return builder().fromConfig(config).build();
    }

    /** {@inheritDoc} */
    @Override
    public String architecture() {
        return NAME;
    }

    /**
     * Builds {@link Imm58Net}: {@code setOutputs} takes {@code 2N} for N keypoints (116 for IMM)
     * and is required.
     *
     * <p>The convolution filters ({@code optChannels}) are {@code 32, 64, 64, 32, 32} by default,
     * at least two counts: the first convolution is not pooled, every later one is. The input
     * channels are only recorded: the first convolution infers them at initialisation.
     */
    public static final class Builder extends ConvRegressor.Builder<Builder> {

        private Builder() {
            super(DEFAULT_CHANNELS);
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Builds the network (uninitialised).
         *
         * @return the network
         * @throws IllegalArgumentException if the outputs are not set or a size is not positive
         */
        public Imm58Net build() {
            validate(channels.length >= 2, "at least 2");
            return new Imm58Net(this);
        }
    }
}
