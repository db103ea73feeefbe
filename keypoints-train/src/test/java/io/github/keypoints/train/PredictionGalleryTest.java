package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each sample's image is one flat colour of its own, so the gallery shows where (and how large)
 * each sample was drawn; the markers are then checked at the keypoints mapped by that placement.
 */
class PredictionGalleryTest {

    // Sample i: a wide (160 x 40) or tall (30 x 120) image, so both fit limits occur.
    private static final int[][] SIZES = {{160, 40}, {30, 120}, {160, 40}, {30, 120}};

    private static int colour(int index) {
        return 0x143264 + 30 * index;
    }

    private static BufferedImage image(int index) {
        BufferedImage img =
                new BufferedImage(SIZES[index][0], SIZES[index][1], BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                img.setRGB(x, y, colour(index));
            }
        }
        return img;
    }

    /** Truth and prediction on one image row, 20 image px apart, at quarter-pixel offsets. */
    private static EvaluationResult.SampleError sample(int index, double meanPx) {
        double tx = SIZES[index][0] / 8.0 + 0.25;
        double ty = SIZES[index][1] / 6.0 + 0.25;
        return new EvaluationResult.SampleError(
                "s" + index,
                index,
                meanPx,
                Double.NaN,
                Keypoints.of(LandmarkScheme.NOSE_TIP, new double[] {tx, ty}),
                Keypoints.of(LandmarkScheme.NOSE_TIP, new double[] {tx + 20, ty}));
    }

    private static EvaluationResult result() {
        // dataset order differs from error order: sorted is 0 (1 px), 1, 2, 3 (4 px)
        List<EvaluationResult.SampleError> s =
                List.of(sample(2, 3), sample(0, 1), sample(3, 4), sample(1, 2));
        return new EvaluationResult(4, 2.5, 2.5, Double.NaN, Map.of(), s);
    }

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xffffff;
    }

    /** min x, min y, max x, max y of the pixels of exactly this colour. */
    private static int[] box(BufferedImage img, int colour) {
        int[] b = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                if (rgb(img, x, y) == colour) {
                    b[0] = Math.min(b[0], x);
                    b[1] = Math.min(b[1], y);
                    b[2] = Math.max(b[2], x);
                    b[3] = Math.max(b[3], y);
                }
            }
        }
        assertThat(b[2]).as("colour %06x drawn", colour).isNotNegative();
        return b;
    }

    private static boolean whiteish(int c) {
        return ((c >> 16) & 0xff) > 200 && ((c >> 8) & 0xff) > 200 && (c & 0xff) > 200;
    }

    private static boolean reddish(int c) {
        int r = (c >> 16) & 0xff;
        return r > ((c >> 8) & 0xff) + 80 && r > (c & 0xff) + 80;
    }

    private static boolean yellowish(int c) {
        int b = c & 0xff;
        return ((c >> 16) & 0xff) > b + 60 && ((c >> 8) & 0xff) > b + 60;
    }

    @Test
    void bestRowLeftToRightThenWorstRowFromTheWorstWithMarkersAtTheScaledKeypoints()
            throws Exception {
        EvaluationResult result = result();
        BufferedImage out = PredictionGallery.render(result, PredictionGalleryTest::imageFor, 2);
        int tileW = out.getWidth() / 2;
        Map<Integer, int[]> boxes = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            boxes.put(i, box(out, colour(i)));
        }
        int[] a = boxes.get(0);
        int[] b = boxes.get(1);
        int[] c = boxes.get(2);
        int[] d = boxes.get(3);
        // best: 0 then 1 in the first row; worst: 3 (the worst) then 2 in the second row
        assertThat(a[0]).isZero();
        assertThat(b[0]).isEqualTo(tileW);
        assertThat(d[0]).isZero();
        assertThat(c[0]).isEqualTo(tileW);
        assertThat(a[1]).isEqualTo(b[1]).isPositive();
        assertThat(d[1]).isEqualTo(c[1]);
        int tileH = b[3] - b[1] + 1; // the tall image fills the tile's height
        assertThat(d[1]).isGreaterThan(a[1] + tileH);
        assertThat(d[1] + tileH).isLessThanOrEqualTo(out.getHeight());

        for (int i = 0; i < 4; i++) {
            int[] bx = boxes.get(i);
            int w = bx[2] - bx[0] + 1;
            int h = bx[3] - bx[1] + 1;
            // scaled to fit the tile, aspect ratio kept: the wide images fill its width, the
            // tall ones its height
            final int index = i;
            double scale = w / (double) SIZES[i][0];
            assertThat(h)
                    .as("height of %d", i)
                    .isCloseTo(
                            (int) Math.round(SIZES[i][1] * scale),
                            org.assertj.core.data.Offset.offset(1));
            if (SIZES[i][0] > SIZES[i][1]) {
                assertThat(w).isEqualTo(tileW);
            } else {
                assertThat(h).isEqualTo(tileH);
                assertThat(w).isLessThan(tileW);
            }
            EvaluationResult.SampleError s =
                    result.samples().stream()
                            .filter(e -> e.index() == index)
                            .findFirst()
                            .orElseThrow();
            double tx = bx[0] + s.truth().x(0) * scale;
            double ty = bx[1] + s.truth().y(0) * scale;
            double px = bx[0] + s.predicted().x(0) * scale;
            double py = bx[1] + s.predicted().y(0) * scale;
            int itx = (int) Math.floor(tx);
            int ity = (int) Math.floor(ty);
            int ipx = (int) Math.floor(px);
            int ipy = (int) Math.floor(py);
            assertThat(Integer.toHexString(rgb(out, itx, ity)))
                    .as("green dot of %d", i)
                    .isEqualTo("ff00");
            assertThat(Integer.toHexString(rgb(out, itx - 4, ity)))
                    .as("dot radius of %d", i)
                    .isEqualTo(Integer.toHexString(colour(i)));
            // a red cross: four arms on the diagonals
            for (int[] arm : new int[][] {{-2, -2}, {2, 2}, {-2, 2}, {2, -2}}) {
                assertThat(reddish(rgb(out, ipx + arm[0], ipy + arm[1])))
                        .as(
                                "cross arm %d,%d of %d: %06x",
                                arm[0], arm[1], i, rgb(out, ipx + arm[0], ipy + arm[1]))
                        .isTrue();
            }
            assertThat(reddish(rgb(out, ipx, ipy - 3 - 2))).isFalse();
            // joined to the truth by a yellow line
            int mx = (itx + ipx) / 2;
            assertThat(
                            yellowish(rgb(out, mx, ity))
                                    || yellowish(rgb(out, mx, ity + 1))
                                    || yellowish(rgb(out, mx, ity - 1)))
                    .as("line of %d", i)
                    .isTrue();
        }

        // Captions and labels in white on a background that is neither white nor black.
        assertBand(out, 0, a[1], true);
        assertBand(out, a[1] + tileH, d[1], true);
        // Label of the second best (tile 2, row 1): white, inside the tile, right of its edge.
        int labelPixels = 0;
        for (int x = tileW - 10; x < tileW + 150; x++) {
            for (int y = b[3] - 25; y < b[3] + 15; y++) {
                if (whiteish(rgb(out, x, y))) {
                    labelPixels++;
                    assertThat(x).as("label x").isGreaterThanOrEqualTo(tileW + 2);
                    assertThat(y).as("label y").isLessThanOrEqualTo(b[3]);
                }
            }
        }
        assertThat(labelPixels).isPositive();
    }

    private static void assertBand(BufferedImage out, int y0, int y1, boolean text) {
        Map<Integer, Integer> counts = new HashMap<>();
        int white = 0;
        for (int x = 0; x < out.getWidth(); x++) {
            for (int y = y0; y < y1; y++) {
                counts.merge(rgb(out, x, y), 1, Integer::sum);
                white += whiteish(rgb(out, x, y)) ? 1 : 0;
            }
        }
        int mode =
                counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertThat(mode).isNotIn(0, 0xffffff);
        assertThat(white > 0).isEqualTo(text);
    }

    @Test
    void fewerSamplesThanPerRowGiveOneTilePerSampleAndWriteStoresThePng(@TempDir Path dir)
            throws Exception {
        EvaluationResult one =
                new EvaluationResult(1, 1, 1, Double.NaN, Map.of(), List.of(sample(0, 1)));
        BufferedImage wide = PredictionGallery.render(result(), PredictionGalleryTest::imageFor, 2);
        BufferedImage single = PredictionGallery.render(one, PredictionGalleryTest::imageFor, 5);
        assertThat(single.getWidth() * 2).isEqualTo(wide.getWidth());
        Path file = dir.resolve("gallery.png");
        PredictionGallery.write(one, PredictionGalleryTest::imageFor, 5, file);
        BufferedImage png = ImageIO.read(file.toFile());
        assertThat(png.getWidth()).isEqualTo(single.getWidth());
        assertThat(png.getHeight()).isEqualTo(single.getHeight());
        // the one sample is both the best and the worst
        List<Integer> tops = new ArrayList<>();
        for (int y = 0; y < png.getHeight(); y++) {
            if (rgb(png, png.getWidth() / 2, y) == colour(0)
                    && (y == 0 || rgb(png, png.getWidth() / 2, y - 1) != colour(0))) {
                tops.add(y);
            }
        }
        assertThat(tops).hasSize(2);
    }

    static BufferedImage imageFor(int index) {
        return image(index);
    }
}
