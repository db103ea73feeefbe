package io.github.keypoints.data.dataset;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.image.OpenCv;
import java.util.Objects;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * A prepared (decoded, cropped, resized, not yet augmented) input image held outside native memory,
 * with the transform from original pixels that produced it.
 *
 * <p>The pixel array is shared, not copied: treat it as read-only.
 *
 * @param rows the image height
 * @param cols the image width
 * @param channels 1 (gray) or 3 (BGR)
 * @param pixels {@code rows·cols·channels} bytes, row-major, channels interleaved
 * @param toInput the original-to-input transform
 */
public record CachedImage(int rows, int cols, int channels, byte[] pixels, Affine toInput) {

    /**
     * Validates the sizes.
     *
     * @param rows the image height
     * @param cols the image width
     * @param channels 1 (gray) or 3 (BGR)
     * @param pixels {@code rows·cols·channels} bytes, row-major, channels interleaved
     * @param toInput the original-to-input transform
     */
    public CachedImage {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(toInput, "toInput");
        if (rows <= 0 || cols <= 0 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException(
                    "Bad cached image shape " + rows + "x" + cols + "x" + channels);
        }
        if (pixels.length != rows * cols * channels) {
            throw new IllegalArgumentException(
                    "Cached image has "
                            + pixels.length
                            + " bytes, expected "
                            + rows * cols * channels);
        }
    }

    /**
     * Copies an 8-bit image out of native memory.
     *
     * @param image an 8-bit gray or BGR image; not released
     * @param toInput the transform that produced it
     * @return the cached copy
     */
    public static CachedImage of(Mat image, Affine toInput) {
        if (image.depth() != CvType.CV_8U) {
            throw new IllegalArgumentException("Expected an 8-bit image, found " + image);
        }
        Mat continuous = image.isContinuous() ? image : image.clone();
        try {
            byte[] data = new byte[(int) (continuous.total() * continuous.channels())];
            continuous.get(0, 0, data);
            return new CachedImage(
                    continuous.rows(), continuous.cols(), continuous.channels(), data, toInput);
        } finally {
            if (continuous != image) {
                continuous.release();
            }
        }
    }

    /**
     * Copies the pixels into a new native image.
     *
     * @return a new {@code Mat} the caller must release
     */
    public Mat toMat() {
        OpenCv.load();
        Mat m = new Mat(rows, cols, channels == 1 ? CvType.CV_8UC1 : CvType.CV_8UC3);
        m.put(0, 0, pixels);
        return m;
    }
}
