package io.github.keypoints.data.preprocess;

import org.opencv.core.Core;

/**
 * How pixels outside the source image are filled when an affine warp reaches beyond it.
 *
 * @param replicating whether to repeat the edge pixels ({@code BORDER_REPLICATE}); otherwise a
 *     constant fills them ({@code BORDER_CONSTANT})
 * @param value the constant gray value, 0..255, used when not replicating
 */
public record Border(boolean replicating, double value) {

    /**
     * Validates the constant.
     *
     * @param replicating whether to repeat the edge pixels ({@code BORDER_REPLICATE}); otherwise a
     *     constant fills them ({@code BORDER_CONSTANT})
     * @param value the constant gray value, 0..255, used when not replicating
     */
    public Border {
        if (!(value >= 0 && value <= 255)) {
            throw new IllegalArgumentException("border value must be in 0..255, was " + value);
        }
    }

    /**
     * Returns the border that repeats the edge pixels.
     *
     * @return the replicate border
     */
    public static Border replicate() {
        return new Border(true, 0);
    }

    /**
     * Returns a constant border.
     *
     * @param value the gray value, 0..255, for every channel
     * @return the constant border
     */
    public static Border constant(double value) {
        return new Border(false, value);
    }

    /**
     * Returns the OpenCV border type.
     *
     * @return {@code Core.BORDER_REPLICATE} or {@code Core.BORDER_CONSTANT}
     */
    public int openCvType() {
        return replicating ? Core.BORDER_REPLICATE : Core.BORDER_CONSTANT;
    }

    /**
     * Returns a short text that identifies this border, for cache keys.
     *
     * @return the description
     */
    public String describe() {
        return replicating ? "replicate" : "constant" + value;
    }
}
