/**
 * Face morphing: Delaunay triangulation of keypoints, exact per-triangle affine warps, morph
 * sequences and movies, mean faces, group comparisons, caricatures, and automatic morphing of
 * photos whose keypoints a {@link io.github.keypoints.morph.LandmarkPredictor} finds.
 */
package io.github.keypoints.morph;
