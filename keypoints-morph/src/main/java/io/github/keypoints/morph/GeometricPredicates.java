package io.github.keypoints.morph;

import java.math.BigDecimal;

/**
 * Exact orientation and in-circle tests on double coordinates: a fast floating-point evaluation
 * whose sign is trusted only when it exceeds a forward error bound, and an exact {@link BigDecimal}
 * evaluation otherwise (every double is exactly representable as a {@code BigDecimal}), so
 * degenerate input (collinear, cocircular, duplicate points) gets a consistent answer.
 */
final class GeometricPredicates {

    // Bounds a little above Shewchuk's (3 + 16ε)ε and (10 + 96ε)ε, on the sum of absolute terms.
    private static final double ORIENT_BOUND = 4.0 * Math.ulp(1.0);
    private static final double INCIRCLE_BOUND = 12.0 * Math.ulp(1.0);

    private GeometricPredicates() {}

    /**
     * Returns the sign of the signed area of (a, b, c): positive when c lies to the left of a→b in
     * a y-up frame (counter-clockwise), zero when collinear.
     */
    static int orient(double ax, double ay, double bx, double by, double cx, double cy) {
        double l = (bx - ax) * (cy - ay);
        double r = (by - ay) * (cx - ax);
        double det = l - r;
        double bound = ORIENT_BOUND * (Math.abs(l) + Math.abs(r));
        if (det > bound) {
            return 1;
        }
        if (-det > bound) {
            return -1;
        }
        BigDecimal e =
                bd(bx).subtract(bd(ax))
                        .multiply(bd(cy).subtract(bd(ay)))
                        .subtract(bd(by).subtract(bd(ay)).multiply(bd(cx).subtract(bd(ax))));
        return e.signum();
    }

    /**
     * Returns the sign of the in-circle determinant: positive when d lies strictly inside the
     * circle through a, b, c given counter-clockwise ({@link #orient} positive), zero on it.
     */
    static int inCircle(
            double ax,
            double ay,
            double bx,
            double by,
            double cx,
            double cy,
            double dx,
            double dy) {
        double adx = ax - dx, ady = ay - dy;
        double bdx = bx - dx, bdy = by - dy;
        double cdx = cx - dx, cdy = cy - dy;
        double alift = adx * adx + ady * ady;
        double blift = bdx * bdx + bdy * bdy;
        double clift = cdx * cdx + cdy * cdy;
        double bc = bdx * cdy - cdx * bdy;
        double ca = cdx * ady - adx * cdy;
        double ab = adx * bdy - bdx * ady;
        double det = alift * bc + blift * ca + clift * ab;
        double permanent =
                alift * (Math.abs(bdx * cdy) + Math.abs(cdx * bdy))
                        + blift * (Math.abs(cdx * ady) + Math.abs(adx * cdy))
                        + clift * (Math.abs(adx * bdy) + Math.abs(bdx * ady));
        double bound = INCIRCLE_BOUND * permanent;
        if (det > bound) {
            return 1;
        }
        if (-det > bound) {
            return -1;
        }
        BigDecimal eadx = bd(ax).subtract(bd(dx)), eady = bd(ay).subtract(bd(dy));
        BigDecimal ebdx = bd(bx).subtract(bd(dx)), ebdy = bd(by).subtract(bd(dy));
        BigDecimal ecdx = bd(cx).subtract(bd(dx)), ecdy = bd(cy).subtract(bd(dy));
        BigDecimal ea = eadx.multiply(eadx).add(eady.multiply(eady));
        BigDecimal eb = ebdx.multiply(ebdx).add(ebdy.multiply(ebdy));
        BigDecimal ec = ecdx.multiply(ecdx).add(ecdy.multiply(ecdy));
        BigDecimal ebc = ebdx.multiply(ecdy).subtract(ecdx.multiply(ebdy));
        BigDecimal eca = ecdx.multiply(eady).subtract(eadx.multiply(ecdy));
        BigDecimal eab = eadx.multiply(ebdy).subtract(ebdx.multiply(eady));
        return ea.multiply(ebc).add(eb.multiply(eca)).add(ec.multiply(eab)).signum();
    }

    private static BigDecimal bd(double v) {
        return new BigDecimal(v);
    }
}
