package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the plot back as pixels. The frame is found from its black lines; the curves' data range is
 * expected to span the frame (lowest loss on the bottom edge, highest on the top, first epoch on
 * the left, last on the right), so every point's pixel follows from the values alone.
 */
class LossCurvePlotTest {

    // The two series' colours (matplotlib's default blue and red), as documented by the legend.
    private static final int BLUE = 0x1f77b4;
    private static final int RED = 0xd62728;

    private static EpochRecord rec(int epoch, double train, double val) {
        return new EpochRecord(epoch, 1e-3, train, val, 1, 1, Double.NaN, 1);
    }

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xffffff;
    }

    /**
     * left, top, right, bottom of the black frame. Curves may run along its edges and hide them, so
     * it is read from a plot without data (the frame does not depend on the data, see {@link
     * #axisLabelsShowLossesNotTheirLogarithmsAndTheTitleSaysLogScale}).
     */
    private static int[] frame(BufferedImage ignored) {
        return scanFrame(LossCurvePlot.render(List.of(), false));
    }

    /** Scans the black frame from the middle row and a column a quarter across. */
    private static int[] scanFrame(BufferedImage img) {
        int midY = img.getHeight() / 2;
        int midX = img.getWidth() / 4;
        int left = 0;
        while (rgb(img, left, midY) != 0) {
            left++;
        }
        int right = img.getWidth() - 1;
        while (rgb(img, right, midY) != 0) {
            right--;
        }
        int top = 0;
        while (rgb(img, midX, top) != 0) {
            top++;
        }
        int bottom = img.getHeight() - 1;
        while (rgb(img, midX, bottom) != 0) {
            bottom--;
        }
        return new int[] {left, top, right, bottom};
    }

    private static int[] point(
            int[] f, double ex, double e0, double e1, double t, double lo, double hi) {
        double x = f[0] + (ex - e0) / (e1 - e0) * (f[2] - f[0]);
        double y = f[3] - (t - lo) / (hi - lo) * (f[3] - f[1]);
        return new int[] {(int) Math.round(x), (int) Math.round(y)};
    }

    /** A filled 6 px dot centred on the point leaves a 4 x 4 block of exactly its colour. */
    private static void assertMarker(BufferedImage img, int[] p, int colour, String what) {
        for (int x = p[0] - 2; x <= p[0] + 1; x++) {
            for (int y = p[1] - 2; y <= p[1] + 1; y++) {
                assertThat(Integer.toHexString(rgb(img, x, y)))
                        .as("%s marker at (%d,%d), pixel (%d,%d)", what, p[0], p[1], x, y)
                        .isEqualTo(Integer.toHexString(colour));
            }
        }
    }

    private static boolean near(int rgb, int colour, int tol) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xff) - ((colour >> shift) & 0xff)) > tol) {
                return false;
            }
        }
        return true;
    }

    private static boolean nearAround(BufferedImage img, int x, int y, int colour) {
        for (int dx = -1; dx <= 1; dx++) {
            for (int dy = -1; dy <= 1; dy++) {
                if (near(rgb(img, x + dx, y + dy), colour, 40)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean dark(int rgb) {
        return ((rgb >> 16) & 0xff) < 128 && ((rgb >> 8) & 0xff) < 128 && (rgb & 0xff) < 128;
    }

    private static int countDark(BufferedImage img, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int x = Math.max(0, x0); x < Math.min(img.getWidth(), x1); x++) {
            for (int y = Math.max(0, y0); y < Math.min(img.getHeight(), y1); y++) {
                n += dark(rgb(img, x, y)) ? 1 : 0;
            }
        }
        return n;
    }

    /** Pixels of a curve colour (within a tolerance) outside the frame grown by the dot radius. */
    private static int curvePixelsOutside(BufferedImage img, int[] f) {
        int n = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                boolean inside = x >= f[0] - 4 && x <= f[2] + 4 && y >= f[1] - 4 && y <= f[3] + 4;
                int c = rgb(img, x, y);
                if (!inside && (near(c, BLUE, 40) || near(c, RED, 40))) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int exactCount(BufferedImage img, int colour) {
        int n = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                n += rgb(img, x, y) == colour ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void emptyHistoryGivesAFramedWhitePlotWithAxisTitlesAndNoCurves() {
        BufferedImage img = LossCurvePlot.render(List.of(), false);
        assertThat(img).isNotNull();
        int[] f = frame(img);
        assertThat(f[0]).isLessThan(f[2]);
        assertThat(f[1]).isLessThan(f[3]);
        assertThat(rgb(img, 0, img.getHeight() - 1)).isEqualTo(0xffffff);
        assertThat(rgb(img, img.getWidth() - 1, 0)).isEqualTo(0xffffff);
        // "epoch" under the frame, "loss" above its left end
        assertThat(countDark(img, f[0], f[3] + 25, f[2], img.getHeight())).isPositive();
        assertThat(countDark(img, 0, 0, f[0] + 100, f[1] - 4)).isPositive();
        assertThat(exactCount(img, BLUE) + exactCount(img, RED)).isZero();
    }

    @Test
    void historyWithoutAnyFiniteLossDrawsNoCurve() {
        BufferedImage img =
                LossCurvePlot.render(
                        List.of(rec(0, Double.NaN, Double.NaN), rec(1, Double.NaN, Double.NaN)),
                        false);
        assertThat(img).isNotNull();
        assertThat(frame(img)[0]).isPositive();
        assertThat(exactCount(img, BLUE) + exactCount(img, RED)).isZero();
    }

    @Test
    void linearAxisPutsEveryPointWhereItsEpochAndLossMapOntoTheFrame() {
        // Epochs 5..8 (not from 0), train falls 4 -> 1, validation flat at 0: range 0..4.
        List<EpochRecord> h = new ArrayList<>();
        double[] train = {4, 3, 2, 1};
        for (int i = 0; i < 4; i++) {
            h.add(rec(5 + i, train[i], 0));
        }
        BufferedImage img = LossCurvePlot.render(h, false);
        int[] f = frame(img);
        int[][] tp = new int[4][];
        int[][] vp = new int[4][];
        for (int i = 0; i < 4; i++) {
            tp[i] = point(f, 5 + i, 5, 8, train[i], 0, 4);
            vp[i] = point(f, 5 + i, 5, 8, 0, 0, 4);
            assertMarker(img, tp[i], BLUE, "train epoch " + (5 + i));
            assertMarker(img, vp[i], RED, "validation epoch " + (5 + i));
        }
        // highest loss on the top edge at the left, lowest train loss a quarter up at the right
        assertThat(tp[0]).containsExactly(f[0], f[1]);
        assertThat(tp[3][0]).isEqualTo(f[2]);
        for (int i = 0; i < 3; i++) {
            // consecutive points are joined by a line
            int mx = (tp[i][0] + tp[i + 1][0]) / 2;
            int my = (tp[i][1] + tp[i + 1][1]) / 2;
            assertThat(nearAround(img, mx, my, BLUE)).as("train line %d", i).isTrue();
            // the flat validation line is 2 px thick: more than one shaded row in a column
            int vx = (vp[i][0] + vp[i + 1][0]) / 2;
            int shaded = 0;
            for (int y = vp[i][1] - 3; y <= vp[i][1] + 3; y++) {
                shaded += rgb(img, vx, y) != 0xffffff ? 1 : 0;
            }
            assertThat(shaded).as("validation line thickness").isGreaterThanOrEqualTo(2);
        }
        assertThat(curvePixelsOutside(img, f)).isZero();
        // Antialiased: shades other than the four pure colours appear.
        boolean blended = false;
        for (int x = 0; x < img.getWidth() && !blended; x++) {
            for (int y = 0; y < img.getHeight() && !blended; y++) {
                int c = rgb(img, x, y);
                blended = c != 0xffffff && c != 0 && c != BLUE && c != RED;
            }
        }
        assertThat(blended).isTrue();
        // loss labels at the top and bottom of the axis, epoch labels at both ends below it
        assertThat(countDark(img, 0, f[1] - 4, f[0] - 5, f[1] + 14)).isPositive();
        assertThat(countDark(img, 0, f[3] - 14, f[0] - 5, f[3] + 4)).isPositive();
        assertThat(countDark(img, f[0] - 2, f[3] + 4, f[0] + 20, f[3] + 20)).isPositive();
        assertThat(countDark(img, f[2] - 30, f[3] + 4, f[2] + 10, f[3] + 20)).isPositive();
        // legend in the top right corner: "train" in blue above "validation" in red
        int maxBlueY = -1;
        int minRedY = Integer.MAX_VALUE;
        int blues = 0;
        int reds = 0;
        for (int x = f[2] - 150; x < f[2]; x++) {
            for (int y = f[1] + 1; y < f[1] + 60; y++) {
                int c = rgb(img, x, y);
                int r = (c >> 16) & 0xff;
                int g = (c >> 8) & 0xff;
                int b = c & 0xff;
                if (b > r + 60) {
                    blues++;
                    maxBlueY = Math.max(maxBlueY, y);
                } else if (r > b + 60 && r > g + 60) {
                    reds++;
                    minRedY = Math.min(minRedY, y);
                }
            }
        }
        assertThat(blues).isPositive();
        assertThat(reds).isPositive();
        assertThat(maxBlueY).isLessThan(minRedY);
    }

    @Test
    void logAxisSpacesDecadesEquallyAndLeavesOutNonPositiveAndNaNLosses() {
        double[] train = {10000, 1000, 100, 10};
        double[] val = {0, -1, Double.NaN, 20};
        List<EpochRecord> h = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            h.add(rec(i, train[i], val[i]));
        }
        BufferedImage img = LossCurvePlot.render(h, true);
        int[] f = frame(img);
        for (int i = 0; i < 4; i++) {
            assertMarker(img, point(f, i, 0, 3, Math.log10(train[i]), 1, 4), BLUE, "train " + i);
        }
        int[] v = point(f, 3, 0, 3, Math.log10(20), 1, 4);
        assertMarker(img, v, RED, "validation 20");
        // the left-out validation points draw nothing: no red where they would be if 0 were
        // clamped to the axis, and nothing at all outside the frame
        assertThat(curvePixelsOutside(img, f)).isZero();
        assertThat(near(rgb(img, f[0] + 1, f[3] - 1), RED, 40)).isFalse();
    }

    @Test
    void axisLabelsShowLossesNotTheirLogarithmsAndTheTitleSaysLogScale() {
        List<EpochRecord> h = List.of(rec(0, 10000, 1000), rec(1, 100, 10));
        BufferedImage log = LossCurvePlot.render(h, true);
        BufferedImage lin = LossCurvePlot.render(h, false);
        int[] f = frame(log);
        assertThat(scanFrame(lin)).containsExactly(scanFrame(log));
        // Same data, same extreme losses (10 and 10000): the value labels left of the axis match.
        for (int x = 0; x < f[0] - 5; x++) {
            for (int y = f[1] - 3; y < f[1] + 14; y++) {
                assertThat(rgb(log, x, y)).as("top label (%d,%d)", x, y).isEqualTo(rgb(lin, x, y));
            }
            for (int y = f[3] - 14; y < f[3] + 4; y++) {
                assertThat(rgb(log, x, y))
                        .as("bottom label (%d,%d)", x, y)
                        .isEqualTo(rgb(lin, x, y));
            }
        }
        // "loss (log scale)" is longer than "loss"
        assertThat(rightmostDark(log, f[1] - 4)).isGreaterThan(rightmostDark(lin, f[1] - 4) + 20);
    }

    private static int rightmostDark(BufferedImage img, int rows) {
        int max = -1;
        for (int x = 0; x < img.getWidth() / 2; x++) {
            for (int y = 0; y < rows; y++) {
                if (dark(rgb(img, x, y))) {
                    max = Math.max(max, x);
                }
            }
        }
        return max;
    }

    @Test
    void singleEpochSitsOnTheLeftEdgeWithTheLowerLossAtTheBottom() {
        BufferedImage img = LossCurvePlot.render(List.of(rec(3, 2, 5)), false);
        int[] f = frame(img);
        assertMarker(img, new int[] {f[0], f[3]}, BLUE, "train");
        assertMarker(img, new int[] {f[0], f[1]}, RED, "validation");
        // the dots are centred on the points: the exact-colour block is 4 x 4 around them
        assertThat(exactBox(img, BLUE, f[0], f[3]))
                .containsExactly(f[0] - 2, f[3] - 2, f[0] + 1, f[3] + 1);
        assertThat(exactBox(img, RED, f[0], f[1]))
                .containsExactly(f[0] - 2, f[1] - 2, f[0] + 1, f[1] + 1);
        assertThat(curvePixelsOutside(img, f)).isZero();
    }

    private static int[] exactBox(BufferedImage img, int colour, int cx, int cy) {
        int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
        for (int x = cx - 12; x <= cx + 12; x++) {
            for (int y = cy - 12; y <= cy + 12; y++) {
                if (rgb(img, x, y) == colour) {
                    box[0] = Math.min(box[0], x);
                    box[1] = Math.min(box[1], y);
                    box[2] = Math.max(box[2], x);
                    box[3] = Math.max(box[3], y);
                }
            }
        }
        return box;
    }

    @Test
    void equalLossesLieOnTheBottomEdge() {
        BufferedImage img = LossCurvePlot.render(List.of(rec(0, 2, 2), rec(1, 2, 2)), false);
        int[] f = frame(img);
        // validation is drawn last, over the identical training curve
        assertMarker(img, new int[] {f[0], f[3]}, RED, "first");
        assertMarker(img, new int[] {f[2], f[3]}, RED, "last");
        assertThat(curvePixelsOutside(img, f)).isZero();
    }

    @Test
    void aNaNLossIsSkippedAndItsNeighboursAreJoined() {
        List<EpochRecord> h = List.of(rec(0, 4, 1), rec(1, Double.NaN, 1), rec(2, 2, 1));
        BufferedImage img = LossCurvePlot.render(h, false);
        int[] f = frame(img);
        int[] a = point(f, 0, 0, 2, 4, 1, 4);
        int[] b = point(f, 2, 0, 2, 2, 1, 4);
        assertMarker(img, a, BLUE, "epoch 0");
        assertMarker(img, b, BLUE, "epoch 2");
        assertThat(nearAround(img, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2, BLUE)).isTrue();
        assertThat(curvePixelsOutside(img, f)).isZero();
    }

    @Test
    void writeStoresTheRenderedPlotAsPng(@TempDir Path dir) throws Exception {
        List<EpochRecord> h = List.of(rec(0, 3, 2), rec(1, 2, 1));
        Path file = dir.resolve("loss.png");
        LossCurvePlot.write(h, false, file);
        BufferedImage png = ImageIO.read(file.toFile());
        BufferedImage img = LossCurvePlot.render(h, false);
        assertThat(png.getWidth()).isEqualTo(img.getWidth());
        for (int x = 0; x < img.getWidth(); x += 7) {
            for (int y = 0; y < img.getHeight(); y += 7) {
                assertThat(rgb(png, x, y)).isEqualTo(rgb(img, x, y));
            }
        }
    }
}
