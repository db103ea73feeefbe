package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link GeometricPredicates} is the oracle of the Delaunay and warp properties, so it gets its own
 * oracle: the determinants written out by the rule of Sarrus in exact decimal arithmetic (every
 * double is exactly a {@link BigDecimal}), on generated points that include the hard cases —
 * duplicates, collinear and cocircular points on small integer grids, and points a few ulps off a
 * line or a circle, where the floating-point determinant alone gets the sign wrong.
 */
class GeometricPredicatesProperties {

    private static BigDecimal bd(double v) {
        return new BigDecimal(v);
    }

    /** The exact sign of det [[bx-ax, by-ay], [cx-ax, cy-ay]]. */
    static int exactOrient(double ax, double ay, double bx, double by, double cx, double cy) {
        BigDecimal m00 = bd(bx).subtract(bd(ax));
        BigDecimal m01 = bd(by).subtract(bd(ay));
        BigDecimal m10 = bd(cx).subtract(bd(ax));
        BigDecimal m11 = bd(cy).subtract(bd(ay));
        return m00.multiply(m11).subtract(m01.multiply(m10)).signum();
    }

    /** The exact sign of the 3x3 in-circle determinant of rows (px-dx, py-dy, |p-d|^2), Sarrus. */
    static int exactInCircle(
            double ax,
            double ay,
            double bx,
            double by,
            double cx,
            double cy,
            double dx,
            double dy) {
        BigDecimal[][] m = new BigDecimal[3][3];
        double[][] p = {{ax, ay}, {bx, by}, {cx, cy}};
        for (int r = 0; r < 3; r++) {
            BigDecimal x = bd(p[r][0]).subtract(bd(dx));
            BigDecimal y = bd(p[r][1]).subtract(bd(dy));
            m[r][0] = x;
            m[r][1] = y;
            m[r][2] = x.multiply(x).add(y.multiply(y));
        }
        BigDecimal plus = BigDecimal.ZERO;
        BigDecimal minus = BigDecimal.ZERO;
        for (int k = 0; k < 3; k++) {
            plus = plus.add(m[0][k].multiply(m[1][(k + 1) % 3]).multiply(m[2][(k + 2) % 3]));
            minus = minus.add(m[0][k].multiply(m[1][(k + 2) % 3]).multiply(m[2][(k + 1) % 3]));
        }
        return plus.subtract(minus).signum();
    }

