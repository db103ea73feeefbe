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

class KeypointOverlayTest {

    @BeforeAll
    static void load() {
        OpenCv.load();
    }

    private static Keypoints one(float x, float y) {
        return Keypoints.of(
                LandmarkScheme.builder()
                        .setName("one")
                        .setPointNames(java.util.List.of("p"))
                        .build(),
                new float[] {x, y});
    }

    private static int[] bgr(Mat m, int x, int y) {
        byte[] px = new byte[3];
        m.get(y, x, px);
        return new int[] {px[0] & 0xFF, px[1] & 0xFF, px[2] & 0xFF};
    }

    @Test
    void drawsEachSetInItsColourAtItsPoint() {
        Mat img = new Mat(50, 50, CvType.CV_8UC3, new Scalar(0, 0, 0));
        try {
            KeypointOverlay o =
                    KeypointOverlay.builder()
                            .optFirstStyle(new PointStyle(0, 255, 0, 2, true, false))
                            .optSecondStyle(new PointStyle(255, 0, 0, 2, true, false))
                            .build();
            o.draw(img, one(10, 12), one(40, 30));
            assertThat(bgr(img, 10, 12)).containsExactly(0, 255, 0);
            assertThat(bgr(img, 40, 30)).containsExactly(0, 0, 255);
            assertThat(bgr(img, 25, 25)).containsExactly(0, 0, 0);
        } finally {
            img.release();
        }
    }

    @Test
    void ringsLeaveTheCentreAndLabelsAddPixels() {
        Mat ring = new Mat(60, 60, CvType.CV_8UC3, new Scalar(0, 0, 0));
        Mat labelled = new Mat(60, 60, CvType.CV_8UC3, new Scalar(0, 0, 0));
        try {
            PointStyle style = new PointStyle(255, 255, 255, 6, false, false);
            KeypointOverlay o = KeypointOverlay.builder().optFirstStyle(style).build();
            o.draw(ring, one(20, 30));
            assertThat(bgr(ring, 20, 30)).containsExactly(0, 0, 0);
            assertThat(bgr(ring, 26, 30)[0]).isGreaterThan(100);
            KeypointOverlay.builder()
                    .optFirstStyle(style.withLabels(true))
                    .build()
                    .draw(labelled, one(20, 30));
            assertThat(org.opencv.core.Core.countNonZero(channel0(labelled)))
                    .isGreaterThan(org.opencv.core.Core.countNonZero(channel0(ring)));
        } finally {
            ring.release();
            labelled.release();
        }
    }

    private static Mat channel0(Mat m) {
        Mat c = new Mat();
        org.opencv.core.Core.extractChannel(m, c, 0);
        return c;
    }

    @Test
    void drawsTheBoxOutline() {
        Mat img = new Mat(50, 50, CvType.CV_8UC3, new Scalar(0, 0, 0));
        try {
            KeypointOverlay.builder()
                    .optBox(0, 0, 255, 1)
                    .build()
                    .drawBox(img, new Box(10, 10, 20, 20));
            int[] edge = bgr(img, 20, 10);
            assertThat(edge[0]).isGreaterThan(200); // anti-aliased line, blue channel
            assertThat(edge[1]).isZero();
            assertThat(edge[2]).isZero();
            assertThat(bgr(img, 20, 20)).containsExactly(0, 0, 0);
        } finally {
            img.release();
        }
    }

    @Test
    void rejectsGrayImagesAndBadStyles() {
        Mat gray = new Mat(5, 5, CvType.CV_8UC1);
        try {
            assertThatThrownBy(() -> KeypointOverlay.builder().build().draw(gray, one(1, 1)))
                    .hasMessageContaining(
                            "Expected a non-empty 8-bit BGR image (CV_8UC3), found CV_8UC1");
        } finally {
            gray.release();
        }
        assertThatThrownBy(() -> new PointStyle(256, 0, 0, 1, true, false))
                .hasMessageContaining("0-255");
        assertThatThrownBy(() -> new PointStyle(0, 0, 0, 0, true, false))
                .hasMessageContaining("radius");
    }
}
