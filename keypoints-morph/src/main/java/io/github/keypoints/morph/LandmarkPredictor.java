package io.github.keypoints.morph;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import org.opencv.core.Mat;

/**
 * Finds the keypoints of one face in a photo, given the face's box: the part of a keypoint detector
 * the automatic morph needs (a {@code KeypointDetector}'s {@code predict} of {@code
 * keypoints-models} fits it: {@code detector::predict}).
 */
@FunctionalInterface
public interface LandmarkPredictor {

    /**
     * Predicts the keypoints of the face in {@code face}.
     *
     * @param image the whole photo, 8-bit BGR; not modified or released
     * @param face the face box in the photo's pixels
     * @return the keypoints in the photo's pixels
     */
    Keypoints predict(Mat image, Box face);
}
