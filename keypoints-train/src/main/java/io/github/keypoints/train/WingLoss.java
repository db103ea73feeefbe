package io.github.keypoints.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Wing loss for landmark regression, from Feng, Kittler, Awais, Huber and Wu, <a
 * href="https://arxiv.org/abs/1711.06753">"Wing Loss for Robust Facial Landmark Localisation with
 * Convolutional Neural Networks"</a>, CVPR 2018.
 *
 * <p>For an error {@code x} (in pixels after multiplying the relative coordinates by {@link
 * Builder#optScale(float) scale}): {@code w·ln(1 + |x|/ε)} when {@code |x| < w}, else {@code |x| −
 * C} with {@code C = w − w·ln(1 + w/ε)}. Small and medium errors get a larger gradient than under
 * L2 or L1. The result is the mean over coordinates. The paper's defaults are {@code w = 10} and
 * {@code ε = 2}, in pixels; because our targets are relative to the input size, set the scale to
 * the input width so that {@code w} and {@code ε} keep their pixel meaning.
 */
public final class WingLoss extends Loss {

    private final float width;
    private final float curvature;
    private final float scale;
    private final float constant;

    private WingLoss(Builder b) {
        super("wing");
        this.width = b.width;
        this.curvature = b.curvature;
        this.scale = b.scale;
        this.constant = (float) (width - width * Math.log(1 + width / curvature));
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray pred = predictions.singletonOrThrow();
        NDArray x = labels.singletonOrThrow().reshape(pred.getShape()).sub(pred).abs().mul(scale);
        NDArray small = x.div(curvature).add(1).log().mul(width);
        NDArray large = x.sub(constant);
        return x.lt(width).toType(x.getDataType(), false).mul(small.sub(large)).add(large).mean();
    }

    @Override
    public String toString() {
        return "wing(w=" + width + ", eps=" + curvature + ", scale=" + scale + ")";
    }

    /** Builds a {@link WingLoss}; every value has the paper's default. */
    public static final class Builder {
        private float width = 10f;
        private float curvature = 2f;
        private float scale = 1f;

        private Builder() {}

        /**
         * Sets {@code w}, the error (in scaled units) where the log part ends (default 10).
         *
         * @param width a positive value
         * @return this builder
         */
        public Builder optWidth(float width) {
            this.width = width;
            return this;
        }

        /**
         * Sets {@code ε}, the curvature of the log part (default 2).
         *
         * @param curvature a positive value
         * @return this builder
         */
        public Builder optCurvature(float curvature) {
            this.curvature = curvature;
            return this;
        }

        /**
         * Sets the factor applied to coordinate errors before the loss (default 1); the input width
         * turns relative coordinates into input pixels.
         *
         * @param scale a positive factor
         * @return this builder
         */
        public Builder optScale(float scale) {
            this.scale = scale;
            return this;
        }

        /**
         * Builds the loss.
         *
         * @return the loss
         * @throws IllegalArgumentException if a value is not positive
         */
        public WingLoss build() {
            if (!(width > 0) || !(curvature > 0) || !(scale > 0)) {
                throw new IllegalArgumentException(
                        "Wing loss width, curvature and scale must be positive, got "
                                + width
                                + ", "
                                + curvature
                                + ", "
                                + scale);
            }
            return new WingLoss(this);
        }
    }
}
