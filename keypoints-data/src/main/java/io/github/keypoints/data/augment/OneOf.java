package io.github.keypoints.data.augment;

import java.util.List;
import java.util.random.RandomGenerator;

/** Exactly one of several steps, chosen uniformly per sample. */
final class OneOf implements Augmentation {

    private final List<Augmentation> choices;

    OneOf(List<Augmentation> choices) {
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("oneOf needs at least one choice");
        }
        this.choices = List.copyOf(choices);
    }

    @Override
    public void plan(AugmentationPlan plan, RandomGenerator random) {
        choices.get(random.nextInt(choices.size())).plan(plan, random);
    }

    @Override
    public String toString() {
        return "oneOf" + choices;
    }
}
