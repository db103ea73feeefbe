package io.github.keypoints.data.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.keypoints.data.image.OpenCv;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
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

    @Test
    void aValueEqualByItsStatisticsThatCopiesInAndOut() {
        float[] mean = {0.4f, 0.5f, 0.6f};
        float[] std = {0.2f, 0.25f, 0.3f};
        PixelNormalization n = PixelNormalization.meanStd(mean, std);
        PixelNormalization same =
                PixelNormalization.meanStd(new float[] {0.4f, 0.5f, 0.6f}, std.clone());
        mean[0] = 0.9f; // the caller's arrays are copied in ...
        n.mean()[1] = 0.9f; // ... and out
        n.std()[2] = 9f;
        assertThat(n.mean()).containsExactly(0.4f, 0.5f, 0.6f);
        assertThat(n.std()).containsExactly(0.2f, 0.25f, 0.3f);
        assertThat(n).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo("mean");
        assertThat(n)
                .isNotEqualTo(
                        PixelNormalization.meanStd(
                                new float[] {0.4f, 0.5f, 0.7f}, new float[] {0.2f, 0.25f, 0.3f}))
                .isNotEqualTo(
                        PixelNormalization.meanStd(
                                new float[] {0.4f, 0.5f, 0.6f}, new float[] {0.2f, 0.25f, 0.4f}));
        // Swapping mean and std must change the hash: the two arrays are not mixed symmetrically.
        assertThat(PixelNormalization.meanStd(new float[] {0.2f}, new float[] {0.6f}).hashCode())
                .isNotEqualTo(
                        PixelNormalization.meanStd(new float[] {0.6f}, new float[] {0.2f})
                                .hashCode());
        assertThat(PixelNormalization.centered())
                .isEqualTo(PixelNormalization.meanStd(new float[] {0.5f}, new float[] {1f}));
        assertThat(n.describe()).isEqualTo("mean[0.4, 0.5, 0.6]std[0.2, 0.25, 0.3]");
        assertThat(n).hasToString("PixelNormalization[mean[0.4, 0.5, 0.6]std[0.2, 0.25, 0.3]]");
    }

    @Test
    void aRegionOfAnImageGivesWhatItsCopyGives() {
        OpenCv.load();
        Mat whole = new Mat(6, 8, CvType.CV_8UC3);
        byte[] pixels = new byte[6 * 8 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        whole.put(0, 0, pixels);
        Mat region = whole.submat(new Rect(2, 1, 5, 4)); // not continuous in memory
        Mat copy = region.clone();
        try {
            assertThat(region.isContinuous()).isFalse();
            PixelNormalization n =
                    PixelNormalization.meanStd(
                            new float[] {0.4f, 0.5f, 0.6f}, new float[] {0.2f, 0.25f, 0.3f});
            float[] fromRegion = n.toChw(region);
            assertThat(fromRegion).hasSize(3 * 4 * 5).containsExactly(n.toChw(copy));
            // R of the region's first pixel: byte 2 of pixel (2, 1) of the whole image.
            int r = ((1 * 8 + 2) * 3 + 2) * 7 & 0xff;
            assertThat(fromRegion[0]).isCloseTo((r / 255f - 0.4f) / 0.2f, within(1e-5f));
        } finally {
            copy.release();
            region.release();
            whole.release();
        }
    }
}
