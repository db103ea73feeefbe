/**
 * Face detection: finding the face boxes in a photo that keypoint models then landmark, shared by
 * the inference API and the automatic morph.
 */
package io.github.keypoints.data.detect;
