package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Every rendering path of {@link PiecewiseAffineWarp} (packed 3-channel, byte 1-channel, {@link
 * PiecewiseAffineWarp#accumulate}, single band for small frames, parallel bands for frames of 64
 * rows or more, and {@link PiecewiseAffineWarp#sequential()}) against a slow per-pixel reference
 * written here: find the destination triangle containing the pixel centre by barycentric
 * coordinates in double arithmetic, carry the barycentric coordinates over to the source triangle,
 * and sample the source bilinearly with edge pixels repeated. Both source images are warped by
 * different, non-trivial maps, so a mistake in either image's taps shows.
 *
 * <p>The packed paths split each span into the pixels whose taps all lie inside the sources
 * (unclamped loops) and the rest (the clamped loop); both are compared with the reference here, on
 * sources reaching past every edge and on sources sampled well inside, and with each other bit for
 * bit.
 *
 * <p>Tolerances: the fast paths truncate the tap fractions to 8 bits (at most 255/256 of a grey
 * level per axis), the packed path also truncates the product weight and the dissolve-scaled
 * weights (about one level each), and the result is rounded (half a level); positions in 16.16
 * fixed point add under 0.1 level on these frame widths. So no value may be off by more than 5, and
 * the mean error is about one level at most: on noise sources the packed path averages 0.8 to 0.9
 * levels over large frames (20,000 random cases). A frame of a few pixels averages only a dozen
 * values, whose mean scatters about that; so the bound on the mean of {@code n} values is {@link
 * #meanBound(int) 1 + 3/√n} levels (one level plus three standard errors of values whose spread is
 * under one level), not a flat 1.0 that such a frame exceeds by chance. Exactness where the
 * arithmetic allows it is checked on constant images: every tap weight set sums to exactly one
 * there.
 */
class PiecewiseAffineWarpReferenceProperties {

    /** One warp problem: destination frame and points, two sources with their points. */
    record Case(
            int width,
            int height,
            double[] dst,
            ImageBuffer a,
            double[] aPts,
            ImageBuffer b,
            double[] bPts,
            boolean withBorder) {

        @Override
        public String toString() {
            return width
                    + "x"
                    + height
                    + " a="
                    + a
                    + " b="
                    + b
                    + " border="
                    + withBorder
                    + " dst="
                    + java.util.Arrays.toString(dst);
        }
    }

    @Property(tries = 120)
    void blendMatchesReferenceOnEveryPixel(
            @ForAll("frames") PointSets.Frame frame,
            @ForAll long seed,
            @ForAll boolean border,
            @ForAll boolean gray,
            @ForAll boolean sameImage,
            @ForAll boolean sequential,
            @ForAll boolean spill,
            @ForAll("dissolves") double dissolve) {
        Case c = newCase(frame, seed, border, spill, gray ? 1 : 3, sameImage, noise());
        PiecewiseAffineWarp w = PiecewiseAffineWarp.of(Triangulation.delaunay(c.dst()));
        if (sequential) {
            w = w.sequential();
        }
        ImageBuffer out =
                w.blend(c.a(), c.aPts(), c.b(), c.bPts(), c.dst(), dissolve, c.width(), c.height());
        assertMatchesReference(out, reference(c, w.triangulation(), dissolve), 5);
    }

    @Property(tries = 60)
    void warpMatchesReferenceOnEveryPixel(
            @ForAll("frames") PointSets.Frame frame,
            @ForAll long seed,
            @ForAll boolean border,
            @ForAll boolean gray) {
        Case c = newCase(frame, seed, border, gray ? 1 : 3, true, noise());
        PiecewiseAffineWarp w = PiecewiseAffineWarp.of(Triangulation.delaunay(c.dst()));
        ImageBuffer out = w.warp(c.a(), c.aPts(), c.dst(), c.width(), c.height());
        assertMatchesReference(out, reference(c, w.triangulation(), 0), 5);
    }

    @Property(tries = 60)
    void accumulateAddsTheReferenceWarpToTheSum(
            @ForAll("frames") PointSets.Frame frame,
            @ForAll long seed,
            @ForAll boolean border,
            @ForAll boolean spill,
            @ForAll boolean gray) {
        Case c = newCase(frame, seed, border, spill, gray ? 1 : 3, true, noise());
        PiecewiseAffineWarp w = PiecewiseAffineWarp.of(Triangulation.delaunay(c.dst()));
        int n = c.width() * c.height() * c.a().channels();
        // Start from non-zero sums: accumulate must add, not overwrite.
        Random r = new Random(seed);
        float[] start = new float[n];
        for (int i = 0; i < n; i++) {
            start[i] = r.nextInt(1000);
        }
        float[] sum = start.clone();
        w.accumulate(c.a(), c.aPts(), c.dst(), sum, c.width(), c.height());
        double[] ref = reference(c, w.triangulation(), 0);
        double total = 0;
        int compared = 0;
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(ref[i])) {
                continue;
            }
            double added = sum[i] - start[i];
            double err = Math.abs(added - ref[i]);
            assertThat(err).as("value %d: added %s, reference %s", i, added, ref[i]).isLessThan(5);
            total += err;
            compared++;
        }
        if (compared > 0) {
            assertThat(total / compared).as("mean error").isLessThan(meanBound(compared));
        }
    }

    @Property(tries = 80)
    void warpOfAConstantImageIsExactlyThatConstantInsideAndBlackOutside(
            @ForAll("frames") PointSets.Frame frame,
            @ForAll long seed,
            @ForAll boolean border,
            @ForAll boolean gray,
            @ForAll @IntRange(min = 0, max = 256) int dissolve256) {
        // Tap weights sum to exactly one, so a constant source must come out exactly, and a blend
        // of two constants with a dissolve of k/256 must be the correctly rounded mix.
        Random r = new Random(seed);
        int ch = gray ? 1 : 3;
        int[] ca = new int[ch], cb = new int[ch];
        for (int k = 0; k < ch; k++) {
            ca[k] = r.nextInt(256);
            cb[k] = r.nextInt(256);
        }
        Case c = newCase(frame, seed, border, ch, false, (rr, w, h, n) -> constant(w, h, ca));
        Case cc =
                new Case(
                        c.width(),
                        c.height(),
                        c.dst(),
                        c.a(),
                        c.aPts(),
                        constant(c.b().width(), c.b().height(), cb),
                        c.bPts(),
                        c.withBorder());
        PiecewiseAffineWarp w = PiecewiseAffineWarp.of(Triangulation.delaunay(cc.dst()));
        double d = dissolve256 / 256.0;
        ImageBuffer out =
                w.blend(cc.a(), cc.aPts(), cc.b(), cc.bPts(), cc.dst(), d, cc.width(), cc.height());
        ImageBuffer single = w.warp(cc.a(), cc.aPts(), cc.dst(), cc.width(), cc.height());
        float[] sum = new float[cc.width() * cc.height() * ch];
        w.accumulate(cc.a(), cc.aPts(), cc.dst(), sum, cc.width(), cc.height());
        int[] inside = insideStatus(cc.dst(), w.triangulation(), cc.width(), cc.height());
        for (int p = 0; p < inside.length; p++) {
            if (inside[p] == ON_EDGE && !cc.withBorder()) {
                continue;
            }
            boolean in = inside[p] != OUTSIDE;
            for (int k = 0; k < ch; k++) {
                int mix = (int) Math.floor((256 - dissolve256) * ca[k] / 256.0 + d * cb[k] + 0.5);
                int i = p * ch + k;
                assertThat(out.data()[i] & 0xff).as("blend value %d", i).isEqualTo(in ? mix : 0);
                assertThat(single.data()[i] & 0xff)
                        .as("warp value %d", i)
                        .isEqualTo(in ? ca[k] : 0);
                assertThat(sum[i]).as("sum %d", i).isEqualTo(in ? (float) ca[k] : 0f);
            }
        }
    }

    @Property(tries = 120)
    void interiorLoopsGiveTheClampedLoopsValuesBitForBit(
            @ForAll("frames") PointSets.Frame frame,
            @ForAll long seed,
            @ForAll boolean border,
            @ForAll boolean spill,
            @ForAll boolean inside,
            @ForAll boolean sameImage,
            @ForAll boolean sequential,
            @ForAll("dissolves") double dissolve) {
        // The packed paths run pixels whose taps all lie inside the source through unclamped loops
        // and the rest through the clamped loop; the split must not change a single value, so the
        // output equals the clamped loop's alone, for blends, plain warps and sums.
        Case c =
                inside
                        ? insideCase(frame, seed, border, sameImage)
                        : newCase(frame, seed, border, spill, 3, sameImage, noise());
        PiecewiseAffineWarp w = PiecewiseAffineWarp.of(Triangulation.delaunay(c.dst()));
        if (sequential) {
            w = w.sequential();
        }
        PiecewiseAffineWarp clamped = w.clampedOnly();
        int width = c.width(), height = c.height();
        assertThat(
                        w.blend(c.a(), c.aPts(), c.b(), c.bPts(), c.dst(), dissolve, width, height)
                                .data())
                .isEqualTo(
                        clamped.blend(
                                        c.a(), c.aPts(), c.b(), c.bPts(), c.dst(), dissolve, width,
                                        height)
                                .data());
        assertThat(w.warp(c.b(), c.bPts(), c.dst(), width, height).data())
                .isEqualTo(clamped.warp(c.b(), c.bPts(), c.dst(), width, height).data());
        float[] sum = new float[width * height * 3];
        float[] clampedSum = new float[sum.length];
        w.accumulate(c.a(), c.aPts(), c.dst(), sum, width, height);
        clamped.accumulate(c.a(), c.aPts(), c.dst(), clampedSum, width, height);
        assertThat(sum).isEqualTo(clampedSum);
    }

    @Property(tries = 80)
    void blendOfSourcesSampledAwayFromTheirEdgesMatchesReference(
            @ForAll("largerFrames") PointSets.Frame frame,
            @ForAll long seed,
            @ForAll boolean border,
            @ForAll boolean sameImage,
            @ForAll boolean sequential,
            @ForAll("dissolves") double dissolve) {
        // Sources larger than the frame and sampled well inside: nearly every pixel takes the
        // unclamped loops, which the reference must confirm on their own. Frames of 144 pixels or
        // more, so the mean error is a mean (on noise the truncated 8-bit tap weights average
        // about 0.8 levels; a 2-pixel frame can exceed 1 by chance).
        Case c = insideCase(frame, seed, border, sameImage);
        PiecewiseAffineWarp w = PiecewiseAffineWarp.of(Triangulation.delaunay(c.dst()));
        if (sequential) {
            w = w.sequential();
        }
        ImageBuffer out =
                w.blend(c.a(), c.aPts(), c.b(), c.bPts(), c.dst(), dissolve, c.width(), c.height());
        assertMatchesReference(out, reference(c, w.triangulation(), dissolve), 5);
        float[] sum = new float[c.width() * c.height() * 3];
        w.accumulate(c.a(), c.aPts(), c.dst(), sum, c.width(), c.height());
        double[] ref = reference(c, w.triangulation(), 0);
        for (int i = 0; i < sum.length; i++) {
            if (!Double.isNaN(ref[i])) {
                assertThat(Math.abs(sum[i] - ref[i])).as("sum %d", i).isLessThan(5.0);
            }
        }
    }

    @Property(tries = 2000)
    void insideRunIsExactlyThePixelsWhoseTapsNeedNoClamping(
            @ForAll @IntRange(min = -200, max = 1200) int x0,
            @ForAll @IntRange(min = -300, max = 300) int dx0,
            @ForAll @IntRange(min = -200, max = 1200) int y0,
            @ForAll @IntRange(min = -300, max = 300) int dy0,
            @ForAll @IntRange(min = 0, max = 40) int n,
            @ForAll @IntRange(min = 1, max = 12) int sw,
            @ForAll @IntRange(min = 1, max = 12) int sh,
            @ForAll @IntRange(min = -8, max = 8) int fraction) {
        // Positions in 1/64 px steps around a small source (so runs start and end mid-span, at
        // exact edge positions too), checked pixel by pixel in exact arithmetic.
        int x = x0 * 1024 + fraction, y = y0 * 1024 - fraction;
        int dx = dx0 * 1024 + fraction, dy = dy0 * 1024;
        long run = PiecewiseAffineWarp.insideRun(n, x, dx, y, dy, sw, sh);
        int from = (int) (run >>> 32), to = (int) run;
        long mx = (long) (sw - 1) << 16, my = (long) (sh - 1) << 16;
        for (int q = 0; q < n; q++) {
            long px = x + (long) q * dx, py = y + (long) q * dy;
            boolean in = px >= 0 && px < mx && py >= 0 && py < my;
            boolean inRun = q >= from && q < to;
            assertThat(inRun)
                    .as("pixel %d at (%d, %d), run [%d, %d)", q, px, py, from, to)
                    .isEqualTo(in);
        }
    }

    @Test
    void insideRunLeavesPositionsThatWouldWrapToTheClampedLoop() {
        // From 2^31 - 2^16 onwards one more step leaves the int range: the unclamped loop must not
        // see such a span, even though its first pixel is inside a (huge) source.
        int x = Integer.MAX_VALUE - (1 << 16);
        long run = PiecewiseAffineWarp.insideRun(3, x, 1 << 16, 0, 0, 40_000, 2);
        assertThat((int) (run >>> 32)).isGreaterThanOrEqualTo((int) run);
        // A run narrowed before is kept as it is once empty.
        assertThat(PiecewiseAffineWarp.insideRun(5L << 32 | 5, 0, 0, 0, 0, 4, 4))
                .isEqualTo(5L << 32 | 5);
    }

    @Property(tries = 100)
    void coverageIsOneInsideZeroOutsideAndAtMostOneOnEdges(
            @ForAll("frames") PointSets.Frame frame,
            @ForAll boolean border,
            @ForAll boolean spill) {
        double[] dst = border ? frame.withBorder() : frame.inner();
        if (spill) {
            dst = spread(dst, frame.width(), frame.height());
        }
        Triangulation t = Triangulation.delaunay(dst);
        int[] count = PiecewiseAffineWarp.of(t).coverage(dst, frame.width(), frame.height());
        int[] inside = insideStatus(dst, t, frame.width(), frame.height());
        for (int p = 0; p < count.length; p++) {
            if (inside[p] == STRICTLY_INSIDE) {
                assertThat(count[p]).as("pixel %d inside", p).isEqualTo(1);
            } else if (inside[p] == OUTSIDE) {
                assertThat(count[p]).as("pixel %d outside", p).isZero();
            } else {
                // On edges: once if inside the hull (always so with the border), else at most once.
                assertThat(count[p]).as("pixel %d on an edge", p).isBetween(border ? 1 : 0, 1);
            }
        }
    }

    @Test
    void sameImageWithTwoPointSetsBlendsBothWarps() {
        // One image under two different point sets: the blend must not reuse A's map for B.
        for (int ch : new int[] {1, 3}) {
            Random r = new Random(7 + ch);
            int w = 12, h = 10;
            double[] dst = new PointSets.Frame(w, h, new double[] {3, 3, 8, 6}).withBorder();
            double[] pa = dst.clone();
            double[] pb = dst.clone();
            for (int i = 0; i < pb.length; i++) {
                pb[i] = pb[i] * 0.7 + 1.3;
            }
            ImageBuffer img = noise().make(r, w, h, ch);
            Case c = new Case(w, h, dst, img, pa, img, pb, true);
            PiecewiseAffineWarp warp = PiecewiseAffineWarp.of(Triangulation.delaunay(dst));
            ImageBuffer out = warp.blend(img, pa, img, pb, dst, 0.5, w, h);
            assertMatchesReference(out, reference(c, warp.triangulation(), 0.5), 5);
        }
    }

    @Test
    void pointArraysOfTheWrongLengthAreRejectedOnEveryEntry() {
        double[] dst = FaceFrame.borderPoints(6, 5);
        double[] shortPts = java.util.Arrays.copyOf(dst, dst.length - 2);
        PiecewiseAffineWarp w = PiecewiseAffineWarp.of(Triangulation.delaunay(dst));
        for (int ch : new int[] {1, 3}) {
            ImageBuffer img = ImageBuffer.blank(6, 5, ch);
            assertThatThrownBy(() -> w.blend(img, shortPts, img, dst, dst, 0.5, 6, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("source A has 7 points")
                    .hasMessageContaining("needs 8");
            assertThatThrownBy(() -> w.blend(img, dst, img, shortPts, dst, 0.5, 6, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("source B");
            assertThatThrownBy(() -> w.blend(img, dst, img, dst, shortPts, 0.5, 6, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("destination");
            assertThatThrownBy(() -> w.accumulate(img, shortPts, dst, new float[30 * ch], 6, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("source has 7 points");
            assertThatThrownBy(() -> w.accumulate(img, dst, shortPts, new float[30 * ch], 6, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("destination");
            assertThatThrownBy(() -> w.accumulate(img, dst, dst, new float[30 * ch + 1], 6, 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected " + 30 * ch);
        }
        // The packed entry point checks on its own too.
        long[] px = new long[30];
        assertThatThrownBy(() -> w.blendPacked(px, 6, 5, shortPts, px, 6, 5, dst, dst, 0, 6, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source A");
        assertThatThrownBy(() -> w.blendPacked(px, 6, 5, dst, px, 6, 5, shortPts, dst, 0, 6, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source B");
        assertThatThrownBy(() -> w.blendPacked(px, 6, 5, dst, px, 6, 5, dst, shortPts, 0, 6, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("destination");
    }

    @Test
    void dissolveOutsideZeroToOneIsRejectedAndItsEndsAccepted() {
        double[] dst = FaceFrame.borderPoints(4, 4);
        PiecewiseAffineWarp w = PiecewiseAffineWarp.of(Triangulation.delaunay(dst));
        long[] px = new long[16];
        for (int ch : new int[] {1, 3}) {
            ImageBuffer img = ImageBuffer.blank(4, 4, ch);
            for (double bad : new double[] {-1e-9, 1 + 1e-9, Double.NaN}) {
                assertThatThrownBy(() -> w.blend(img, dst, img, dst, dst, bad, 4, 4))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("dissolve");
                assertThatThrownBy(
                                () -> w.blendPacked(px, 4, 4, dst, px, 4, 4, dst, dst, bad, 4, 4))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("dissolve");
            }
            assertThat(w.blend(img, dst, img, dst, dst, 0, 4, 4).width()).isEqualTo(4);
            assertThat(w.blend(img, dst, img, dst, dst, 1, 4, 4).width()).isEqualTo(4);
        }
        assertThat(w.blendPacked(px, 4, 4, dst, px, 4, 4, dst, dst, 1, 4, 4).height()).isEqualTo(4);
        assertThatThrownBy(
                        () ->
                                w.blend(
                                        ImageBuffer.blank(4, 4, 1),
                                        dst,
                                        ImageBuffer.blank(4, 4, 3),
                                        dst,
                                        dst,
                                        0.5,
                                        4,
                                        4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channels");
        assertThatThrownBy(() -> PiecewiseAffineWarp.pack(ImageBuffer.blank(2, 2, 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PiecewiseAffineWarp.packWide(ImageBuffer.blank(2, 2, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- generators

    /** Small frames (one band, down to 1 pixel) and frames of 64+ rows (several bands). */
    @Provide
    Arbitrary<PointSets.Frame> frames() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, PointSets.frames(1, 20, 1, 20, 8)),
                net.jqwik.api.Tuple.of(1, PointSets.frames(1, 9, 64, 72, 8)));
    }

    /** Frames of at least 12 × 12 pixels, one band and several. */
    @Provide
    Arbitrary<PointSets.Frame> largerFrames() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, PointSets.frames(12, 30, 12, 30, 8)),
                net.jqwik.api.Tuple.of(1, PointSets.frames(12, 16, 64, 72, 8)));
    }

    @Provide
    Arbitrary<Double> dissolves() {
        return Arbitraries.oneOf(
                Arbitraries.of(0.0, 1.0, 0.5), Arbitraries.doubles().between(0, 1).ofScale(4));
    }

    interface ImageMaker {
        ImageBuffer make(Random r, int width, int height, int channels);
    }

    /** Independent random bytes: any wrong tap or offset changes the value by tens of levels. */
    static ImageMaker noise() {
        return (r, w, h, ch) -> {
            byte[] d = new byte[w * h * ch];
            r.nextBytes(d);
            return new ImageBuffer(w, h, ch, d);
        };
    }

    static ImageBuffer constant(int w, int h, int[] value) {
        int ch = value.length;
        byte[] d = new byte[w * h * ch];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) value[i % ch];
        }
        return new ImageBuffer(w, h, ch, d);
    }

    /**
     * Builds a case: each source has its own size (1 to 2·side + 2, so 1-pixel sources and
     * stretched ones occur) and its points are the destination points under its own affine, plus up
     * to 1.5 px per coordinate of jitter and shifts that reach outside the source image (so
     * sampling clamps at all four edges).
     */
    static Case newCase(
            PointSets.Frame frame,
            long seed,
            boolean border,
            int channels,
            boolean sameImage,
            ImageMaker maker) {
        return newCase(frame, seed, border, false, channels, sameImage, maker);
    }

    /**
     * As above; with {@code spill} the destination points are spread 1.5 times about the frame
     * centre, so triangles reach past every frame edge and rendering must clip them (still exact
     * dyadic coordinates, so edge tests stay exact).
     */
    static Case newCase(
            PointSets.Frame frame,
            long seed,
            boolean border,
            boolean spill,
            int channels,
            boolean sameImage,
            ImageMaker maker) {
        Random r = new Random(seed);
        int w = frame.width(), h = frame.height();
        double[] dst = border ? frame.withBorder() : frame.inner();
        if (spill) {
            dst = spread(dst, w, h);
        }
        int aw = 1 + r.nextInt(2 * w + 2), ah = 1 + r.nextInt(2 * h + 2);
        ImageBuffer a = maker.make(r, aw, ah, channels);
        double[] aPts = sourcePoints(r, dst, w, h, aw, ah);
        ImageBuffer b;
        double[] bPts;
        if (sameImage) {
            b = a;
            bPts = aPts;
        } else {
            int bw = 1 + r.nextInt(2 * w + 2), bh = 1 + r.nextInt(2 * h + 2);
            b = maker.make(r, bw, bh, channels);
            bPts = sourcePoints(r, dst, w, h, bw, bh);
        }
        return new Case(w, h, dst, a, aPts, b, bPts, border);
    }

    /**
     * A 3-channel case whose sources are larger than the frame (2·side + 8) and whose points are
     * the destination points scaled by 1.2 to 1.8, shifted 2 to 4 px and jittered by under half a
     * pixel, so every tap lies inside the source, away from its last row and column.
     */
    static Case insideCase(PointSets.Frame frame, long seed, boolean border, boolean sameImage) {
        Random r = new Random(seed);
        int w = frame.width(), h = frame.height();
        double[] dst = border ? frame.withBorder() : frame.inner();
        ImageBuffer a = noise().make(r, 2 * w + 8, 2 * h + 8, 3);
        double[] aPts = insidePoints(r, dst);
        if (sameImage) {
            return new Case(w, h, dst, a, aPts, a, aPts, border);
        }
        ImageBuffer b = noise().make(r, 2 * w + 8, 2 * h + 8, 3);
        return new Case(w, h, dst, a, aPts, b, insidePoints(r, dst), border);
    }

    private static double[] insidePoints(Random r, double[] dst) {
        double sx = 1.2 + 0.6 * r.nextDouble(), sy = 1.2 + 0.6 * r.nextDouble();
        double tx = 2 + 2 * r.nextDouble(), ty = 2 + 2 * r.nextDouble();
        double[] out = new double[dst.length];
        for (int i = 0; i < dst.length; i += 2) {
            out[i] = dst[i] * sx + tx + (r.nextDouble() - 0.5) * 0.9;
            out[i + 1] = dst[i + 1] * sy + ty + (r.nextDouble() - 0.5) * 0.9;
        }
        return out;
    }

    static double[] spread(double[] xy, int w, int h) {
        double[] out = xy.clone();
        for (int i = 0; i < out.length; i += 2) {
            out[i] = (w - 1) / 2.0 + (out[i] - (w - 1) / 2.0) * 1.5;
            out[i + 1] = (h - 1) / 2.0 + (out[i + 1] - (h - 1) / 2.0) * 1.5;
        }
        return out;
    }

    private static double[] sourcePoints(Random r, double[] dst, int w, int h, int sw, int sh) {
        double angle = (r.nextDouble() - 0.5) * 0.6;
        double sx = sw / (double) w * (0.8 + 0.4 * r.nextDouble());
        double sy = sh / (double) h * (0.8 + 0.4 * r.nextDouble());
        double tx = (r.nextDouble() - 0.5) * 4, ty = (r.nextDouble() - 0.5) * 4;
        double cos = Math.cos(angle), sin = Math.sin(angle);
        double[] out = new double[dst.length];
        for (int i = 0; i < dst.length; i += 2) {
            double x = dst[i] * sx, y = dst[i + 1] * sy;
            out[i] = cos * x - sin * y + tx + (r.nextDouble() - 0.5) * 3;
            out[i + 1] = sin * x + cos * y + ty + (r.nextDouble() - 0.5) * 3;
        }
        return out;
    }

    // ---------------------------------------------------------------- the reference

    static final int OUTSIDE = 0, STRICTLY_INSIDE = 1, ON_EDGE = 2;

    /** Per pixel: inside no triangle, strictly inside one, or only on edges of triangles. */
    static int[] insideStatus(double[] dst, Triangulation t, int width, int height) {
        int[] status = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int s = OUTSIDE;
                for (int k = 0; k < t.size() && s != STRICTLY_INSIDE; k++) {
                    double[] l = barycentric(dst, t, k, x, y);
                    if (l != null && l[0] >= 0 && l[1] >= 0 && l[2] >= 0) {
                        s = l[0] > 0 && l[1] > 0 && l[2] > 0 ? STRICTLY_INSIDE : ON_EDGE;
                    }
                }
                status[y * width + x] = s;
            }
        }
        return status;
    }

    /**
     * Barycentric coordinates of (x, y) in triangle k, or null if it has no area. Each is an edge
     * function (exact in double for quarter-pixel vertices and integer pixel centres) divided by
     * the doubled area, so its sign, and whether it is zero, is exact.
     */
    static double[] barycentric(double[] p, Triangulation t, int k, double x, double y) {
        int i = t.vertex(k, 0), j = t.vertex(k, 1), m = t.vertex(k, 2);
        double x0 = p[2 * i], y0 = p[2 * i + 1];
        double x1 = p[2 * j], y1 = p[2 * j + 1];
        double x2 = p[2 * m], y2 = p[2 * m + 1];
        double det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
        if (det == 0) {
            return null;
        }
        double e0 = (x2 - x1) * (y - y1) - (x - x1) * (y2 - y1);
        double e1 = (x0 - x2) * (y - y2) - (x - x2) * (y0 - y2);
        double e2 = (x1 - x0) * (y - y0) - (x - x0) * (y1 - y0);
        return new double[] {e0 / det, e1 / det, e2 / det};
    }

    /**
     * The reference blend, one double per output value; NaN where the pixel lies only on triangle
     * edges of a set without the frame border (whether a hull edge pixel is filled is the
     * rasterizer's tie rule, checked elsewhere), 0 outside every triangle.
     */
    static double[] reference(Case c, Triangulation t, double dissolve) {
        int ch = c.a().channels();
        double[] out = new double[c.width() * c.height() * ch];
        for (int y = 0; y < c.height(); y++) {
            for (int x = 0; x < c.width(); x++) {
                double[] found = null;
                boolean strict = false;
                int tri = -1;
                for (int k = 0; k < t.size() && !strict; k++) {
                    double[] l = barycentric(c.dst(), t, k, x, y);
                    if (l != null && l[0] >= 0 && l[1] >= 0 && l[2] >= 0) {
                        found = l;
                        tri = k;
                        strict = l[0] > 0 && l[1] > 0 && l[2] > 0;
                    }
                }
                int o = (y * c.width() + x) * ch;
                if (found == null) {
                    continue;
                }
                if (!strict && !c.withBorder()) {
                    for (int k = 0; k < ch; k++) {
                        out[o + k] = Double.NaN;
                    }
                    continue;
                }
                for (int k = 0; k < ch; k++) {
                    double va = sample(c.a(), c.aPts(), t, tri, found, k);
                    double vb = sample(c.b(), c.bPts(), t, tri, found, k);
                    out[o + k] = (1 - dissolve) * va + dissolve * vb;
                }
            }
        }
        return out;
    }

    /** Bilinear sample of channel k at the barycentric point l of triangle tri's source. */
    static double sample(
            ImageBuffer img, double[] pts, Triangulation t, int tri, double[] l, int k) {
        double sx = 0, sy = 0;
        for (int v = 0; v < 3; v++) {
            int i = t.vertex(tri, v);
            sx += l[v] * pts[2 * i];
            sy += l[v] * pts[2 * i + 1];
        }
        sx = Math.max(0, Math.min(img.width() - 1, sx));
        sy = Math.max(0, Math.min(img.height() - 1, sy));
        int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
        int x1 = Math.min(x0 + 1, img.width() - 1), y1 = Math.min(y0 + 1, img.height() - 1);
        double fx = sx - x0, fy = sy - y0;
        double top = (1 - fx) * img.get(x0, y0, k) + fx * img.get(x1, y0, k);
        double bottom = (1 - fx) * img.get(x0, y1, k) + fx * img.get(x1, y1, k);
        return (1 - fy) * top + fy * bottom;
    }

    /**
     * The bound on the mean absolute error of {@code n} compared values: one level plus three
     * standard errors of values whose spread is at most one level (see the class comment).
     */
    static double meanBound(int n) {
        return 1.0 + 3.0 / Math.sqrt(n);
    }

    static void assertMatchesReference(ImageBuffer out, double[] ref, double maxErr) {
        assertThat(out.data()).hasSize(ref.length);
        double total = 0;
        int compared = 0;
        for (int i = 0; i < ref.length; i++) {
            if (Double.isNaN(ref[i])) {
                continue;
            }
            int got = out.data()[i] & 0xff;
            double err = Math.abs(got - ref[i]);
            assertThat(err).as("value %d: got %d, reference %s", i, got, ref[i]).isLessThan(maxErr);
            total += err;
            compared++;
        }
        if (compared > 0) {
            assertThat(total / compared)
                    .as("mean error of %d values", compared)
                    .isLessThan(meanBound(compared));
        }
    }
}
