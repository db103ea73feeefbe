package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link TriangleRasterizer} against exact integer edge functions computed here: vertices on a
 * half-pixel grid (so pixel centres often fall exactly on edges, horizontal ones included) and
 * reaching well outside the frame on every side, rows clipped to a random band.
 */
class TriangleRasterizerProperties {

    @Provide
    Arbitrary<int[]> halfPixelTriangles() {
        // Coordinates in half pixels from -20 to 60, for frames of up to 20 x 20 pixels.
        return Arbitraries.integers().between(-20, 60).array(int[].class).ofSize(8);
    }

    /** Twice the signed area of (a, b, p) in half-pixel units squared: exact in long. */
    private static long orient(long ax, long ay, long bx, long by, long px, long py) {
        return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
    }

    private static int[][] cover(
            double[] t, int width, int height, int yFrom, int yTo, int[][] count) {
        TriangleRasterizer.rasterize(
                t[0],
                t[1],
                t[2],
                t[3],
                t[4],
                t[5],
                width,
                yFrom,
                yTo,
                (y, xFrom, xTo) -> {
                    assertThat(y).isBetween(Math.max(0, yFrom), Math.min(height - 1, yTo));
                    assertThat(xFrom).isBetween(0, width - 1);
                    assertThat(xTo).isBetween(xFrom, width - 1);
                    for (int x = xFrom; x <= xTo; x++) {
                        count[y][x]++;
                    }
                });
        return count;
    }

    @Property(tries = 400)
    void fillsExactlyTheCentresInsideAndSplitsSharedEdgesOnce(
            @ForAll("halfPixelTriangles") int[] v,
            @ForAll @IntRange(min = 1, max = 20) int width,
            @ForAll @IntRange(min = 1, max = 20) int height,
            @ForAll @IntRange(min = 0, max = 19) int yFrom,
            @ForAll @IntRange(min = 0, max = 25) int rows) {
        int yTo = Math.min(height - 1, yFrom + rows);
        long ax = v[0], ay = v[1], bx = v[2], by = v[3], cx = v[4], cy = v[5];
        // A fourth point splits the triangle into three fans sharing edges with one another.
        long px = v[6], py = v[7];
        double[] tri = {ax / 2.0, ay / 2.0, bx / 2.0, by / 2.0, cx / 2.0, cy / 2.0};
        int[][] whole = cover(tri, width, height, yFrom, yTo, new int[height][width]);
        long area = orient(ax, ay, bx, by, cx, cy);
        boolean pInside =
                area != 0
                        && Long.signum(orient(ax, ay, bx, by, px, py)) == Long.signum(area)
                        && Long.signum(orient(bx, by, cx, cy, px, py)) == Long.signum(area)
                        && Long.signum(orient(cx, cy, ax, ay, px, py)) == Long.signum(area);
        int[][] fans = new int[height][width];
        if (pInside) {
            double p0 = px / 2.0, p1 = py / 2.0;
            cover(
                    new double[] {tri[0], tri[1], tri[2], tri[3], p0, p1},
                    width,
                    height,
                    yFrom,
                    yTo,
                    fans);
            cover(
                    new double[] {tri[2], tri[3], tri[4], tri[5], p0, p1},
                    width,
                    height,
                    yFrom,
                    yTo,
                    fans);
            cover(
                    new double[] {tri[4], tri[5], tri[0], tri[1], p0, p1},
                    width,
                    height,
                    yFrom,
                    yTo,
                    fans);
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int c = whole[y][x];
                long qx = 2L * x, qy = 2L * y;
                long e0 = orient(ax, ay, bx, by, qx, qy) * Long.signum(area);
                long e1 = orient(bx, by, cx, cy, qx, qy) * Long.signum(area);
                long e2 = orient(cx, cy, ax, ay, qx, qy) * Long.signum(area);
                boolean rowInBand = y >= yFrom && y <= yTo;
                if (area == 0 || !rowInBand || e0 < 0 || e1 < 0 || e2 < 0) {
                    assertThat(c).as("pixel %d,%d outside the triangle or the band", x, y).isZero();
                } else if (e0 > 0 && e1 > 0 && e2 > 0) {
                    assertThat(c).as("pixel %d,%d strictly inside", x, y).isEqualTo(1);
                } else {
                    assertThat(c).as("pixel %d,%d on an edge", x, y).isLessThanOrEqualTo(1);
                }
                if (pInside) {
                    // The three fans tile the triangle: same pixels, each exactly once.
                    assertThat(fans[y][x]).as("fans at pixel %d,%d", x, y).isEqualTo(c);
                }
            }
        }
    }

    @Property(tries = 200)
    void twoTrianglesOfAnAxisAlignedRectangleCoverItsCentresOnce(
            @ForAll @IntRange(min = -6, max = 30) int x0,
            @ForAll @IntRange(min = -6, max = 30) int y0,
            @ForAll @IntRange(min = 1, max = 30) int w,
            @ForAll @IntRange(min = 1, max = 30) int h,
            @ForAll boolean otherDiagonal) {
        // Edges on whole pixels: every centre on the rectangle's boundary is a tie, decided by the
        // documented rule (a centre on an edge counts if it moved by (-eps, -eps^2) would be
        // inside), so the box is half open: (l, r] x (t, b].
        int width = 16, height = 16;
        double l = x0, t = y0, r = x0 + w, b = y0 + h;
        int[][] count = new int[height][width];
        if (otherDiagonal) {
            cover(new double[] {l, t, r, t, l, b}, width, height, 0, height - 1, count);
            cover(new double[] {r, t, r, b, l, b}, width, height, 0, height - 1, count);
        } else {
            cover(new double[] {l, t, r, b, l, b}, width, height, 0, height - 1, count);
            cover(new double[] {l, t, r, t, r, b}, width, height, 0, height - 1, count);
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean inside = x > l && x <= r && y > t && y <= b;
                assertThat(count[y][x]).as("pixel %d,%d", x, y).isEqualTo(inside ? 1 : 0);
            }
        }
    }
}