    /**
     * Coordinates drawn from a mix: a small integer grid (degeneracies), wide reals, ulp nudges.
     */
    @Provide
    Arbitrary<Double> coordinate() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-4, 4).map(Integer::doubleValue),
                Arbitraries.doubles().between(-1e3, 1e3).ofScale(12),
                Arbitraries.doubles().between(-1e-3, 1e-3).ofScale(15),
                Arbitraries.integers()
                        .between(-3, 3)
                        .map(k -> nudge(0.1 * 7, k))); // an inexact decimal, k ulps away
    }

    private static double nudge(double v, int ulps) {
        double r = v;
        for (int i = 0; i < Math.abs(ulps); i++) {
            r = ulps > 0 ? Math.nextUp(r) : Math.nextDown(r);
        }
        return r;
    }

    @Property(tries = 3000)
    void orientHasTheExactSign(
            @ForAll("coordinate") double ax,
            @ForAll("coordinate") double ay,
            @ForAll("coordinate") double bx,
            @ForAll("coordinate") double by,
            @ForAll("coordinate") double cx,
            @ForAll("coordinate") double cy) {
        assertThat(GeometricPredicates.orient(ax, ay, bx, by, cx, cy))
                .isEqualTo(exactOrient(ax, ay, bx, by, cx, cy));
    }

    @Property(tries = 3000)
    void orientIsExactForPointsAFewUlpsOffALine(
            @ForAll @DoubleRange(min = -100, max = 100) double ax,
            @ForAll @DoubleRange(min = -100, max = 100) double ay,
            @ForAll @DoubleRange(min = -100, max = 100) double bx,
            @ForAll @DoubleRange(min = -100, max = 100) double by,
            @ForAll @DoubleRange(min = -2, max = 3) double t,
            @ForAll @IntRange(min = -4, max = 4) int ulpsX,
            @ForAll @IntRange(min = -4, max = 4) int ulpsY) {
        // c is the rounded point at parameter t on a→b, then moved a few ulps: near-collinear.
        double cx = nudge(ax + t * (bx - ax), ulpsX);
        double cy = nudge(ay + t * (by - ay), ulpsY);
        int got = GeometricPredicates.orient(ax, ay, bx, by, cx, cy);
        assertThat(got).isEqualTo(exactOrient(ax, ay, bx, by, cx, cy));
        // Orientation is antisymmetric under a swap and invariant under a rotation of the triple.
        assertThat(GeometricPredicates.orient(bx, by, ax, ay, cx, cy)).isEqualTo(-got);
        assertThat(GeometricPredicates.orient(bx, by, cx, cy, ax, ay)).isEqualTo(got);
    }

    @Property(tries = 3000)
    void inCircleHasTheExactSign(
            @ForAll("coordinate") double ax,
            @ForAll("coordinate") double ay,
            @ForAll("coordinate") double bx,
            @ForAll("coordinate") double by,
            @ForAll("coordinate") double cx,
            @ForAll("coordinate") double cy,
            @ForAll("coordinate") double dx,
            @ForAll("coordinate") double dy) {
        assertThat(GeometricPredicates.inCircle(ax, ay, bx, by, cx, cy, dx, dy))
                .isEqualTo(exactInCircle(ax, ay, bx, by, cx, cy, dx, dy));
    }

    /** The 12 integer points on the circle of radius 5 about the origin (3-4-5 triangles). */
    private static final int[][] ON_CIRCLE = {
        {5, 0}, {-5, 0}, {0, 5}, {0, -5}, {3, 4}, {-3, 4}, {3, -4}, {-3, -4}, {4, 3}, {-4, 3},
        {4, -3}, {-4, -3}
    };

    @Property(tries = 2000)
    void inCircleIsExactForCocircularAndNearlyCocircularPoints(
            @ForAll @IntRange(min = 0, max = 11) int i,
            @ForAll @IntRange(min = 0, max = 11) int j,
            @ForAll @IntRange(min = 0, max = 11) int k,
            @ForAll @IntRange(min = 0, max = 11) int l,
            @ForAll @DoubleRange(min = -1e6, max = 1e6) double shiftX,
            @ForAll @IntRange(min = -3, max = 3) int ulps) {
        // A circle of radius 5 moved by a large offset (so the differences are inexact), and a
        // fourth point on it, moved a few ulps in x.
        double ox = Math.rint(shiftX);
        double[] a = {ON_CIRCLE[i][0] + ox, ON_CIRCLE[i][1]};
        double[] b = {ON_CIRCLE[j][0] + ox, ON_CIRCLE[j][1]};
        double[] c = {ON_CIRCLE[k][0] + ox, ON_CIRCLE[k][1]};
        double[] d = {nudge(ON_CIRCLE[l][0] + ox, ulps), ON_CIRCLE[l][1]};
        int got = GeometricPredicates.inCircle(a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1]);
        assertThat(got).isEqualTo(exactInCircle(a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1]));
        if (ulps == 0) {
            assertThat(got).isZero(); // four points on one circle
        }
    }

    @Example
    void signsFollowTheDocumentedConventions() {
        // Counter-clockwise in a y-up frame: (0,0) → (1,0) → (0,1).
        assertThat(GeometricPredicates.orient(0, 0, 1, 0, 0, 1)).isEqualTo(1);
        assertThat(GeometricPredicates.orient(0, 0, 0, 1, 1, 0)).isEqualTo(-1);
        assertThat(GeometricPredicates.orient(0, 0, 1, 1, 2, 2)).isZero();
        assertThat(GeometricPredicates.orient(1, 1, 1, 1, 3, 7)).isZero(); // duplicate
        // Unit circle through (1,0), (0,1), (-1,0), counter-clockwise: the origin is inside,
        // (2,0) outside, (0,-1) on it.
        assertThat(GeometricPredicates.inCircle(1, 0, 0, 1, -1, 0, 0, 0)).isEqualTo(1);
        assertThat(GeometricPredicates.inCircle(1, 0, 0, 1, -1, 0, 2, 0)).isEqualTo(-1);
        assertThat(GeometricPredicates.inCircle(1, 0, 0, 1, -1, 0, 0, -1)).isZero();
        // One ulp right of the line y = x, seen from a toward b: clockwise.
        double ax = 0.5;
        double ay = 0.5;
        double bx = 12;
        double by = 12;
        double cx = nudge(24, 1);
        double cy = 24;
        assertThat(GeometricPredicates.orient(ax, ay, bx, by, cx, cy))
                .isEqualTo(exactOrient(ax, ay, bx, by, cx, cy))
                .isEqualTo(-1);
    }
}
