package io.github.keypoints.data.preprocess;

import java.util.Arrays;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Turns an 8-bit image into the float tensor layout the networks take: channels first ({@code
 * C×H×W}), colour channels in RGB order, each value {@code (pixel / 255 − mean[c]) / std[c]}.
 *
 * <p>{@link #centered()} is the reference project's scaling, {@code pixel / 255 − 0.5}, into [−0.5,
 * 0.5]; {@link #meanStd(float[], float[])} is the usual per-channel standardisation (for example
 * ImageNet statistics). An immutable value: equal statistics make equal normalisations, and a
 * model's saved spec stores them as they are.
 */
public final class PixelNormalization {

    private static final PixelNormalization CENTERED =
            new PixelNormalization(new float[] {0.5f}, new float[] {1f});

    private final float[] mean;
    private final float[] std;

    private PixelNormalization(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
    }

    /**
     * Returns the reference scaling {@code pixel / 255 − 0.5}, the same for every channel.
     *
     * @return the centred normalisation
     */
    public static PixelNormalization centered() {
        return CENTERED;
    }

    /**
     * Returns the standardisation {@code (pixel / 255 − mean[c]) / std[c]}.
     *
     * @param mean the mean of each channel on the 0..1 scale (RGB order), or one value for all
     * @param std the standard deviation of each channel, positive, same length as {@code mean}
     * @return the normalisation
     * @throws IllegalArgumentException if the lengths differ or a deviation is not positive
     */
    public static PixelNormalization meanStd(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException(
                    "mean and std need the same, non-zero length; found "
                            + mean.length
                            + " and "
                            + std.length);
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException(
                        "std values must be positive, found " + Arrays.toString(std));
            }
        }
        return new PixelNormalization(mean.clone(), std.clone());
    }

    /**
     * Returns the channel means on the 0..1 scale (one value for all channels, or one per RGB
     * channel).
     *
     * @return a copy of the means
     */
    public float[] mean() {
        return mean.clone();
    }

    /**
     * Returns the channel standard deviations, as many as {@link #mean()}.
     *
     * @return a copy of the deviations
     */
    public float[] std() {
        return std.clone();
    }

    /**
     * Converts an 8-bit image to normalised floats, channels first.
     *
     * @param image an 8-bit image with 1 channel (gray) or 3 channels (BGR, OpenCV's order)
     * @return {@code C·H·W} floats, channel planes in RGB order for colour images
     * @throws IllegalArgumentException if the image is not 8-bit with 1 or 3 channels, or has more
     *     channels than this normalisation has statistics for
     */
    public float[] toChw(Mat image) {
        int channels = image.channels();
        if (image.depth() != CvType.CV_8U || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException(
                    "Expected an 8-bit image with 1 or 3 channels, found " + image);
        }
        if (mean.length != 1 && mean.length != channels) {
            throw new IllegalArgumentException(
                    "Normalisation has statistics for "
                            + mean.length
                            + " channels, the image has "
                            + channels);
        }
        int h = image.rows();
        int w = image.cols();
        int plane = h * w;
        byte[] pixels = new byte[plane * channels];
        Mat continuous = image.isContinuous() ? image : image.clone();
        try {
            continuous.get(0, 0, pixels);
        } finally {
            if (continuous != image) {
                continuous.release();
            }
        }
        float[] out = new float[pixels.length];
        for (int c = 0; c < channels; c++) {
            int src = channels == 3 ? 2 - c : 0; // BGR in, RGB out
            int stat = mean.length == 1 ? 0 : c;
            float scale = 1f / (255f * std[stat]);
            float offset = mean[stat] / std[stat];
            int base = c * plane;
            for (int p = 0; p < plane; p++) {
                out[base + p] = (pixels[p * channels + src] & 0xff) * scale - offset;
            }
        }
        return out;
    }

    /**
     * Returns a short text that identifies this normalisation.
     *
     * @return the description
     */
    public String describe() {
        return "mean" + Arrays.toString(mean) + "std" + Arrays.toString(std);
    }

    /** Two normalisations are equal when their means and deviations are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PixelNormalization p
                && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "PixelNormalization[" + describe() + "]";
    }
}
