/**
 * Facial landmark value types ({@link io.github.keypoints.data.Keypoints}, {@link
 * io.github.keypoints.data.LandmarkScheme}, {@link io.github.keypoints.data.Box}, {@link
 * io.github.keypoints.data.Affine}), annotation parsers and writers, and datasets.
 */
package io.github.keypoints.data;
