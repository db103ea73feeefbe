package io.github.keypoints.data.preprocess;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import java.util.Objects;
import java.util.Optional;
import org.opencv.core.Mat;

/**
 * A face prepared for the network: the 8-bit input-size image, the transform that produced it, and
 * the ground truth moved into input pixels.
 *
 * <p>The {@code Mat} is a native buffer owned by whoever holds this record; {@link #release()} it.
 *
 * @param image the input-size image, 8-bit gray or BGR
 * @param toInput the transform from original-image pixels to input pixels
 * @param keypoints the ground-truth points in input pixels
 * @param faceBox the face box in input pixels (the annotated box, else the tight box of the points)
 */
public record PreparedImage(Mat image, Affine toInput, Keypoints keypoints, Optional<Box> faceBox) {

    /**
     * Validates that no component is null.
     *
     * @param image the input-size image, 8-bit gray or BGR
     * @param toInput the transform from original-image pixels to input pixels
     * @param keypoints the ground-truth points in input pixels
     * @param faceBox the face box in input pixels (the annotated box, else the tight box of the
     *     points)
     */
    public PreparedImage {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(toInput, "toInput");
        Objects.requireNonNull(keypoints, "keypoints");
        Objects.requireNonNull(faceBox, "faceBox");
    }

    /**
     * Returns the transform from input pixels back to original-image pixels.
     *
     * @return the inverse of {@link #toInput()}
     */
    public Affine toOriginal() {
        return toInput.inverse();
    }

    /** Releases the native image buffer. */
    public void release() {
        image.release();
    }
}
