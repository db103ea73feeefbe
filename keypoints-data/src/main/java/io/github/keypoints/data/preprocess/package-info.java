/**
 * Preprocessing from an original photo to a network input: face-box cropping, resizing as one
 * {@link io.github.keypoints.data.Affine} (so predictions map back exactly with its inverse), and
 * pixel normalisation to float tensors.
 */
package io.github.keypoints.data.preprocess;
