package io.github.keypoints.data;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One annotated face: the image file, its keypoints in that image's pixels, and the face box when
 * the annotation has one (imglab XML does; IMM and {@code .pts} do not).
 *
 * <p>A photo with three annotated faces gives three samples that share the image path.
 *
 * @param id a stable identifier, unique within a dataset (such as {@code 01-1m} or {@code
 *     2008_001009.jpg#2})
 * @param image the image file
 * @param keypoints the ground-truth keypoints in original-image pixels
 * @param box the annotated face box, if any
 */
public record FaceSample(String id, Path image, Keypoints keypoints, Optional<Box> box) {

    /**
     * Validates that no component is null.
     *
     * @param id a stable identifier, unique within a dataset (such as {@code 01-1m} or {@code
     *     2008_001009.jpg#2})
     * @param image the image file
     * @param keypoints the ground-truth keypoints in original-image pixels
     * @param box the annotated face box, if any
     */
    public FaceSample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(keypoints, "keypoints");
        Objects.requireNonNull(box, "box");
    }

    /**
     * Creates a sample without a face box.
     *
     * @param id the identifier
     * @param image the image file
     * @param keypoints the keypoints in pixels
     * @return the sample
     */
    public static FaceSample of(String id, Path image, Keypoints keypoints) {
        return new FaceSample(id, image, keypoints, Optional.empty());
    }

    /**
     * Returns the annotated box, or else the tight box of the keypoints grown by {@code factor}
     * about its centre.
     *
     * @param factor how much to grow the tight box (1.0 keeps it)
     * @return the face box in original pixels
     */
    public Box faceBox(double factor) {
        return box.orElseGet(() -> keypoints.boundingBox().scaleAboutCenter(factor));
    }
}
