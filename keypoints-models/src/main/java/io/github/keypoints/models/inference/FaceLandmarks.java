package io.github.keypoints.models.inference;

import java.util.List;
import java.util.Optional;

/**
 * The landmarked faces of one image: what a {@link FaceLandmarkTranslator} predicts for an image,
 * and the output type to name in DJL's {@code Criteria}.
 *
 * @param imageWidth the image's width in pixels
 * @param imageHeight the image's height in pixels
 * @param faces one detection per face, in the face finder's order (largest first); one, the whole
 *     image, for whole-image models; empty if no face was found
 */
public record FaceLandmarks(int imageWidth, int imageHeight, List<Detection> faces) {

    /**
     * Validates the size and copies the list.
     *
     * @param imageWidth the image's width in pixels, at least 1
     * @param imageHeight the image's height in pixels, at least 1
     * @param faces the detections; copied
     */
    public FaceLandmarks {
        if (imageWidth < 1 || imageHeight < 1) {
            throw new IllegalArgumentException(
                    "image size must be positive, was " + imageWidth + "x" + imageHeight);
        }
        faces = List.copyOf(faces);
    }

    /**
     * Returns the first face: the largest one the finder found, the given box, or the whole image.
     *
     * @return the first detection, or empty if there is none
     */
    public Optional<Detection> first() {
        return faces.isEmpty() ? Optional.empty() : Optional.of(faces.get(0));
    }

    /**
     * Tells whether no face was landmarked.
     *
     * @return whether {@link #faces()} is empty
     */
    public boolean isEmpty() {
        return faces.isEmpty();
    }
}
