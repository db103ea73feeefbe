package io.github.keypoints.data.augment;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The geometric fallback keeps the colour changes, and the image centre is the middle pixel. */
class AugmentationFallbackTest {

    private static final Keypoints NOSE =
            Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {10, 8});

    @Test
    void whenEveryDrawPushesAPointOutTheFallbackIsUnmovedButKeepsItsColourOps() {
        // A 1000-pixel shift of a 20×16 image always throws the point out.
        AugmentationPipeline p =
                AugmentationPipeline.builder()
                        .setAugmentation(
                                Augmentation.sequence(
                                        Augmentation.shift(1000), Augmentation.colorJitter(0.2, 0)))
                        .optOutsidePolicy(OutsidePolicy.resample(2))
                        .build();
        io.github.keypoints.data.image.OpenCv.load();
        // plan() reads only the points and box; an empty image stands in for the pixels.
        org.opencv.core.Mat none = new org.opencv.core.Mat();
        AugmentationPlan plan =
                p.plan(
                        20,
                        16,
                        new ImageSample(none, NOSE, Optional.empty()),
                        new SplittableRandom(3));
        assertThat(plan.affine()).isEqualTo(Affine.IDENTITY);
        assertThat(plan.keypoints()).isEqualTo(NOSE);
        assertThat(plan.photometricOps()).hasSize(1);
        assertThat(p.augmentation()).isNotNull();
        assertThat(p.toString()).startsWith("AugmentationPipeline[");
    }

    @Test
    void theImageCentreIsTheMiddleOfThePixelCentres() {
        // Pixel centres 0..10 and 0..6: the middle is (5, 3).
        AugmentationPlan plan = new AugmentationPlan(11, 7, NOSE, Optional.empty());
        assertThat(plan.center(Center.IMAGE)).containsExactly(5.0, 3.0);
    }
}
