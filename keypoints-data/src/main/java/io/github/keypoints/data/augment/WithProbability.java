package io.github.keypoints.data.augment;

import java.util.Objects;
import java.util.random.RandomGenerator;

/** A step applied with a fixed probability. */
final class WithProbability implements Augmentation {

    private final double p;
    private final Augmentation step;

    WithProbability(double p, Augmentation step) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability must be in 0..1, was " + p);
        }
        this.p = p;
        this.step = Objects.requireNonNull(step, "step");
    }

    @Override
    public void plan(AugmentationPlan plan, RandomGenerator random) {
        // Always draw, so the stream position does not depend on p's value at 0 or 1.
        if (random.nextDouble() < p) {
            step.plan(plan, random);
        }
    }

    @Override
    public String toString() {
        return "withProbability(" + p + ", " + step + ")";
    }
}
