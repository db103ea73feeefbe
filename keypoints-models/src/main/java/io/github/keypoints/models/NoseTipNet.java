package io.github.keypoints.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
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
 * <p>On MXNet, inference runs the whole network as one graph that the engine executes as a single
 * cached operator (the same kernels, one call per pass instead of one per layer; the system
 * property {@code keypoints.mxnetGraph=false} turns it off).
 *
 * <p>A training pass, on either engine, runs each ReLU that directly precedes a 2×2 max pooling
 * after that pooling: the two commute exactly, gradients included, so the results are those of the
 * written order while the ReLU touches a quarter of the elements (the system property {@code
 * keypoints.poolBeforeRelu=false} runs the written order). On MXNet a training pass also pads the
 * first convolution's 24 filters to 32 with zeros, and the second convolution's input channels to
 * match, so that MXNet's oneDNN runs both on its AVX-512 kernels; outputs and gradients are
 * unchanged up to rounding ({@code keypoints.mxnetPadChannels=false} turns it off).
 *
 * <pre>{@code
 * NoseTipNet net = NoseTipNet.builder().setOutputs(2).build();
 * NoseTipNet half = NoseTipNet.builder().setOutputs(2).optChannels(12, 16, 16).build();
 * }</pre>
 */
public final class NoseTipNet extends ConvRegressor {

    /** The architecture name in {@link ModelZoo}. */
    public static final String NAME = "nose-tip";

    private static final int[] DEFAULT_CHANNELS = {24, 32, 32};

    private NoseTipNet(Builder b) {
        super(b);
        int[] channels = channels();
        Shape k3 = new Shape(3, 3);
        add(Conv2d.builder().setKernelShape(k3).setFilters(channels[0]).build());
        add(ShapedLambda.relu());
        add(Conv2d.builder().setKernelShape(k3).setFilters(channels[1]).build());
        add(ShapedLambda.relu());
        add(MaxPooling.twoByTwoBlock());
        add(Conv2d.builder().setKernelShape(k3).setFilters(channels[2]).build());
        add(ShapedLambda.relu());
        add(MaxPooling.twoByTwoBlock());
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

    static NoseTipNet fromConfig(Map<String, ?> config) {
        return builder().fromConfig(config).build();
    }

    /** {@inheritDoc} */
    @Override
    public String architecture() {
        return NAME;
    }

    /**
     * Builds {@link NoseTipNet}: {@code setOutputs} takes {@code 2N} for N keypoints (2 for the
     * nose tip) and is required.
     *
     * <p>The filters of the three convolutions ({@code optChannels}) are {@code 24, 32, 32} by
     * default (the reference also tried {@code 12, 16, 16}). The input channels are only recorded:
     * the first convolution infers them at initialisation.
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
        public NoseTipNet build() {
            validate(channels.length == 3, "3");
            return new NoseTipNet(this);
        }
    }
}
