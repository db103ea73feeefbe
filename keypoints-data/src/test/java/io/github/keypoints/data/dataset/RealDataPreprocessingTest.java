package io.github.keypoints.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.augment.Augmentation;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.augment.Center;
import io.github.keypoints.data.augment.ImageSample;
import io.github.keypoints.data.augment.OutsidePolicy;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.preprocess.CropPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Preprocessing and augmentation of the real IMM and 300-W files, when they are present. */
class RealDataPreprocessingTest {

    private static Path shared(String sub) {
        Path dir = Path.of(System.getProperty("keypoints.shared.data", "../../shared/data"), sub);
        Assumptions.assumeTrue(
                Files.isDirectory(dir),
                "Real data not found at " + dir.toAbsolutePath() + "; skipping");
        return dir;
    }

    @Test
    void everyImmFacePreparesAt240x180AndMapsBackToItsAnnotation() throws IOException {
        List<FaceSample> samples =
                DatasetLoader.builder().setPath(shared("imm_face_db")).build().load().samples();
        assertThat(samples).hasSize(240);
        FaceLandmarkDataset ds =
                FaceLandmarkDataset.builder()
                        .setSamples(samples)
                        .setInputSize(240, 180)
                        .optCache(ImageCache.none())
                        .setSampling(32, false)
                        .build();
        for (int i = 0; i < samples.size(); i += 7) {
            ImageSample s = ds.inputSample(i, false);
            try {
                assertThat(s.width()).isEqualTo(240);
                assertThat(s.height()).isEqualTo(180);
                // 640x480 -> 240x180 is a pure scaling by 3/8 in the pixel-centre convention.
                Affine back = ds.toOriginal(i);
                assertThat(back.a()).isEqualTo(640 / 240.0);
                assertThat(back.applyX(-0.5, -0.5)).isEqualTo(-0.5);
                assertThat(s.keypoints().transform(back).maxDistance(samples.get(i).keypoints()))
                        .isLessThan(1e-3);
            } finally {
                s.release();
            }
        }
    }

    @Test
    void threeHundredWFacesCropToTheirBoxWithEveryPointInsideAfterAugmentation()
            throws IOException {
        List<FaceSample> samples =
                DatasetLoader.builder()
                        .setPath(shared("ibug_300w_sample/helen/testset"))
                        .build()
                        .load()
                        .samples();
        assertThat(samples).isNotEmpty();
        AugmentationPipeline pipeline =
                AugmentationPipeline.builder()
                        .setAugmentation(
                                Augmentation.sequence(
                                        Augmentation.rotation(20, Center.FACE_BOX),
                                        Augmentation.scale(0.9, 1.1, Center.FACE_BOX),
                                        Augmentation.shift(8),
                                        Augmentation.withProbability(
                                                0.5, Augmentation.horizontalFlip())))
                        .optOutsidePolicy(OutsidePolicy.resample(10))
                        .build();
        FaceLandmarkDataset ds =
                FaceLandmarkDataset.builder()
                        .setSamples(samples.subList(0, Math.min(12, samples.size())))
                        .setInputSize(96, 96)
                        .optGrayscale(false)
                        .optCrop(CropPolicy.faceBox(1.3).keepingAspect())
                        .optAugmentation(pipeline)
                        .setSampling(4, true)
                        .build();
        for (int i = 0; i < ds.size(); i++) {
            ImageSample plain = ds.inputSample(i, false);
            ImageSample augmented = ds.inputSample(i, true);
            try {
                assertThat(plain.image().channels()).isEqualTo(3);
                for (Keypoints k : List.of(plain.keypoints(), augmented.keypoints())) {
                    for (int p = 0; p < k.size(); p++) {
                        assertThat(k.x(p)).isBetween(0f, 95f);
                        assertThat(k.y(p)).isBetween(0f, 95f);
                    }
                }
                assertThat(
                                plain.keypoints()
                                        .transform(ds.toOriginal(i))
                                        .maxDistance(ds.sample(i).keypoints()))
                        .isLessThan(1e-2);
            } finally {
                plain.release();
                augmented.release();
            }
        }
    }
}
