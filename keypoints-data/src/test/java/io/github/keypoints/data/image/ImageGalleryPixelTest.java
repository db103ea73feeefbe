package io.github.keypoints.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Gallery tiles and the written canvas, checked by the colours of pixels at known places. */
class ImageGalleryPixelTest {

    /** The letterbox gray of an empty tile area. */
    private static final int BAND = 40;

    @TempDir Path dir;

    @BeforeAll
    static void load() {
        OpenCv.load();
    }

    private static int[] bgr(Mat m, int x, int y) {
        byte[] px = new byte[3];
        m.get(y, x, px);
        return new int[] {px[0] & 0xFF, px[1] & 0xFF, px[2] & 0xFF};
    }

    @Test
    void theCanvasPlacesTilesRowByRowAndLeavesTheRestBlack() {
        Path out = dir.resolve("g.png");
        int[][] colours = {{0, 0, 200}, {0, 200, 0}, {200, 0, 0}};
        try (ImageGallery g = ImageGallery.builder().setTileSize(40, 30).optColumns(2).build()) {
            for (int[] c : colours) {
                Mat m = new Mat(30, 40, CvType.CV_8UC3, new Scalar(c[0], c[1], c[2]));
                g.add(m, "");
                m.release();
            }
            g.write(out);
        }
        Mat back = ImageFiles.read(out, false);
        try {
            assertThat(back.size()).isEqualTo(new Size(80, 60));
            // Tile i sits at column i % 2, row i / 2; check the corners and centre of each.
            for (int i = 0; i < 3; i++) {
                int x0 = (i % 2) * 40;
                int y0 = (i / 2) * 30;
                for (int[] p : new int[][] {{0, 0}, {39, 29}, {20, 15}, {39, 0}, {0, 29}}) {
                    assertThat(bgr(back, x0 + p[0], y0 + p[1]))
                            .as("tile %d at %d,%d", i, p[0], p[1])
                            .containsExactly(colours[i]);
                }
            }
            // The fourth slot of the 2×2 canvas has no tile.
            assertThat(bgr(back, 60, 45)).containsExactly(0, 0, 0);
            assertThat(bgr(back, 40, 30)).containsExactly(0, 0, 0);
        } finally {
            back.release();
        }
    }

    @Test
    void wideAndTallImagesAreLetterboxedAndCentred() {
        try (ImageGallery g = ImageGallery.builder().setTileSize(40, 40).build()) {
            // 100×50 scales by 0.4 to 40×20: bands of 10 rows above and below.
            Mat wide = new Mat(50, 100, CvType.CV_8UC3, new Scalar(10, 20, 230));
            Mat t = g.add(wide, "").image();
            assertThat(t.size()).isEqualTo(new Size(40, 40));
            assertThat(bgr(t, 20, 9)).containsExactly(BAND, BAND, BAND);
            assertThat(bgr(t, 20, 10)).containsExactly(10, 20, 230);
            assertThat(bgr(t, 0, 29)).containsExactly(10, 20, 230);
            assertThat(bgr(t, 39, 30)).containsExactly(BAND, BAND, BAND);
            // 50×100: bands of 10 columns left and right.
            Mat tall = new Mat(100, 50, CvType.CV_8UC3, new Scalar(10, 20, 230));
            Mat u = g.add(tall, "").image();
            assertThat(bgr(u, 9, 20)).containsExactly(BAND, BAND, BAND);
            assertThat(bgr(u, 10, 20)).containsExactly(10, 20, 230);
            assertThat(bgr(u, 29, 39)).containsExactly(10, 20, 230);
            assertThat(bgr(u, 30, 0)).containsExactly(BAND, BAND, BAND);
            wide.release();
            tall.release();
        }
    }

    @Test
    void aGrayImageBecomesAGrayColourTile() {
        try (ImageGallery g = ImageGallery.builder().setTileSize(8, 8).build()) {
            Mat gray = new Mat(8, 8, CvType.CV_8UC1, new Scalar(100));
            assertThat(bgr(g.add(gray, "").image(), 3, 3)).containsExactly(100, 100, 100);
            gray.release();
        }
    }

