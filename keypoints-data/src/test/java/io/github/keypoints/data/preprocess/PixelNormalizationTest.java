package io.github.keypoints.data.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.keypoints.data.image.OpenCv;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class PixelNormalizationTest {

    @Test
    void meanStdStandardisesEachRgbChannelWithItsOwnStatistics() {
        OpenCv.load();
        Mat bgr = new Mat(2, 3, CvType.CV_8UC3, new Scalar(51, 102, 255)); // B, G, R
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        float[] chw = PixelNormalization.meanStd(mean, std).toChw(bgr);
        bgr.release();
        assertThat(chw).hasSize(18);
        assertThat(chw[0]).isCloseTo((1.0f - 0.485f) / 0.229f, within(1e-5f)); // R = 255
        assertThat(chw[6]).isCloseTo((0.4f - 0.456f) / 0.224f, within(1e-5f)); // G = 102
        assertThat(chw[12]).isCloseTo((0.2f - 0.406f) / 0.225f, within(1e-5f)); // B = 51
    }

    @Test
    void badStatisticsAndImagesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> PixelNormalization.meanStd(new float[] {0.5f}, new float[0]))
                .hasMessageContaining("same, non-zero length");
        assertThatThrownBy(() -> PixelNormalization.meanStd(new float[] {0.5f}, new float[] {0}))
                .hasMessageContaining("positive");
        OpenCv.load();
        Mat gray = new Mat(2, 2, CvType.CV_8UC1, new Scalar(0));
        Mat floats = new Mat(2, 2, CvType.CV_32FC1, new Scalar(0));
        try {
            PixelNormalization rgbOnly =
                    PixelNormalization.meanStd(new float[] {0, 0, 0}, new float[] {1, 1, 1});
            assertThatThrownBy(() -> rgbOnly.toChw(gray)).hasMessageContaining("3 channels");
            assertThatThrownBy(() -> PixelNormalization.centered().toChw(floats))
                    .hasMessageContaining("8-bit");
        } finally {
            gray.release();
            floats.release();
        }
    }
}
