package io.github.keypoints.data.augment;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import java.util.Objects;
import java.util.Optional;
import org.opencv.core.Mat;

/**
 * An image with its keypoints in that image's pixels and, optionally, a face box: what an {@link
 * AugmentationPipeline} takes and returns.
 *
 * <p>The {@code Mat} is a native buffer; whoever holds the record owns it and must release it.
 *
 * @param image an 8-bit gray or BGR image
 * @param keypoints the points in {@code image}'s pixels
 * @param faceBox the face box in {@code image}'s pixels, if known
 */
public record ImageSample(Mat image, Keypoints keypoints, Optional<Box> faceBox) {

    /**
     * Validates that no component is null.
     *
     * @param image an 8-bit gray or BGR image
     * @param keypoints the points in {@code image}'s pixels
     * @param faceBox the face box in {@code image}'s pixels, if known
     */
    public ImageSample {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(keypoints, "keypoints");
        Objects.requireNonNull(faceBox, "faceBox");
    }

    /**
     * Returns the image width.
     *
     * @return the width in pixels
     */
    public int width() {
        return image.cols();
    }

    /**
     * Returns the image height.
     *
     * @return the height in pixels
     */
    public int height() {
        return image.rows();
    }

    /** Releases the native image buffer. */
    public void release() {
        image.release();
    }
}