    @Test
    void shrinkingAveragesFineStripesInsteadOfPickingColumns() {
        // One-pixel black/white stripes reduced 3 times: an area average gives 1/3 or 2/3 white
        // (85 or 170); sampling single columns would give pure 0 or 255.
        byte[] px = new byte[120 * 90];
        for (int y = 0; y < 90; y++) {
            for (int x = 0; x < 120; x++) {
                px[y * 120 + x] = (byte) ((x & 1) == 0 ? 255 : 0);
            }
        }
        Mat stripes = new Mat(90, 120, CvType.CV_8UC1);
        stripes.put(0, 0, px);
        try (ImageGallery g = ImageGallery.builder().setTileSize(40, 30).build()) {
            Mat t = g.add(stripes, "").image();
            for (int x = 0; x < 40; x++) {
                assertThat(bgr(t, x, 15)[0]).as("column %d", x).isBetween(80, 175);
            }
        } finally {
            stripes.release();
        }
    }

    @Test
    void aCaptionSitsOnABlackBoxSizedToItsText() {
        String caption = "abc";
        int[] baseline = new int[1];
        Size text = Imgproc.getTextSize(caption, Imgproc.FONT_HERSHEY_SIMPLEX, 0.45, 1, baseline);
        int right = (int) text.width + 8;
        int bottom = (int) text.height + baseline[0] + 6;
        try (ImageGallery g = ImageGallery.builder().setTileSize(80, 60).build()) {
            Mat plain = new Mat(60, 80, CvType.CV_8UC3, new Scalar(0, 0, 200));
            Mat t = g.add(plain, caption).image();
            // Corners of the box, outside the glyphs (text starts at x = 4, baseline y = 14).
            assertThat(bgr(t, 0, 0)).containsExactly(0, 0, 0);
            assertThat(bgr(t, right, 1)).containsExactly(0, 0, 0);
            assertThat(bgr(t, 1, bottom)).containsExactly(0, 0, 0);
            // Just outside the box: the image.
            assertThat(bgr(t, right + 2, 1)).containsExactly(0, 0, 200);
            assertThat(bgr(t, 1, bottom + 2)).containsExactly(0, 0, 200);
            // The glyphs are white on the box.
            int brightest = 0;
            for (int y = 0; y <= bottom; y++) {
                for (int x = 0; x <= right; x++) {
                    brightest = Math.max(brightest, bgr(t, x, y)[1]);
                }
            }
            assertThat(brightest).isGreaterThan(200);
            // No caption, no box: the top-left pixel is the image's.
            Mat u = g.add(plain, "").image();
            assertThat(bgr(u, 0, 0)).containsExactly(0, 0, 200);
            plain.release();
        }
    }

    @Test
    void closingReleasesTheTilesAndEmptiesTheGallery() {
        ImageGallery g = ImageGallery.builder().setTileSize(4, 4).build();
        Mat m = new Mat(4, 4, CvType.CV_8UC3, new Scalar(1, 2, 3));
        Mat tile = g.add(m, "").image();
        m.release();
        g.close();
        assertThat(g.size()).isZero();
        assertThat(tile.empty()).isTrue();
    }

    @Test
    void theSmallestTileAndOneColumnAreAllowedAndZeroIsNamed() {
        try (ImageGallery g = ImageGallery.builder().setTileSize(1, 1).optColumns(1).build()) {
            assertThat(g.size()).isZero();
        }
        assertThatThrownBy(() -> ImageGallery.builder().setTileSize(0, 5).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("found 0x5");
        assertThatThrownBy(() -> ImageGallery.builder().setTileSize(5, 0).build())
                .hasMessageEndingWith("found 5x0");
        assertThatThrownBy(() -> ImageGallery.builder().setTileSize(5, 5).optColumns(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("columns must be >= 1, was 0");
        try (ImageGallery g = ImageGallery.builder().setTileSize(4, 4).build()) {
            Mat empty = new Mat();
            assertThatThrownBy(() -> g.add(empty, ""))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Cannot add an empty image to the gallery");
        }
    }
}
