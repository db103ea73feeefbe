/**
 * Inference: {@link io.github.keypoints.models.inference.KeypointDetector} loads a saved model
 * directory and landmarks faces in photos, in original-image pixels, through the same preprocessing
 * the training dataset uses.
 */
package io.github.keypoints.models.inference;
