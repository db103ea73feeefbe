package io.github.keypoints.data.augment;

import io.github.keypoints.data.Affine;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** A rotation by a uniformly drawn angle about a chosen centre. */
final class RandomRotation implements Augmentation {

    private final double maxDegrees;
    private final Center center;

    RandomRotation(double maxDegrees, Center center) {
        if (!(maxDegrees >= 0 && maxDegrees <= 180)) {
            throw new IllegalArgumentException("maxDegrees must be in 0..180, was " + maxDegrees);
        }
        this.maxDegrees = maxDegrees;
        this.center = Objects.requireNonNull(center, "center");
    }

    @Override
    public void plan(AugmentationPlan plan, RandomGenerator random) {
        double degrees = maxDegrees == 0 ? 0 : random.nextDouble(-maxDegrees, maxDegrees);
        double[] c = plan.center(center);
        plan.transform(Affine.rotation(degrees, c[0], c[1]));
    }

    @Override
    public String toString() {
        return "rotation(±" + maxDegrees + "°, " + center + ")";
    }
}
