package io.github.keypoints.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.image.OpenCv;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/**
 * Colour jitter checked through what it must do to pixel values: contrast stretches about the
 * image's mean over all channels, brightness shifts every channel alike; and the probability
 * wrapper at its limits.
 */
class PhotometricValueTest {

    private static final Keypoints NOSE = Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {1, 1});

    /** Runs one augmentation on a 2×2 BGR image of one colour and returns the new colour. */
    private static double[] jitter(Augmentation a, double b, double g, double r, long seed) {
        OpenCv.load();
        Mat image = new Mat(2, 2, CvType.CV_8UC3, new Scalar(b, g, r));
        AugmentationPipeline p = AugmentationPipeline.builder().setAugmentation(a).build();
        ImageSample out =
                p.apply(new ImageSample(image, NOSE, Optional.empty()), new SplittableRandom(seed));
        try {
            return out.image().get(1, 1);
        } finally {
            out.release();
            image.release();
        }
    }

    @Test
    void contrastStretchesAboutTheMeanOfAllChannels() {
        // Channel means 60, 120, 180: their mean, 120, is the fixed point of the stretch.
        double largestChange = 0;
        for (long seed = 0; seed < 20; seed++) {
            double[] v = jitter(Augmentation.colorJitter(0, 0.5), 60, 120, 180, seed);
            assertThat(v[1]).as("seed %d", seed).isCloseTo(120, within(1.0));
            assertThat(v[0] + v[2]).as("seed %d", seed).isCloseTo(240, within(1.0));
            double c = (v[2] - v[0]) / 120;
            assertThat(c).as("seed %d", seed).isBetween(0.5 - 0.02, 1.5 + 0.02);
            largestChange = Math.max(largestChange, Math.abs(c - 1));
        }
        assertThat(largestChange).as("the contrast does change").isGreaterThan(0.2);
    }

    @Test
    void brightnessShiftsEveryChannelByTheSameFractionOfTheRange() {
        double largestShift = 0;
        for (long seed = 0; seed < 20; seed++) {
            double[] v = jitter(Augmentation.colorJitter(0.3, 0), 100, 128, 156, seed);
            double shift = v[1] - 128;
            assertThat(v[0] - 100).as("seed %d", seed).isCloseTo(shift, within(1.0));
            assertThat(v[2] - 156).as("seed %d", seed).isCloseTo(shift, within(1.0));
            // ±0.3 of the 0..255 range.
            assertThat(Math.abs(shift)).isLessThanOrEqualTo(0.3 * 255 + 1);
            largestShift = Math.max(largestShift, Math.abs(shift));
        }
        assertThat(largestShift).as("the brightness does change").isGreaterThan(20);
    }

    @Test
    void jitterLimitsAreZeroAndOneAndTheDescriptionNamesThem() {
        assertThat(Augmentation.colorJitter(0.3, 0))
                .hasToString("colorJitter(brightness ±0.3, contrast ±0.0)");
        assertThat(jitter(Augmentation.colorJitter(0, 0), 10, 20, 30, 1))
                .containsExactly(10, 20, 30);
        assertThatThrownBy(() -> Augmentation.colorJitter(1.01, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brightness and contrast must be in 0..1, were 1.01 and 0.0");
    }

    private static Affine planned(Augmentation a, long seed) {
        AugmentationPlan plan = new AugmentationPlan(10, 8, NOSE, Optional.empty());
        a.plan(plan, new SplittableRandom(seed));
        return plan.affine();
    }

    @Test
    void probabilityOneAlwaysAppliesTheStepAndZeroNever() {
        Augmentation always = Augmentation.withProbability(1, Augmentation.horizontalFlip());
        Augmentation never = Augmentation.withProbability(0, Augmentation.horizontalFlip());
        for (long seed = 0; seed < 10; seed++) {
            assertThat(planned(always, seed)).isEqualTo(Affine.horizontalFlip(10));
            assertThat(planned(never, seed)).isEqualTo(Affine.IDENTITY);
        }
        assertThat(never.toString())
                .isEqualTo("withProbability(0.0, " + Augmentation.horizontalFlip() + ")");
        assertThatThrownBy(() -> Augmentation.withProbability(1.01, Augmentation.horizontalFlip()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("probability must be in 0..1, was 1.01");
        assertThatThrownBy(() -> Augmentation.withProbability(-0.01, Augmentation.horizontalFlip()))
                .hasMessage("probability must be in 0..1, was -0.01");
    }
}
