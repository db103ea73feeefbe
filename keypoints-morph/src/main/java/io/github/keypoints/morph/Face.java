package io.github.keypoints.morph;

import java.util.Objects;

/**
 * One face to morph or average: its image and its keypoints in that image's pixels.
 *
 * @param id a name for reports (such as the file name)
 * @param image the pixels; not modified by this package
 * @param shape the keypoints in {@code image} pixels
 */
public record Face(String id, ImageBuffer image, io.github.keypoints.data.Keypoints shape) {

    /**
     * Validates that no component is null.
     *
     * @param id a name for reports (such as the file name)
     * @param image the pixels; not modified by this package
     * @param shape the keypoints in {@code image} pixels
     */
    public Face {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(shape, "shape");
    }
}
