package io.github.keypoints.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/** Where labels are written, and that box drawing checks its image too. */
class KeypointOverlayPlacementTest {

    @BeforeAll
    static void load() {
        OpenCv.load();
    }

    /** Counts the non-black pixels in the quadrant [x0, x1) × [y0, y1). */
    private static int lit(Mat m, int x0, int x1, int y0, int y1) {
        int n = 0;
        byte[] px = new byte[3];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                m.get(y, x, px);
                if ((px[0] | px[1] | px[2]) != 0) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void aLabelIsWrittenAboveAndRightOfItsPoint() {
        // Point 0 at (40, 40) with radius 3: the label "0" starts at (44, 36), its baseline, so
        // its glyph lies up and to the right, clear of the circle (which reaches 37..43).
        Mat img = new Mat(80, 80, CvType.CV_8UC3, new Scalar(0, 0, 0));
        try {
            KeypointOverlay.builder()
                    .build()
                    .drawPoints(
                            img,
                            Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {40, 40}),
                            new PointStyle(255, 255, 255, 3, true, true));
            assertThat(lit(img, 45, 80, 0, 36)).as("up right").isGreaterThan(5);
            assertThat(lit(img, 0, 36, 0, 80)).as("left").isZero();
            assertThat(lit(img, 0, 80, 45, 80)).as("below").isZero();
        } finally {
            img.release();
        }
    }

    @Test
    void drawingABoxOnAGrayImageIsRefused() {
        Mat gray = new Mat(5, 5, CvType.CV_8UC1, new Scalar(0));
        try {
            assertThatThrownBy(
                            () ->
                                    KeypointOverlay.builder()
                                            .build()
                                            .drawBox(gray, new Box(1, 1, 2, 2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Expected a non-empty 8-bit BGR image (CV_8UC3), found CV_8UC1");
            // Nothing was drawn before the refusal.
            assertThat(gray.get(1, 1)[0]).isZero();
        } finally {
            gray.release();
        }
    }
}
