package io.github.keypoints.data.augment;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.image.OpenCv;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/** The code examples in the augment package's javadoc, compiled and run. */
class JavadocExamplesTest {

    @Test
    void augmentationAndPipelineExamplesRun() {
        OpenCv.load();
        // From Augmentation's javadoc.
        Augmentation reference =
                Augmentation.sequence(
                        Augmentation.oneOf(
                                Augmentation.rotation(15, Center.IMAGE), Augmentation.shift(10)),
                        Augmentation.withProbability(0.5, Augmentation.horizontalFlip()),
                        Augmentation.colorJitter(0.2, 0.2));
        // From AugmentationPipeline's javadoc.
        AugmentationPipeline pipeline =
                AugmentationPipeline.builder()
                        .setAugmentation(
                                Augmentation.oneOf(
                                        Augmentation.rotation(15, Center.FACE_BOX),
                                        Augmentation.shift(10)))
                        .optOutsidePolicy(OutsidePolicy.resample(5))
                        .build();
        Mat image = new Mat(48, 64, CvType.CV_8UC1, new Scalar(40));
        ImageSample in =
                new ImageSample(
                        image,
                        Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {30, 20}),
                        Optional.empty());
        ImageSample out = pipeline.apply(in, new SplittableRandom(42));
        ImageSample ref =
                AugmentationPipeline.builder()
                        .setAugmentation(reference)
                        .build()
                        .apply(in, new SplittableRandom(42));
        try {
            assertThat(out.width()).isEqualTo(64);
            AugmentationPipelineProperties.assertInside(out.keypoints(), 64, 48);
            assertThat(ref.keypoints().size()).isEqualTo(1);
        } finally {
            out.release();
            ref.release();
            image.release();
        }
    }
}
