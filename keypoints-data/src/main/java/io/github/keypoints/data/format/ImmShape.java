package io.github.keypoints.data.format;

import io.github.keypoints.data.Keypoints;
import java.util.Objects;

/**
 * The content of an IMM {@code .asf} file: 58 points in coordinates relative to the image size
 * (0..1 across the image) and the host image file name.
 *
 * @param relative the points as relative coordinates, scheme {@link
 *     io.github.keypoints.data.LandmarkScheme#IMM_58}
 * @param hostImage the image file name as written in the file, relative to the file's folder
 */
public record ImmShape(Keypoints relative, String hostImage) {

    /**
     * Validates that no component is null or blank.
     *
     * @param relative see the record description
     * @param hostImage see the record description
     */
    public ImmShape {
        Objects.requireNonNull(relative, "relative");
        Objects.requireNonNull(hostImage, "hostImage");
        if (hostImage.isBlank()) {
            throw new IllegalArgumentException("hostImage must not be blank");
        }
    }

    /**
     * Converts the points to pixels of an image of the given size.
     *
     * @param width the real image width in pixels
     * @param height the real image height in pixels
     * @return the keypoints in pixels
     */
    public Keypoints toPixels(int width, int height) {
        return Keypoints.fromRelative(relative.scheme(), relative.toArray(), width, height);
    }
}
