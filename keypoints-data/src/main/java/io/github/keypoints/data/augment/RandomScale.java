package io.github.keypoints.data.augment;

import io.github.keypoints.data.Affine;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** A uniform scaling by a drawn factor about a chosen centre. */
final class RandomScale implements Augmentation {

    private final double min;
    private final double max;
    private final Center center;

    RandomScale(double min, double max, Center center) {
        if (!(min > 0 && max >= min && Double.isFinite(max))) {
            throw new IllegalArgumentException(
                    "scale range must satisfy 0 < min <= max, was " + min + ".." + max);
        }
        this.min = min;
        this.max = max;
        this.center = Objects.requireNonNull(center, "center");
    }

    @Override
    public void plan(AugmentationPlan plan, RandomGenerator random) {
        double s = min == max ? min : random.nextDouble(min, max);
        double[] c = plan.center(center);
        plan.transform(
                Affine.translation(-c[0], -c[1])
                        .then(Affine.scaling(s, s))
                        .then(Affine.translation(c[0], c[1])));
    }

    @Override
    public String toString() {
        return "scale(" + min + ".." + max + ", " + center + ")";
    }
}
