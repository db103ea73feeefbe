package io.github.keypoints.morph;

import io.github.keypoints.data.Affine;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Warps images triangle by triangle: for each triangle of a {@link Triangulation} the affine from
 * the destination triangle back to the source triangle is solved exactly from the three vertex
 * pairs, the destination triangle is filled exactly ({@link TriangleRasterizer}, so shared edges
 * are written once and nothing outside the triangle is touched) and every filled pixel is sampled
 * bilinearly from the source (edge pixels repeat outside the source).
 *
 * <p>Rendering into a new frame is split into horizontal bands run in parallel; {@link #accumulate}
 * runs on the calling thread so callers can parallelise over faces instead.
 */
public final class PiecewiseAffineWarp {

    private final Triangulation triangulation;
    private final boolean parallel;

    /**
     * Whether packed spans take the unclamped inner loops where every tap lies inside the source
     * (always, except in tests that compare against the clamped loop alone).
     */
    private final boolean interior;

    private PiecewiseAffineWarp(Triangulation triangulation, boolean parallel, boolean interior) {
        this.triangulation = Objects.requireNonNull(triangulation, "triangulation");
        this.parallel = parallel;
        this.interior = interior;
    }

    /**
     * Creates a warp over a triangulation, rendering frames in parallel bands.
     *
     * @param triangulation the index triples shared by the source and destination points
     * @return the warp
     */
    public static PiecewiseAffineWarp of(Triangulation triangulation) {
        return new PiecewiseAffineWarp(triangulation, true, true);
    }

    /**
     * Returns a copy that renders frames on the calling thread only.
     *
     * @return the sequential warp
     */
    public PiecewiseAffineWarp sequential() {
        return new PiecewiseAffineWarp(triangulation, false, interior);
    }

    /**
     * Returns a copy whose packed (3-channel) paths clamp every tap, as before the unclamped inner
     * loops existed: the tests compare both bit for bit.
     */
    PiecewiseAffineWarp clampedOnly() {
        return new PiecewiseAffineWarp(triangulation, parallel, false);
    }

    /**
     * Returns the triangulation.
     *
     * @return the index triples
     */
    public Triangulation triangulation() {
        return triangulation;
    }

    /**
     * Warps {@code src} so that its points {@code srcPoints} move to {@code dstPoints}. Pixels
     * outside the destination hull stay black.
     *
     * @param src the source image
     * @param srcPoints interleaved source points, one per triangulation point
     * @param dstPoints interleaved destination points
     * @param width the output width
     * @param height the output height
     * @return the warped image
     */
    public ImageBuffer warp(
            ImageBuffer src, double[] srcPoints, double[] dstPoints, int width, int height) {
        return blend(src, srcPoints, src, srcPoints, dstPoints, 0.0, width, height);
    }

    /**
     * Warps two images onto the same destination points and cross-dissolves them in one pass: the
     * core of a morph frame.
     *
     * @param a the first image
     * @param aPoints its points
     * @param b the second image, with as many channels as {@code a}
     * @param bPoints its points
     * @param dstPoints the destination points
     * @param dissolve the weight of {@code b}, 0 to 1
     * @param width the output width
     * @param height the output height
     * @return the blended frame
     */
    public ImageBuffer blend(
            ImageBuffer a,
            double[] aPoints,
            ImageBuffer b,
            double[] bPoints,
            double[] dstPoints,
            double dissolve,
            int width,
            int height) {
        if (a.channels() != b.channels()) {
            throw new IllegalArgumentException(
                    "Images differ in channels: " + a.channels() + " vs " + b.channels());
        }
        if (!(dissolve >= 0 && dissolve <= 1)) {
            throw new IllegalArgumentException("dissolve must be in [0, 1], was " + dissolve);
        }
        checkPoints("source A", aPoints);
        checkPoints("source B", bPoints);
        checkPoints("destination", dstPoints);
        if (a.channels() == 3) {
            long[] pa = packWide(a);
            long[] pb = b == a ? pa : packWide(b);
            return blendPacked(
                    pa,
                    a.width(),
                    a.height(),
                    aPoints,
                    pb,
                    b.width(),
                    b.height(),
                    bPoints,
                    dstPoints,
                    dissolve,
                    width,
                    height);
        }
        ImageBuffer out = ImageBuffer.blank(width, height, a.channels());
        Affine[] toA = inverseAffines(dstPoints, aPoints);
        Affine[] toB = b == a && bPoints == aPoints ? toA : inverseAffines(dstPoints, bPoints);
        float wb = (float) dissolve;
        int bands = parallel ? Math.max(1, Math.min(height / 32, 2 * cores())) : 1;
        IntStream range = IntStream.range(0, bands);
        (bands > 1 ? range.parallel() : range)
                .forEach(
                        band -> {
                            int y0 = (int) ((long) height * band / bands);
                            int y1 = (int) ((long) height * (band + 1) / bands) - 1;
                            renderRows(out, a, toA, b, toB, wb, dstPoints, y0, y1);
                        });
        return out;
    }

    /**
     * Warps {@code src} onto {@code dstPoints} and adds the result to a running sum, for averaging
     * many faces; pixels outside the destination hull add nothing.
     *
     * @param src the source image
     * @param srcPoints its points
     * @param dstPoints the destination points
     * @param sum {@code width * height * channels} running sums, updated in place
     * @param width the sum image's width
     * @param height the sum image's height
     */
    public void accumulate(
            ImageBuffer src,
            double[] srcPoints,
            double[] dstPoints,
            float[] sum,
            int width,
            int height) {
        accumulate(src, srcPoints, dstPoints, sum, width, height, null);
    }

    /**
     * {@link #accumulate(ImageBuffer, double[], double[], float[], int, int)} packing a colour
     * source into {@code scratch} when it has the source's pixel count (a new array otherwise), so
     * a caller averaging many faces allocates one packed copy per thread instead of one per face
     * (1.2 MB each at 640×480, which the collector treats as humongous).
     *
     * @return the array the source was packed into, to pass as {@code scratch} next time ({@code
     *     scratch} itself for a grey source)
     */
    int[] accumulate(
            ImageBuffer src,
            double[] srcPoints,
            double[] dstPoints,
            float[] sum,
            int width,
            int height,
            int[] scratch) {
        checkPoints("source", srcPoints);
        checkPoints("destination", dstPoints);
        int ch = src.channels();
        if (sum.length != width * height * ch) {
            throw new IllegalArgumentException(
                    "Sum buffer has " + sum.length + " values, expected " + width * height * ch);
        }
        Affine[] toSrc = inverseAffines(dstPoints, srcPoints);
        int[] packed = ch == 3 ? pack(src, scratch) : null;
        byte[] s = src.data();
        int sw = src.width();
        int sh = src.height();
        for (int t = 0; t < toSrc.length; t++) {
            Affine m = toSrc[t];
            if (m == null) {
                continue;
            }
            int i = triangulation.vertex(t, 0), j = triangulation.vertex(t, 1);
            int k = triangulation.vertex(t, 2);
            TriangleRasterizer.rasterize(
                    dstPoints[2 * i],
                    dstPoints[2 * i + 1],
                    dstPoints[2 * j],
                    dstPoints[2 * j + 1],
                    dstPoints[2 * k],
                    dstPoints[2 * k + 1],
                    width,
                    0,
                    height - 1,
                    (y, xFrom, xTo) -> {
                        if (packed != null) {
                            spanAddPacked(sum, width, y, xFrom, xTo, packed, sw, sh, m, interior);
                        } else {
                            spanAdd(sum, width, ch, y, xFrom, xTo, s, sw, sh, m);
                        }
                    });
        }
        return packed != null ? packed : scratch;
    }

    /** Counts how often each pixel is filled when rendering onto {@code dstPoints}. */
    int[] coverage(double[] dstPoints, int width, int height) {
        int[] count = new int[width * height];
        for (int t = 0; t < triangulation.size(); t++) {
            int i = triangulation.vertex(t, 0), j = triangulation.vertex(t, 1);
            int k = triangulation.vertex(t, 2);
            TriangleRasterizer.rasterize(
                    dstPoints[2 * i],
                    dstPoints[2 * i + 1],
                    dstPoints[2 * j],
                    dstPoints[2 * j + 1],
                    dstPoints[2 * k],
                    dstPoints[2 * k + 1],
                    width,
                    0,
                    height - 1,
                    (y, xFrom, xTo) -> {
                        for (int x = xFrom; x <= xTo; x++) {
                            count[y * width + x]++;
                        }
                    });
        }
        return count;
    }

    /**
     * Packs a BGR image into one long per pixel, each channel in a 16-bit lane ({@code c0 | c1 <<
     * 16 | c2 << 32}), so one multiply weights all three channels of a tap: a lane holds at most
     * 255 × 256 plus the rounding half, under 2¹⁶, so lanes never carry into each other.
     */
    static long[] packWide(ImageBuffer img) {
        if (img.channels() != 3) {
            throw new IllegalArgumentException("Packing needs 3 channels, found " + img.channels());
        }
        byte[] d = img.data();
        long[] px = new long[img.width() * img.height()];
        for (int i = 0, j = 0; i < px.length; i++, j += 3) {
            px[i] = (d[j] & 0xffL) | (d[j + 1] & 0xffL) << 16 | (d[j + 2] & 0xffL) << 32;
        }
        return px;
    }

    /** Half a level in each lane of a {@link #packWide} sum weighted to 256, for rounding. */
    private static final long ROUND = 0x80L | 0x80L << 16 | 0x80L << 32;

    /** Packs a BGR image into one int per pixel ({@code c0 | c1 << 8 | c2 << 16}). */
    static int[] pack(ImageBuffer img) {
        return pack(img, null);
    }

    /** {@link #pack(ImageBuffer)} into {@code into} when it has the right length. */
    static int[] pack(ImageBuffer img, int[] into) {
        if (img.channels() != 3) {
            throw new IllegalArgumentException("Packing needs 3 channels, found " + img.channels());
        }
        byte[] d = img.data();
        int n = img.width() * img.height();
        int[] px = into != null && into.length == n ? into : new int[n];
        for (int i = 0, j = 0; i < px.length; i++, j += 3) {
            px[i] = (d[j] & 0xff) | (d[j + 1] & 0xff) << 8 | (d[j + 2] & 0xff) << 16;
        }
        return px;
    }

    /** The 3-channel fast path of {@link #blend} on images packed by {@link #packWide}. */
    ImageBuffer blendPacked(
            long[] a,
            int aw,
            int ah,
            double[] aPoints,
            long[] b,
            int bw,
            int bh,
            double[] bPoints,
            double[] dstPoints,
            double dissolve,
            int width,
            int height) {
        if (!(dissolve >= 0 && dissolve <= 1)) {
            throw new IllegalArgumentException("dissolve must be in [0, 1], was " + dissolve);
        }
        checkPoints("source A", aPoints);
        checkPoints("source B", bPoints);
        checkPoints("destination", dstPoints);
        ImageBuffer out = ImageBuffer.blank(width, height, 3);
        Affine[] toA = inverseAffines(dstPoints, aPoints);
        Affine[] toB = b == a && bPoints == aPoints ? toA : inverseAffines(dstPoints, bPoints);
        int gb = (int) Math.round(dissolve * 256);
        int bands = parallel ? Math.max(1, Math.min(height / 32, 2 * cores())) : 1;
        IntStream range = IntStream.range(0, bands);
        (bands > 1 ? range.parallel() : range)
                .forEach(
                        band -> {
                            int y0 = (int) ((long) height * band / bands);
                            int y1 = (int) ((long) height * (band + 1) / bands) - 1;
                            byte[] o = out.data();
                            for (int t = 0; t < toA.length; t++) {
                                Affine ma = toA[t];
                                Affine mb = toB[t];
                                if (ma == null) {
                                    continue;
                                }
                                int i = triangulation.vertex(t, 0);
                                int j = triangulation.vertex(t, 1);
                                int k = triangulation.vertex(t, 2);
                                TriangleRasterizer.rasterize(
                                        dstPoints[2 * i],
                                        dstPoints[2 * i + 1],
                                        dstPoints[2 * j],
                                        dstPoints[2 * j + 1],
                                        dstPoints[2 * k],
                                        dstPoints[2 * k + 1],
                                        width,
                                        y0,
                                        y1,
                                        (y, xFrom, xTo) ->
                                                spanPacked(
                                                        o, width, y, xFrom, xTo, a, aw, ah, ma, b,
                                                        bw, bh, mb, gb, interior));
                            }
                        });
        return out;
    }

    /**
     * Fills one span from packed sources. The source positions run in 16.16 fixed point along the
     * span; the pixels whose taps all lie inside both sources used (a contiguous run, since the
     * positions are linear in x) go through an unclamped inner loop, the rest through the clamped
     * one. Both compute the same taps and weights, so the split never changes a value.
     */
    private static void spanPacked(
            byte[] o,
            int w,
            int y,
            int xFrom,
            int xTo,
            long[] sa,
            int aw,
            int ah,
            Affine ma,
            long[] sb,
            int bw,
            int bh,
            Affine mb,
            int gb,
            boolean interior) {
        int ga = 256 - gb;
        int ax = fixed(ma.a() * xFrom + ma.b() * y + ma.c());
        int ay = fixed(ma.d() * xFrom + ma.e() * y + ma.f());
        int adx = fixed(ma.a());
        int ady = fixed(ma.d());
        int bx = fixed(mb.a() * xFrom + mb.b() * y + mb.c());
        int by = fixed(mb.d() * xFrom + mb.e() * y + mb.f());
        int bdx = fixed(mb.a());
        int bdy = fixed(mb.d());
        int n = xTo - xFrom + 1;
        int idx = (y * w + xFrom) * 3;
        long run = interior ? ((long) n) : 0; // [from, to) packed as from << 32 | to
        if (interior && ga != 0) {
            run = insideRun(run, ax, adx, ay, ady, aw, ah);
        }
        if (interior && gb != 0) {
            run = insideRun(run, bx, bdx, by, bdy, bw, bh);
        }
        int from = (int) (run >>> 32);
        int to = (int) run;
        if (from >= to) {
            spanPackedClamped(
                    o, idx, 0, n, sa, aw, ah, ax, ay, adx, ady, sb, bw, bh, bx, by, bdx, bdy, gb);
            return;
        }
        if (from > 0) {
            spanPackedClamped(
                    o, idx, 0, from, sa, aw, ah, ax, ay, adx, ady, sb, bw, bh, bx, by, bdx, bdy,
                    gb);
        }
        int ia = idx + 3 * from;
        if (gb == 0) {
            spanInterior(o, ia, to - from, sa, aw, ax + from * adx, ay + from * ady, adx, ady);
        } else if (ga == 0) {
            spanInterior(o, ia, to - from, sb, bw, bx + from * bdx, by + from * bdy, bdx, bdy);
        } else {
            spanInterior(
                    o,
                    ia,
                    to - from,
                    sa,
                    aw,
                    ax + from * adx,
                    ay + from * ady,
                    adx,
                    ady,
                    ga,
                    sb,
                    bw,
                    bx + from * bdx,
                    by + from * bdy,
                    bdx,
                    bdy,
                    gb);
        }
        if (to < n) {
            spanPackedClamped(
                    o, idx, to, n, sa, aw, ah, ax, ay, adx, ady, sb, bw, bh, bx, by, bdx, bdy, gb);
        }
    }

    /**
     * Narrows the run {@code [from, to)} of span pixels (packed {@code from << 32 | to}) to those
     * whose position {@code (x + q·dx, y + q·dy)} has all four bilinear taps inside a {@code sw ×
     * sh} source without clamping: {@code 0 ≤ x < (sw − 1)·2¹⁶}, likewise y. The positions are
     * linear in q, so the pixels inside form one run; it is found exactly, in the same int
     * arithmetic as the inner loops (an empty run when a position would leave the int range, where
     * that arithmetic wraps).
     */
    static long insideRun(long run, int x, int dx, int y, int dy, int sw, int sh) {
        int from = (int) (run >>> 32);
        int to = (int) run;
        if (from >= to) {
            return run;
        }
        int mx = (sw - 1) << FRAC;
        int my = (sh - 1) << FRAC;
        long xf = x + (long) dx * from, xl = x + (long) dx * (to - 1);
        long yf = y + (long) dy * from, yl = y + (long) dy * (to - 1);
        if (inside(xf, mx) && inside(xl, mx) && inside(yf, my) && inside(yl, my)) {
            return run; // both ends inside, so everything between
        }
        if (xf != (int) xf || xl != (int) xl || yf != (int) yf || yl != (int) yl) {
            return 0; // the inner loops' int positions would wrap: leave it all to clamping
        }
        while (from < to && !(inside(xf, mx) && inside(yf, my))) {
            from++;
            xf += dx;
            yf += dy;
        }
        while (to > from && !(inside(xl, mx) && inside(yl, my))) {
            to--;
            xl -= dx;
            yl -= dy;
        }
        return (long) from << 32 | to;
    }

    private static boolean inside(long v, int max) {
        return v >= 0 && v < max;
    }

    /**
     * The clamped loop over span pixels {@code [from, to)}: positions are clamped to the source and
     * taps on its last row or column repeat it. All three channels of a tap are weighted in one
     * 64-bit multiply (SIMD within a register, {@link #packWide}); tap weights are 8-bit and sum to
     * exactly 256 over both images, so no 16-bit lane overflows.
     */
    private static void spanPackedClamped(
            byte[] o,
            int idx0,
            int from,
            int to,
            long[] sa,
            int aw,
            int ah,
            int ax0,
            int ay0,
            int adx,
            int ady,
            long[] sb,
            int bw,
            int bh,
            int bx0,
            int by0,
            int bdx,
            int bdy,
            int gb) {
        int ga = 256 - gb;
        boolean useB = gb != 0;
        boolean useA = ga != 0;
        int ax = ax0 + from * adx;
        int ay = ay0 + from * ady;
        int bx = bx0 + from * bdx;
        int by = by0 + from * bdy;
        int amx = (aw - 1) << FRAC, amy = (ah - 1) << FRAC;
        int bmx = (bw - 1) << FRAC, bmy = (bh - 1) << FRAC;
        int idx = idx0 + 3 * from;
        for (int x = from; x < to; x++, idx += 3, ax += adx, ay += ady, bx += bdx, by += bdy) {
            long acc = ROUND;
            if (useA) {
                int cx = ax < 0 ? 0 : (ax > amx ? amx : ax);
                int cy = ay < 0 ? 0 : (ay > amy ? amy : ay);
                int ix = cx >> FRAC;
                int iy = cy >> FRAC;
                int fx = (cx >> (FRAC - 8)) & 255;
                int fy = (cy >> (FRAC - 8)) & 255;
                int w11 = (fx * fy) >> 8;
                int w10 = fy - w11;
                int w01 = fx - w11;
                if (useB) {
                    w11 = (w11 * ga) >> 8;
                    w10 = (w10 * ga) >> 8;
                    w01 = (w01 * ga) >> 8;
                }
                int w00 = ga - w11 - w10 - w01;
                int p = iy * aw + ix;
                int ox = ix < aw - 1 ? 1 : 0;
                int oy = iy < ah - 1 ? aw : 0;
                acc += sa[p] * w00 + sa[p + ox] * w01 + sa[p + oy] * w10 + sa[p + oy + ox] * w11;
            }
            if (useB) {
                int cx = bx < 0 ? 0 : (bx > bmx ? bmx : bx);
                int cy = by < 0 ? 0 : (by > bmy ? bmy : by);
                int ix = cx >> FRAC;
                int iy = cy >> FRAC;
                int fx = (cx >> (FRAC - 8)) & 255;
                int fy = (cy >> (FRAC - 8)) & 255;
                int w11 = (fx * fy) >> 8;
                int w10 = fy - w11;
                int w01 = fx - w11;
                if (useA) {
                    w11 = (w11 * gb) >> 8;
                    w10 = (w10 * gb) >> 8;
                    w01 = (w01 * gb) >> 8;
                }
                int w00 = gb - w11 - w10 - w01;
                int p = iy * bw + ix;
                int ox = ix < bw - 1 ? 1 : 0;
                int oy = iy < bh - 1 ? bw : 0;
                acc += sb[p] * w00 + sb[p + ox] * w01 + sb[p + oy] * w10 + sb[p + oy + ox] * w11;
            }
            o[idx] = (byte) (acc >>> 8);
            o[idx + 1] = (byte) (acc >>> 24);
            o[idx + 2] = (byte) (acc >>> 40);
        }
    }

    /**
     * The unclamped loop for one span run where every tap of both sources lies inside them ({@link
     * #insideRun}): the same taps, weights and rounding as {@link #spanPackedClamped}, without the
     * clamping and edge tests.
     */
    private static void spanInterior(
            byte[] o,
            int idx,
            int n,
            long[] sa,
            int aw,
            int ax,
            int ay,
            int adx,
            int ady,
            int ga,
            long[] sb,
            int bw,
            int bx,
            int by,
            int bdx,
            int bdy,
            int gb) {
        for (int end = idx + 3 * n;
                idx < end;
                idx += 3, ax += adx, ay += ady, bx += bdx, by += bdy) {
            int fx = (ax >> (FRAC - 8)) & 255;
            int fy = (ay >> (FRAC - 8)) & 255;
            int w11 = (fx * fy) >> 8;
            int w10 = ((fy - w11) * ga) >> 8;
            int w01 = ((fx - w11) * ga) >> 8;
            w11 = (w11 * ga) >> 8;
            int w00 = ga - w11 - w10 - w01;
            int p = (ay >> FRAC) * aw + (ax >> FRAC);
            long acc = sa[p] * w00 + sa[p + 1] * w01 + sa[p + aw] * w10 + sa[p + aw + 1] * w11;
            fx = (bx >> (FRAC - 8)) & 255;
            fy = (by >> (FRAC - 8)) & 255;
            w11 = (fx * fy) >> 8;
            w10 = ((fy - w11) * gb) >> 8;
            w01 = ((fx - w11) * gb) >> 8;
            w11 = (w11 * gb) >> 8;
            w00 = gb - w11 - w10 - w01;
            p = (by >> FRAC) * bw + (bx >> FRAC);
            acc += sb[p] * w00 + sb[p + 1] * w01 + sb[p + bw] * w10 + sb[p + bw + 1] * w11 + ROUND;
            o[idx] = (byte) (acc >>> 8);
            o[idx + 1] = (byte) (acc >>> 24);
            o[idx + 2] = (byte) (acc >>> 40);
        }
    }

    /**
     * The unclamped loop for one source at full weight (a dissolve of 0 or 1, or a plain warp):
     * unscaled tap weights summing to 256, as the clamped loop uses for a single image.
     */
    private static void spanInterior(
            byte[] o, int idx, int n, long[] s, int sw, int x, int y, int dx, int dy) {
        for (int end = idx + 3 * n; idx < end; idx += 3, x += dx, y += dy) {
            int fx = (x >> (FRAC - 8)) & 255;
            int fy = (y >> (FRAC - 8)) & 255;
            int w11 = (fx * fy) >> 8;
            int w10 = fy - w11;
            int w01 = fx - w11;
            int w00 = 256 - w11 - w10 - w01;
            int p = (y >> FRAC) * sw + (x >> FRAC);
            long acc = s[p] * w00 + s[p + 1] * w01 + s[p + sw] * w10 + s[p + sw + 1] * w11 + ROUND;
            o[idx] = (byte) (acc >>> 8);
            o[idx + 1] = (byte) (acc >>> 24);
            o[idx + 2] = (byte) (acc >>> 40);
        }
    }

    private void renderRows(
            ImageBuffer out,
            ImageBuffer a,
            Affine[] toA,
            ImageBuffer b,
            Affine[] toB,
            float wb,
            double[] dst,
            int yFrom,
            int yTo) {
        byte[] o = out.data();
        int w = out.width();
        int ch = out.channels();
        byte[] sa = a.data();
        byte[] sb = b.data();
        boolean single = wb == 0f || (toA == toB && a == b);
        float wa = 1f - wb;
        for (int t = 0; t < toA.length; t++) {
            Affine ma = toA[t];
            Affine mb = toB[t];
            if (ma == null) {
                continue;
            }
            int i = triangulation.vertex(t, 0), j = triangulation.vertex(t, 1);
            int k = triangulation.vertex(t, 2);
            TriangleRasterizer.rasterize(
                    dst[2 * i],
                    dst[2 * i + 1],
                    dst[2 * j],
                    dst[2 * j + 1],
                    dst[2 * k],
                    dst[2 * k + 1],
                    w,
                    yFrom,
                    yTo,
                    (y, xFrom, xTo) -> {
                        if (single) {
                            spanSingle(o, w, ch, y, xFrom, xTo, sa, a.width(), a.height(), ma);
                        } else {
                            spanBlend(
                                    o,
                                    w,
                                    ch,
                                    y,
                                    xFrom,
                                    xTo,
                                    sa,
                                    a.width(),
                                    a.height(),
                                    ma,
                                    wa,
                                    sb,
                                    b.width(),
                                    b.height(),
                                    mb,
                                    wb);
                        }
                    });
        }
    }

    /** Fixed-point source coordinates: 16 fractional bits, of which the top 8 weight taps. */
    private static final int FRAC = 16;

    private static final double ONE = 1 << FRAC;

    private static void spanSingle(
            byte[] o,
            int w,
            int ch,
            int y,
            int xFrom,
            int xTo,
            byte[] s,
            int sw,
            int sh,
            Affine m) {
        spanBlend(o, w, ch, y, xFrom, xTo, s, sw, sh, m, 1f, s, sw, sh, m, 0f);
    }

    /**
     * Fills one span with the blend of two bilinear samples. Source positions run in 16.16 fixed
     * point (start and per-pixel step), are clamped to the image (edge pixels repeat), and each tap
     * weight, already multiplied by its image's dissolve weight, is a 16-bit integer. Three-channel
     * images never come here ({@link #blend} sends them to the packed path), so the channel loop is
     * the general one.
     */
    private static void spanBlend(
            byte[] o,
            int w,
            int ch,
            int y,
            int xFrom,
            int xTo,
            byte[] sa,
            int aw,
            int ah,
            Affine ma,
            float wa,
            byte[] sb,
            int bw,
            int bh,
            Affine mb,
            float wb) {
        int ax = fixed(ma.a() * xFrom + ma.b() * y + ma.c());
        int ay = fixed(ma.d() * xFrom + ma.e() * y + ma.f());
        int adx = fixed(ma.a());
        int ady = fixed(ma.d());
        int bx = fixed(mb.a() * xFrom + mb.b() * y + mb.c());
        int by = fixed(mb.d() * xFrom + mb.e() * y + mb.f());
        int bdx = fixed(mb.a());
        int bdy = fixed(mb.d());
        int amx = (aw - 1) << FRAC, amy = (ah - 1) << FRAC;
        int bmx = (bw - 1) << FRAC, bmy = (bh - 1) << FRAC;
        int idx = (y * w + xFrom) * ch;
        int gb = Math.round(wb * 256);
        int ga = 256 - gb;
        int as = aw * ch;
        int bs = bw * ch;
        boolean useB = gb != 0;
        for (int x = xFrom; x <= xTo; x++, idx += ch, ax += adx, ay += ady, bx += bdx, by += bdy) {
            int cx = ax < 0 ? 0 : (ax > amx ? amx : ax);
            int cy = ay < 0 ? 0 : (ay > amy ? amy : ay);
            int ix = cx >> FRAC;
            int iy = cy >> FRAC;
            int fx = (cx >> (FRAC - 8)) & 255;
            int fy = (cy >> (FRAC - 8)) & 255;
            int aox = ix < aw - 1 ? ch : 0;
            int aoy = iy < ah - 1 ? as : 0;
            int fyg = fy * ga; // 16 bits
            int a11 = (fyg * fx) >> 8;
            int a10 = fyg - a11;
            int top = (ga << 8) - fyg;
            int a01 = (top * fx) >> 8;
            int a00 = top - a01;
            int pa = iy * as + ix * ch;
            int b00 = 0, b01 = 0, b10 = 0, b11 = 0, pb = 0, box = 0, boy = 0;
            if (useB) {
                int ex = bx < 0 ? 0 : (bx > bmx ? bmx : bx);
                int ey = by < 0 ? 0 : (by > bmy ? bmy : by);
                int jx = ex >> FRAC;
                int jy = ey >> FRAC;
                int gx = (ex >> (FRAC - 8)) & 255;
                int gy = (ey >> (FRAC - 8)) & 255;
                box = jx < bw - 1 ? ch : 0;
                boy = jy < bh - 1 ? bs : 0;
                int gyg = gy * gb;
                b11 = (gyg * gx) >> 8;
                b10 = gyg - b11;
                int btop = (gb << 8) - gyg;
                b01 = (btop * gx) >> 8;
                b00 = btop - b01;
                pb = jy * bs + jx * ch;
            }
            for (int c = 0; c < ch; c++, pa++, pb++) {
                int v =
                        a00 * (sa[pa] & 0xff)
                                + a01 * (sa[pa + aox] & 0xff)
                                + a10 * (sa[pa + aoy] & 0xff)
                                + a11 * (sa[pa + aoy + aox] & 0xff)
                                + b00 * (sb[pb] & 0xff)
                                + b01 * (sb[pb + box] & 0xff)
                                + b10 * (sb[pb + boy] & 0xff)
                                + b11 * (sb[pb + boy + box] & 0xff);
                o[idx + c] = (byte) ((v + (1 << 15)) >>> 16);
            }
        }
    }

    private static int fixed(double v) {
        return (int) Math.round(v * ONE);
    }

    /**
     * Adds one span's bilinear samples from a packed image to the sums: the run of pixels whose
     * taps all lie inside the source without clamping ({@link #insideRun}) through an unclamped
     * loop, the rest through the clamped one, with the same values.
     */
    private static void spanAddPacked(
            float[] sum,
            int w,
            int y,
            int xFrom,
            int xTo,
            int[] s,
            int sw,
            int sh,
            Affine m,
            boolean interior) {
        int ax = fixed(m.a() * xFrom + m.b() * y + m.c());
        int ay = fixed(m.d() * xFrom + m.e() * y + m.f());
        int adx = fixed(m.a());
        int ady = fixed(m.d());
        int n = xTo - xFrom + 1;
        int idx = (y * w + xFrom) * 3;
        long run = interior ? insideRun(n, ax, adx, ay, ady, sw, sh) : 0;
        int from = (int) (run >>> 32);
        int to = (int) run;
        if (from >= to) {
            addPackedClamped(sum, idx, 0, n, s, sw, sh, ax, ay, adx, ady);
            return;
        }
        if (from > 0) {
            addPackedClamped(sum, idx, 0, from, s, sw, sh, ax, ay, adx, ady);
        }
        addPackedInterior(
                sum, idx + 3 * from, to - from, s, sw, ax + from * adx, ay + from * ady, adx, ady);
        if (to < n) {
            addPackedClamped(sum, idx, to, n, s, sw, sh, ax, ay, adx, ady);
        }
    }

    /** The clamped accumulate loop over span pixels {@code [from, to)}. */
    private static void addPackedClamped(
            float[] sum,
            int idx0,
            int from,
            int to,
            int[] s,
            int sw,
            int sh,
            int ax0,
            int ay0,
            int adx,
            int ady) {
        int ax = ax0 + from * adx;
        int ay = ay0 + from * ady;
        int amx = (sw - 1) << FRAC, amy = (sh - 1) << FRAC;
        int idx = idx0 + 3 * from;
        final float scale = 1f / 256;
        for (int x = from; x < to; x++, idx += 3, ax += adx, ay += ady) {
            int cx = ax < 0 ? 0 : (ax > amx ? amx : ax);
            int cy = ay < 0 ? 0 : (ay > amy ? amy : ay);
            int ix = cx >> FRAC;
            int iy = cy >> FRAC;
            int fx = (cx >> (FRAC - 8)) & 255;
            int fy = (cy >> (FRAC - 8)) & 255;
            int w11 = (fx * fy) >> 8;
            int w10 = fy - w11;
            int w01 = fx - w11;
            int w00 = 256 - w11 - w10 - w01;
            int p = iy * sw + ix;
            int ox = ix < sw - 1 ? 1 : 0;
            int oy = iy < sh - 1 ? sw : 0;
            int p00 = s[p], p01 = s[p + ox], p10 = s[p + oy], p11 = s[p + oy + ox];
            int rb =
                    (p00 & 0xff00ff) * w00
                            + (p01 & 0xff00ff) * w01
                            + (p10 & 0xff00ff) * w10
                            + (p11 & 0xff00ff) * w11;
            int g =
                    (p00 & 0xff00) * w00
                            + (p01 & 0xff00) * w01
                            + (p10 & 0xff00) * w10
                            + (p11 & 0xff00) * w11;
            sum[idx] += (rb & 0xffff) * scale;
            sum[idx + 1] += (g >>> 8) * scale;
            sum[idx + 2] += (rb >>> 16) * scale;
        }
    }

    /** The unclamped accumulate loop: every tap inside the source. */
    private static void addPackedInterior(
            float[] sum, int idx, int n, int[] s, int sw, int ax, int ay, int adx, int ady) {
        final float scale = 1f / 256;
        for (int end = idx + 3 * n; idx < end; idx += 3, ax += adx, ay += ady) {
            int fx = (ax >> (FRAC - 8)) & 255;
            int fy = (ay >> (FRAC - 8)) & 255;
            int w11 = (fx * fy) >> 8;
            int w10 = fy - w11;
            int w01 = fx - w11;
            int w00 = 256 - w11 - w10 - w01;
            int p = (ay >> FRAC) * sw + (ax >> FRAC);
            int p00 = s[p], p01 = s[p + 1], p10 = s[p + sw], p11 = s[p + sw + 1];
            int rb =
                    (p00 & 0xff00ff) * w00
                            + (p01 & 0xff00ff) * w01
                            + (p10 & 0xff00ff) * w10
                            + (p11 & 0xff00ff) * w11;
            int g =
                    (p00 & 0xff00) * w00
                            + (p01 & 0xff00) * w01
                            + (p10 & 0xff00) * w10
                            + (p11 & 0xff00) * w11;
            sum[idx] += (rb & 0xffff) * scale;
            sum[idx + 1] += (g >>> 8) * scale;
            sum[idx + 2] += (rb >>> 16) * scale;
        }
    }

    /** Adds one span's bilinear samples (fixed point, like {@link #spanBlend}) to the sums. */
    private static void spanAdd(
            float[] sum,
            int w,
            int ch,
            int y,
            int xFrom,
            int xTo,
            byte[] s,
            int sw,
            int sh,
            Affine m) {
        int ax = fixed(m.a() * xFrom + m.b() * y + m.c());
        int ay = fixed(m.d() * xFrom + m.e() * y + m.f());
        int adx = fixed(m.a());
        int ady = fixed(m.d());
        int amx = (sw - 1) << FRAC, amy = (sh - 1) << FRAC;
        int stride = sw * ch;
        int idx = (y * w + xFrom) * ch;
        final float scale = 1f / (1 << 16);
        for (int x = xFrom; x <= xTo; x++, idx += ch, ax += adx, ay += ady) {
            int cx = ax < 0 ? 0 : (ax > amx ? amx : ax);
            int cy = ay < 0 ? 0 : (ay > amy ? amy : ay);
            int ix = cx >> FRAC;
            int iy = cy >> FRAC;
            int fx = (cx >> (FRAC - 8)) & 255;
            int fy = (cy >> (FRAC - 8)) & 255;
            int ox = ix < sw - 1 ? ch : 0;
            int oy = iy < sh - 1 ? stride : 0;
            int fyg = fy << 8;
            int w11 = fy * fx;
            int w10 = fyg - w11;
            int top = (1 << 16) - fyg;
            int w01 = (top * fx) >> 8;
            int w00 = top - w01;
            int p = iy * stride + ix * ch;
            for (int c = 0; c < ch; c++, p++) {
                int v =
                        w00 * (s[p] & 0xff)
                                + w01 * (s[p + ox] & 0xff)
                                + w10 * (s[p + oy] & 0xff)
                                + w11 * (s[p + oy + ox] & 0xff);
                sum[idx + c] += v * scale;
            }
        }
    }

    /** Per triangle, the affine from destination to source, or null for a degenerate target. */
    private Affine[] inverseAffines(double[] dst, double[] src) {
        Affine[] out = new Affine[triangulation.size()];
        double[] d = new double[6];
        double[] s = new double[6];
        for (int t = 0; t < out.length; t++) {
            for (int k = 0; k < 3; k++) {
                int v = triangulation.vertex(t, k);
                d[2 * k] = dst[2 * v];
                d[2 * k + 1] = dst[2 * v + 1];
                s[2 * k] = src[2 * v];
                s[2 * k + 1] = src[2 * v + 1];
            }
            double det = (d[2] - d[0]) * (d[5] - d[1]) - (d[4] - d[0]) * (d[3] - d[1]);
            out[t] = Math.abs(det) < 1e-9 ? null : Affine.fromTriangles(d, s);
        }
        return out;
    }

    private void checkPoints(String what, double[] points) {
        if (points.length != 2 * triangulation.pointCount()) {
            throw new IllegalArgumentException(
                    "The "
                            + what
                            + " has "
                            + points.length / 2
                            + " points, the triangulation needs "
                            + triangulation.pointCount());
        }
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }
}
