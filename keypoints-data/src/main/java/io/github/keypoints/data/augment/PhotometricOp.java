package io.github.keypoints.data.augment;

import org.opencv.core.Mat;

/**
 * A per-pixel intensity change decided by an {@link Augmentation} (its random parameters already
 * drawn). It changes pixel values only, never geometry, so it never moves a keypoint.
 */
@FunctionalInterface
public interface PhotometricOp {

    /**
     * Changes the pixels of an 8-bit image in place.
     *
     * @param image the image, 8-bit gray or BGR
     */
    void apply(Mat image);
}
