package io.github.keypoints.data.augment;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.SyntheticImages;
import io.github.keypoints.data.image.OpenCv;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

class AugmentationPipelineProperties {

    private static final Augmentation EVERYTHING =
            Augmentation.sequence(
                    Augmentation.oneOf(
                            Augmentation.rotation(30, Center.FACE_BOX), Augmentation.shift(8)),
                    Augmentation.scale(0.9, 1.1, Center.IMAGE),
                    Augmentation.withProbability(0.5, Augmentation.horizontalFlip()),
                    Augmentation.colorJitter(0.2, 0.3));

    @Property(tries = 100)
    void theSameSeedGivesTheSameAugmentedSample(
            @ForAll("coords136to47") float[] xy, @ForAll long seed) {
        OpenCv.load();
        Keypoints points = Keypoints.of(LandmarkScheme.IBUG_68, xy);
        Mat image = new Mat(48, 64, CvType.CV_8UC3);
        Core.randu(image, 0, 256);
        AugmentationPipeline pipeline =
                AugmentationPipeline.builder().setAugmentation(EVERYTHING).build();
        ImageSample in = new ImageSample(image, points, Optional.empty());
        ImageSample a = pipeline.apply(in, new SplittableRandom(seed));
        ImageSample b = pipeline.apply(in, new SplittableRandom(seed));
        ImageSample c = pipeline.apply(in, new Random(seed));
        ImageSample d = pipeline.apply(in, new Random(seed));
        try {
            assertThat(b.keypoints()).isEqualTo(a.keypoints());
            assertThat(Core.norm(a.image(), b.image(), Core.NORM_INF)).isZero();
            assertThat(d.keypoints()).isEqualTo(c.keypoints());
            assertThat(Core.norm(c.image(), d.image(), Core.NORM_INF)).isZero();
        } finally {
            a.release();
            b.release();
            c.release();
            d.release();
            image.release();
        }
    }

    @Property(tries = 100)
    void geometricStepsResampleOnceSoRotatingThereAndBackLeavesEveryPixelUntouched(
            @ForAll @net.jqwik.api.constraints.DoubleRange(min = 1, max = 180) double degrees,
            @ForAll @net.jqwik.api.constraints.DoubleRange(min = 0, max = 63) double cx,
            @ForAll @net.jqwik.api.constraints.DoubleRange(min = 0, max = 47) double cy,
            @ForAll long seed) {
        OpenCv.load();
        Mat image = new Mat(48, 64, CvType.CV_8UC1);
        Core.setRNGSeed((int) seed);
        Core.randu(image, 0, 256);
        Augmentation there = (plan, r) -> plan.transform(Affine.rotation(degrees, cx, cy));
        Augmentation back = (plan, r) -> plan.transform(Affine.rotation(-degrees, cx, cy));
        Keypoints points = Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {10, 10});
        ImageSample out =
                AugmentationPipeline.builder()
                        .setAugmentation(there.then(back))
                        .build()
                        .apply(
                                new ImageSample(image, points, Optional.empty()),
                                new SplittableRandom(seed));
        try {
            // Two resamplings would blur a noise image by tens of gray levels; one warp with the
            // (numerically) identity product reproduces it exactly.
            assertThat(Core.norm(out.image(), image, Core.NORM_INF)).isZero();
            assertThat(out.keypoints().maxDistance(points)).isLessThan(1e-3);
        } finally {
            out.release();
            image.release();
        }
    }

    @Property
    void resamplingPolicyNeverReturnsPointsOutsideTheImage(
            @ForAll("coords136to99") float[] xy,
            @ForAll @IntRange(min = 0, max = 5) int retries,
            @ForAll long seed) {
        OpenCv.load();
        Keypoints points = Keypoints.of(LandmarkScheme.IBUG_68, xy);
        Augmentation wild =
                Augmentation.sequence(
                        Augmentation.rotation(180, Center.KEYPOINT_CENTROID),
                        Augmentation.scale(0.5, 2, Center.IMAGE),
                        Augmentation.shift(60),
                        Augmentation.withProbability(0.5, Augmentation.horizontalFlip()));
        AugmentationPipeline pipeline =
                AugmentationPipeline.builder()
                        .setAugmentation(wild)
                        .optOutsidePolicy(OutsidePolicy.resample(retries))
                        .build();
        AugmentationPlan plan =
                pipeline.plan(
                        100,
                        100,
                        new ImageSample(new Mat(), points, Optional.empty()),
                        new SplittableRandom(seed));
        assertInside(plan.keypoints(), 100, 100);
    }

    /**
     * Asserts every point lies in the image's pixel-centre range [0, W - 1] × [0, H - 1], checked
     * coordinate by coordinate (independently of {@link OutsidePolicy#inside}).
     */
    static void assertInside(Keypoints k, int width, int height) {
        for (int i = 0; i < k.size(); i++) {
            assertThat(k.x(i)).as("x of point %d", i).isBetween(0f, width - 1f);
            assertThat(k.y(i)).as("y of point %d", i).isBetween(0f, height - 1f);
        }
    }

    @net.jqwik.api.Example
    void insideIsTheClosedPixelCentreRange() {
        LandmarkScheme two =
                LandmarkScheme.builder().setName("two").setPointNames(List.of("a", "b")).build();
        assertThat(OutsidePolicy.inside(Keypoints.of(two, new float[] {0, 0, 99, 49}), 100, 50))
                .isTrue();
        for (float[] bad :
                new float[][] {
                    {-0.001f, 0, 1, 1},
                    {0, 0, Math.nextUp(99f), 1},
                    {0, 0, 1, Math.nextUp(49f)},
                    {0, -1e-3f, 1, 1}
                }) {
            assertThat(OutsidePolicy.inside(Keypoints.of(two, bad), 100, 50))
                    .as(java.util.Arrays.toString(bad))
                    .isFalse();
        }
    }

    @Provide
    Arbitrary<float[]> coords136to47() {
        return SyntheticImages.coordinates(136, 47);
    }

    @Provide
    Arbitrary<float[]> coords136to99() {
        return SyntheticImages.coordinates(136, 99);
    }
}
