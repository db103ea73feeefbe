package io.github.keypoints.data.augment;

import io.github.keypoints.data.Affine;
import java.util.random.RandomGenerator;

/** A translation by uniformly drawn x and y shifts. */
final class RandomShift implements Augmentation {

    private final double maxPixels;

    RandomShift(double maxPixels) {
        if (!(maxPixels >= 0) || !Double.isFinite(maxPixels)) {
            throw new IllegalArgumentException(
                    "maxPixels must be finite and at least 0, was " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    @Override
    public void plan(AugmentationPlan plan, RandomGenerator random) {
        if (maxPixels == 0) {
            return;
        }
        double dx = random.nextDouble(-maxPixels, maxPixels);
        double dy = random.nextDouble(-maxPixels, maxPixels);
        plan.transform(Affine.translation(dx, dy));
    }

    @Override
    public String toString() {
        return "shift(±" + maxPixels + "px)";
    }
}
