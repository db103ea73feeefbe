package io.github.keypoints.data.augment;

import java.util.random.RandomGenerator;

/** The horizontal mirror of image and points, with the scheme's point renumbering. */
final class HorizontalFlip implements Augmentation {

    static final HorizontalFlip INSTANCE = new HorizontalFlip();

    private HorizontalFlip() {}

    @Override
    public void plan(AugmentationPlan plan, RandomGenerator random) {
        plan.flipHorizontally();
    }

    @Override
    public String toString() {
        return "horizontalFlip";
    }
}
