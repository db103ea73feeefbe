package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link TriangleRasterizer} against exact integer edge functions computed here: vertices on a
 * half-pixel grid (so pixel centres often fall exactly on edges, horizontal ones included) and
 * reaching well outside the frame on every side, rows clipped to a random band; and, for vertices
 * anywhere on the rasterizer's 1/256-pixel grid and triangles hundreds of rows tall, against the
 * same edge functions divided out anew in every row.
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

    @Provide
    Arbitrary<double[]> subPixelTriangles() {
        // Frames up to 700 pixels wide and tall; vertices well outside them, at any 1/256 pixel,
        // and sometimes sharing a row or column (horizontal and vertical edges).
        Arbitrary<Double> anywhere =
                Arbitraries.integers().between(-300 * 256, 1000 * 256).map(v -> v / 256.0);
        Arbitrary<Double> onGrid = Arbitraries.integers().between(-40, 740).map(v -> v / 2.0);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(3, anywhere), net.jqwik.api.Tuple.of(1, onGrid))
                .array(double[].class)
                .ofSize(6);
    }

    @Property(tries = 300)
    void spansEqualTheEdgeFunctionsDividedOutInEveryRow(
            @ForAll("subPixelTriangles") double[] t,
            @ForAll boolean shareARow,
            @ForAll @IntRange(min = 1, max = 700) int width,
            @ForAll @IntRange(min = -50, max = 700) int yFrom,
            @ForAll @IntRange(min = 0, max = 800) int rows) {
        if (shareARow) {
            t[1] = Math.rint(t[1]); // edge 0-1 horizontal, on a row of pixel centres
            t[3] = t[1];
        }
        int yTo = yFrom + rows;
        List<long[]> spans = new ArrayList<>();
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
                (y, xFrom, xTo) -> spans.add(new long[] {y, xFrom, xTo}));
        List<long[]> expected = dividedInEveryRow(t, width, yFrom, yTo);
        assertThat(spans).hasSameSizeAs(expected);
        for (int i = 0; i < spans.size(); i++) {
            assertThat(spans.get(i)).as("span %d", i).containsExactly(expected.get(i));
        }
    }

    /**
     * The rasterizer's edge rule computed afresh for each row: for each edge a floor division of
     * its edge function (the form the rasterizer had before it stepped its edges row by row).
     */
    private static List<long[]> dividedInEveryRow(double[] t, int width, int yFrom, int yTo) {
        long ax = Math.round(t[0] * 256), ay = Math.round(t[1] * 256);
        long bx = Math.round(t[2] * 256), by = Math.round(t[3] * 256);
        long cx = Math.round(t[4] * 256), cy = Math.round(t[5] * 256);
        List<long[]> out = new ArrayList<>();
        long area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
        if (area == 0) {
            return out;
        }
        if (area < 0) {
            long tx = bx, ty = by;
            bx = cx;
            by = cy;
            cx = tx;
            cy = ty;
        }
        long top = Math.max(yFrom, -Math.floorDiv(-Math.min(ay, Math.min(by, cy)), 256));
        long bottom = Math.min(yTo, Math.floorDiv(Math.max(ay, Math.max(by, cy)), 256));
        long[][] edges = {{ax, ay, bx, by}, {bx, by, cx, cy}, {cx, cy, ax, ay}};
        rows:
        for (long y = top; y <= bottom; y++) {
            long lo = 0;
            long hi = width - 1L;
            for (long[] e : edges) {
                long dx = e[2] - e[0];
                long dy = e[3] - e[1];
                long bias = (dy > 0 || (dy == 0 && dx < 0)) ? 0 : 1;
                long c = dx * (y * 256 - e[1]) + dy * e[0] - bias;
                long k = dy * 256;
                if (k == 0) {
                    if (c < 0) {
                        continue rows;
                    }
                } else if (k > 0) {
                    hi = Math.min(hi, Math.floorDiv(c, k));
                } else {
                    lo = Math.max(lo, -Math.floorDiv(c, -k));
                }
            }
            if (lo <= hi) {
                out.add(new long[] {y, lo, hi});
            }
        }
        return out;
    }
}
