package io.github.keypoints.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The descriptions training logs record for a pipeline, a single-choice oneOf, and the limits of
 * the scale range.
 */
class AugmentationDescriptionTest {

    @Test
    void eachStepDescribesItsSettings() {
        Augmentation a =
                Augmentation.sequence(
                        Augmentation.rotation(15, Center.FACE_BOX),
                        Augmentation.oneOf(Augmentation.shift(4), Augmentation.horizontalFlip()),
                        Augmentation.scale(0.9, 1.1, Center.IMAGE));
        assertThat(a)
                .hasToString(
                        "sequence[rotation(±15.0°, FACE_BOX), oneOf[shift(±4.0px), horizontalFlip],"
                                + " scale(0.9..1.1, IMAGE)]");
    }

    @Test
    void aOneOfWithOneChoiceAlwaysPlansIt() {
        Keypoints nose = Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {2, 3});
        Augmentation only = Augmentation.oneOf(Augmentation.horizontalFlip());
        for (long seed = 0; seed < 5; seed++) {
            AugmentationPlan plan = new AugmentationPlan(10, 8, nose, Optional.empty());
            only.plan(plan, new SplittableRandom(seed));
            assertThat(plan.affine()).isEqualTo(Affine.horizontalFlip(10));
        }
    }

    @Test
    void aScaleRangeMayBeOnePointButNotEmptyOrZero() {
        Keypoints nose = Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {2, 3});
        AugmentationPlan plan = new AugmentationPlan(11, 7, nose, Optional.empty());
        Augmentation.scale(2, 2, Center.IMAGE).plan(plan, new SplittableRandom(1));
        // Doubling about the image centre (5, 3): (2, 3) → (−1, 3).
        assertThat(plan.keypoints().x(0)).isEqualTo(-1f);
        assertThatThrownBy(() -> Augmentation.scale(1.1, 1.0, Center.IMAGE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scale range must satisfy 0 < min <= max, was 1.1..1.0");
        assertThatThrownBy(() -> Augmentation.scale(0, 1, Center.IMAGE))
                .hasMessage("scale range must satisfy 0 < min <= max, was 0.0..1.0");
    }
}
