package io.github.keypoints.data.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.OpenCv;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/** Preprocessor settings: limits, the description that keys caches, and preparing from a file. */
class PreprocessorSettingsTest {

    @TempDir Path dir;

    @Test
    void theInputSizeMustBePositiveAndOneByOneIsEnough() {
        assertThat(Preprocessor.builder().setInputSize(1, 1).build().inputWidth()).isEqualTo(1);
        assertThatThrownBy(() -> Preprocessor.builder().setInputSize(0, 1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inputSize must be set to positive values (setInputSize), was 0x1");
        assertThatThrownBy(() -> Preprocessor.builder().setInputSize(1, 0).build())
                .hasMessage("inputSize must be set to positive values (setInputSize), was 1x0");
    }

    @Test
    void theDescriptionNamesEverySettingThatChangesTheInput() {
        Preprocessor gray =
                Preprocessor.builder()
                        .setInputSize(8, 6)
                        .optGrayscale(true)
                        .optCrop(CropPolicy.faceBox(1.2))
                        .optBorder(Border.constant(9))
                        .build();
        assertThat(gray.describe()).isEqualTo("8x6:gray:FACE_BOX:1.2:constant9.0");
        assertThat(gray).hasToString("Preprocessor[8x6:gray:FACE_BOX:1.2:constant9.0]");
        Preprocessor colour = Preprocessor.builder().setInputSize(8, 6).optGrayscale(false).build();
        assertThat(colour.describe()).startsWith("8x6:bgr:");
        assertThat(colour.grayscale()).isFalse();
    }

    @Test
    void preparingFromTheFileReadsItInTheConfiguredColour() {
        OpenCv.load();
        Mat m = new Mat(6, 8, CvType.CV_8UC3, new Scalar(10, 20, 30));
        Path file = dir.resolve("p.png");
        ImageFiles.write(m, file);
        m.release();
        FaceSample s =
                FaceSample.of("p", file, Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {2, 3}));
        // Same size as the photo with the whole-image crop: the identity.
        PreparedImage p =
                Preprocessor.builder().setInputSize(8, 6).optGrayscale(false).build().prepare(s);
        try {
            assertThat(p.image().channels()).isEqualTo(3);
            assertThat(p.image().get(3, 4)).containsExactly(10, 20, 30);
            assertThat(p.toOriginal().toArray())
                    .containsExactly(new double[] {1, 0, 0, 0, 1, 0}, within(1e-12));
            assertThat(p.keypoints().x(0)).isCloseTo(2f, within(1e-5f));
        } finally {
            p.release();
        }
    }
}
