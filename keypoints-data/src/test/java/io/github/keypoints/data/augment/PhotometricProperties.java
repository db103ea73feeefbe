package io.github.keypoints.data.augment;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.SyntheticImages;
import io.github.keypoints.data.image.OpenCv;
import java.util.Optional;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class PhotometricProperties {

    @Property(tries = 100)
    void photometricOpsNeverMoveAPoint(
            @ForAll @DoubleRange(min = 0, max = 1) double brightness,
            @ForAll @DoubleRange(min = 0, max = 1) double contrast,
            @ForAll("coords116to63") float[] xy,
            @ForAll @IntRange(min = 1, max = 3) int repeats,
            @ForAll long seed) {
        OpenCv.load();
        Keypoints points = Keypoints.of(LandmarkScheme.IMM_58, xy);
        Augmentation jitter = Augmentation.colorJitter(brightness, contrast);
        Augmentation chain = jitter;
        for (int i = 1; i < repeats; i++) {
            chain = chain.then(jitter);
        }
        Mat image = new Mat(48, 64, CvType.CV_8UC3);
        Core.randu(image, 0, 256);
        AugmentationPipeline pipeline =
                AugmentationPipeline.builder().setAugmentation(chain).build();
        SplittableRandom random = new SplittableRandom(seed);
        AugmentationPlan plan =
                pipeline.plan(64, 48, new ImageSample(image, points, Optional.empty()), random);
        assertThat(plan.affine()).isEqualTo(Affine.IDENTITY);
        assertThat(plan.photometricOps()).hasSize(repeats);
        ImageSample out =
                pipeline.apply(
                        new ImageSample(image, points, Optional.empty()),
                        new SplittableRandom(seed));
        try {
            assertThat(out.keypoints()).isEqualTo(points);
        } finally {
            out.release();
            image.release();
        }
    }

    @Property(tries = 50)
    void colorJitterOnlyMapsIntensitiesAffinelyAndKeepsTheImageSize(
            @ForAll @DoubleRange(min = 0, max = 0.5) double brightness,
            @ForAll @DoubleRange(min = 0, max = 0.5) double contrast,
            @ForAll long seed) {
        OpenCv.load();
        Mat image = new Mat(30, 40, CvType.CV_8UC1, new Scalar(100));
        image.submat(0, 30, 0, 20).setTo(new Scalar(140));
        Keypoints points = Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {5, 5});
        AugmentationPipeline pipeline =
                AugmentationPipeline.builder()
                        .setAugmentation(Augmentation.colorJitter(brightness, contrast))
                        .build();
        ImageSample out =
                pipeline.apply(
                        new ImageSample(image, points, Optional.empty()),
                        new SplittableRandom(seed));
        try {
            assertThat(out.width()).isEqualTo(40);
            assertThat(out.height()).isEqualTo(30);
            // Equal inputs stay equal and the order of intensities is kept: no pixel moved.
            double left = out.image().get(10, 5)[0];
            double right = out.image().get(10, 35)[0];
            assertThat(out.image().get(29, 19)[0]).isEqualTo(left);
            assertThat(out.image().get(0, 20)[0]).isEqualTo(right);
            assertThat(left).isGreaterThanOrEqualTo(right);
        } finally {
            out.release();
            image.release();
        }
    }

    @Provide
    Arbitrary<float[]> coords116to63() {
        return SyntheticImages.coordinates(116, 63);
    }
}
