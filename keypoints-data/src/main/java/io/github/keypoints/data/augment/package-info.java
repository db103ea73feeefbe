/**
 * Seeded, composable, keypoint-safe augmentation: every geometric operation is one 2×3 {@link
 * io.github.keypoints.data.Affine} applied to the pixels and the keypoints alike, consecutive
 * geometric operations are multiplied into one matrix so the image is resampled once, and
 * photometric operations never move a point.
 */
package io.github.keypoints.data.augment;
