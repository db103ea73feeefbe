package io.github.keypoints.data.augment;

import io.github.keypoints.data.Keypoints;

/**
 * What to do when an augmentation pushes keypoints outside the image.
 *
 * <p>A point is inside when {@code 0 ≤ x ≤ W − 1} and {@code 0 ≤ y ≤ H − 1}: on or between the
 * centres of the border pixels.
 *
 * @param retries how many times to draw new parameters; 0 with {@code allow} keeps every draw
 * @param allowsOutside whether points outside are accepted
 */
public record OutsidePolicy(int retries, boolean allowsOutside) {

    /**
     * Validates the retry count.
     *
     * @param retries how many times to draw new parameters; 0 with {@code allow} keeps every draw
     * @param allowsOutside whether points outside are accepted
     */
    public OutsidePolicy {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be at least 0, was " + retries);
        }
    }

    /**
     * Returns the policy that accepts points outside the image (they keep their coordinates).
     *
     * @return the permissive policy
     */
    public static OutsidePolicy allow() {
        return new OutsidePolicy(0, true);
    }

    /**
     * Returns the policy that draws new parameters up to {@code k} times while a point lands
     * outside, and then falls back to the un-moved geometry (photometric changes are kept), so no
     * point of a sample that started inside ends up outside.
     *
     * @param k the number of redraws, at least 0
     * @return the resampling policy
     */
    public static OutsidePolicy resample(int k) {
        return new OutsidePolicy(k, false);
    }

    /**
     * Tells whether every point lies inside a {@code width×height} image.
     *
     * @param keypoints the points
     * @param width the image width
     * @param height the image height
     * @return whether all points are inside
     */
    public static boolean inside(Keypoints keypoints, int width, int height) {
        for (int i = 0; i < keypoints.size(); i++) {
            float x = keypoints.x(i);
            float y = keypoints.y(i);
            if (!(x >= 0 && x <= width - 1 && y >= 0 && y <= height - 1)) {
                return false;
            }
        }
        return true;
    }
}
