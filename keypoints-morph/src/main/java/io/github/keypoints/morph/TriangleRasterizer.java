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
        for (int y = top; y <= bottom; y++) {
            long py = (long) y * SUB;
            long lo = 0;
            long hi = width - 1L;
            long[] range = {lo, hi};
            if (!clip(ax, ay, bx, by, py, range)
                    || !clip(bx, by, cx, cy, py, range)
                    || !clip(cx, cy, ax, ay, py, range)) {
                continue;
            }
            if (range[0] <= range[1]) {
                out.span(y, (int) range[0], (int) range[1]);
            }
        }
    }

    /**
     * Narrows {@code range} to the columns on the inner side of edge a→b in row {@code py}. Returns
     * false when the row is wholly outside.
     */
    private static boolean clip(long ax, long ay, long bx, long by, long py, long[] range) {
        long dx = bx - ax;
        long dy = by - ay;
        // Edge function w(px) = dx·(py − ay) − dy·(px − ax), positive inside. A centre exactly on
        // the edge counts when the sample shifted by (−ε, −ε²) would be inside: dy > 0, or dy == 0
        // and dx < 0.
        long bias = (dy > 0 || (dy == 0 && dx < 0)) ? 0 : 1;
        long c = dx * (py - ay) + dy * ax - bias; // need c − dy·SUB·x ≥ 0
        long k = dy * SUB;
        if (k == 0) {
            return c >= 0;
        }
        if (k > 0) {
            range[1] = Math.min(range[1], Math.floorDiv(c, k));
        } else {
            range[0] = Math.max(range[0], -Math.floorDiv(c, -k));
        }
        return true;
    }

    private static long snap(double v) {
        return Math.round(v * SUB);
    }
}
