package io.github.keypoints.models.inference;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import java.util.Objects;

/**
 * One landmarked face: the face box the prediction used and the predicted keypoints, both in the
 * original image's pixels.
 *
 * @param box the face box (given, found by the face finder, or the whole image as {@code 0, 0,
 *     width, height})
 * @param keypoints the predicted keypoints
 */
public record Detection(Box box, Keypoints keypoints) {

    /**
     * Validates that no component is null.
     *
     * @param box the face box (given, found by the face finder, or the whole image as {@code 0, 0,
     *     width, height})
     * @param keypoints the predicted keypoints
     */
    public Detection {
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(keypoints, "keypoints");
    }
}
