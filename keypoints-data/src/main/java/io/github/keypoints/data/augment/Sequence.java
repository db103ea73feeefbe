package io.github.keypoints.data.augment;

import java.util.List;
import java.util.random.RandomGenerator;

/** Steps applied in order. */
final class Sequence implements Augmentation {

    private final List<Augmentation> steps;

    Sequence(List<Augmentation> steps) {
        this.steps = List.copyOf(steps);
    }

    @Override
    public void plan(AugmentationPlan plan, RandomGenerator random) {
        for (Augmentation step : steps) {
            step.plan(plan, random);
        }
    }

    @Override
    public String toString() {
        return "sequence" + steps;
    }
}
