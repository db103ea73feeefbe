package io.github.keypoints.morph;

/**
 * Finds the pixels whose centres a triangle covers, row by row, so that the triangles of a
 * triangulation cover every pixel centre inside its hull exactly once.
 *
 * <p>Vertices are snapped to 1/256 pixel and all edge tests are exact integer arithmetic. A pixel
 * centre on an edge shared by two triangles goes to exactly one of them by the top-left rule
 * (expressed as an infinitesimal shift of the sample point, which also settles shared vertices).
 * Pixel centres are at integer coordinates.
 */
public final class TriangleRasterizer {

    /** Receives one horizontal run of covered pixels. */
    @FunctionalInterface
    public interface SpanConsumer {
        /**
         * Accepts the pixels {@code xFrom..xTo} (inclusive) of row {@code y}.
         *
         * @param y the row
         * @param xFrom the first column
         * @param xTo the last column, at least {@code xFrom}
         */
        void span(int y, int xFrom, int xTo);
    }

    private static final int SUB = 256;

    private TriangleRasterizer() {}

    /**
     * Reports the covered pixel runs of one triangle within rows {@code yFrom..yTo} and columns
     * {@code 0..width-1}. Either vertex order is accepted; a degenerate triangle covers nothing.
     *
     * @param x0 first vertex x
     * @param y0 first vertex y
     * @param x1 second vertex x
     * @param y1 second vertex y
     * @param x2 third vertex x
     * @param y2 third vertex y
     * @param width the image width (columns are clipped to it)
     * @param yFrom the first row to report
     * @param yTo the last row to report, inclusive
     * @param out receives the runs, top to bottom
     */
    public static void rasterize(
            double x0,
            double y0,
            double x1,
            double y1,
            double x2,
            double y2,
            int width,
            int yFrom,
            int yTo,
            SpanConsumer out) {
        long ax = snap(x0), ay = snap(y0);
        long bx = snap(x1), by = snap(y1);
        long cx = snap(x2), cy = snap(y2);
        long area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
        if (area == 0) {
            return;
        }
        if (area < 0) {
            long tx = bx, ty = by;
            bx = cx;
            by = cy;
            cx = tx;
            cy = ty;
        }
        int top = (int) Math.max(yFrom, -Math.floorDiv(-Math.min(ay, Math.min(by, cy)), SUB));
        int bottom = (int) Math.min(yTo, Math.floorDiv(Math.max(ay, Math.max(by, cy)), SUB));
        if (top > bottom) {
            return;
        }
        Edge e0 = new Edge(ax, ay, bx, by, top);
        Edge e1 = new Edge(bx, by, cx, cy, top);
        Edge e2 = new Edge(cx, cy, ax, ay, top);
        long last = width - 1L;
        for (int y = top; y <= bottom; y++) {
            long lo = Math.max(0, Math.max(e0.lo(), Math.max(e1.lo(), e2.lo())));
            long hi = Math.min(last, Math.min(e0.hi(), Math.min(e1.hi(), e2.hi())));
            if (lo <= hi) {
                out.span(y, (int) lo, (int) hi);
            }
            e0.next();
            e1.next();
            e2.next();
        }
    }

    /**
     * One edge a→b's bound on the columns of successive rows, on its inner side. In row {@code py}
     * (in 1/{@value #SUB} pixel) the edge function w(px) = dx·(py − ay) − dy·(px − ax) is positive
     * inside; a centre exactly on the edge counts when the sample shifted by (−ε, −ε²) would be
     * inside: dy > 0, or dy == 0 and dx < 0. Column x is inside when c − k·x ≥ 0, with c = dx·(py −
     * ay) + dy·ax − bias and k = dy·{@value #SUB}: for k > 0 up to floor(c / k), for k < 0 from
     * −floor(c / −k), for k == 0 every column or none. From row to row c grows by dx·{@value #SUB},
     * so the floor is carried as quotient and remainder and stepped with additions: the same
     * integers as dividing anew in every row, without a 64-bit division per edge and row.
     */
    private static final class Edge {
        private static final long NONE = Long.MAX_VALUE;

        private final int sign; // 1: bounds hi, -1: bounds lo, 0: all columns or none
        private final long divisor; // |k|
        private final long stepQuotient;
        private final long stepRemainder;
        private long quotient; // floor(c / |k|), or c itself when k == 0
        private long remainder;

        Edge(long ax, long ay, long bx, long by, int firstRow) {
            long dx = bx - ax;
            long dy = by - ay;
            long bias = (dy > 0 || (dy == 0 && dx < 0)) ? 0 : 1;
            long c = dx * ((long) firstRow * SUB - ay) + dy * ax - bias;
            long step = dx * SUB;
            long k = dy * SUB;
            sign = Long.signum(k);
            if (k == 0) {
                divisor = 1;
                quotient = c;
                stepQuotient = step;
                stepRemainder = 0;
                return;
            }
            divisor = Math.abs(k);
            quotient = Math.floorDiv(c, divisor);
            remainder = Math.floorMod(c, divisor);
            stepQuotient = Math.floorDiv(step, divisor);
            stepRemainder = Math.floorMod(step, divisor);
        }

        /** The first column this edge allows in the current row. */
        long lo() {
            if (sign < 0) {
                return -quotient;
            }
            return sign == 0 && quotient < 0 ? NONE : Long.MIN_VALUE;
        }

        /** The last column this edge allows in the current row. */
        long hi() {
            if (sign > 0) {
                return quotient;
            }
            return sign == 0 && quotient < 0 ? -NONE : Long.MAX_VALUE;
        }

        /** Moves to the next row. */
        void next() {
            quotient += stepQuotient;
            remainder += stepRemainder;
            if (remainder >= divisor) {
                quotient++;
                remainder -= divisor;
            }
        }
    }

    private static long snap(double v) {
        return Math.round(v * SUB);
    }
}
