package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.Affine;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

class PiecewiseAffineWarpProperties {

    @Property
    void eachTriangleAffineMapsItsVerticesToTheirTargets(
            @ForAll @DoubleRange(min = -1000, max = 1000) double x0,
            @ForAll @DoubleRange(min = -1000, max = 1000) double y0,
            @ForAll @DoubleRange(min = -1000, max = 1000) double x1,
            @ForAll @DoubleRange(min = -1000, max = 1000) double y1,
            @ForAll @DoubleRange(min = -1000, max = 1000) double x2,
            @ForAll @DoubleRange(min = -1000, max = 1000) double y2,
            @ForAll("targets") double[] dst) {
        double[] src = {x0, y0, x1, y1, x2, y2};
        double area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
        net.jqwik.api.Assume.that(Math.abs(area) > 1e-3);
        Affine m = Affine.fromTriangles(src, dst);
        for (int k = 0; k < 3; k++) {
            assertThat(m.applyX(src[2 * k], src[2 * k + 1]))
                    .isCloseTo(dst[2 * k], org.assertj.core.data.Offset.offset(1e-6));
            assertThat(m.applyY(src[2 * k], src[2 * k + 1]))
                    .isCloseTo(dst[2 * k + 1], org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Property(tries = 60)
    void warpCoversEveryPixelOfTheFrameExactlyOnce(@ForAll("frames") PointSets.Frame frame) {
        int width = frame.width();
        int height = frame.height();
        double[] xy = frame.withBorder();
        PiecewiseAffineWarp warp = PiecewiseAffineWarp.of(Triangulation.delaunay(xy));
        int[] count = warp.coverage(xy, width, height);
        for (int i = 0; i < count.length; i++) {
            assertThat(count[i]).as("pixel %d,%d", i % width, i / width).isEqualTo(1);
        }
    }

    @Property(tries = 60)
    void warpCoversInsideOfAnyHullOnceAndOutsideNever(@ForAll("hull64x48") double[] xy) {
        // Quarter-pixel coordinates put many pixel centres exactly on edges and vertices.
        int width = 64, height = 48;
        Triangulation t = Triangulation.delaunay(xy);
        int[] count = PiecewiseAffineWarp.of(t).coverage(xy, width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int c = count[y * width + x];
                int inside = insideCount(xy, t, x, y);
                if (inside == -1) {
                    assertThat(c).as("pixel %d,%d strictly inside the hull", x, y).isEqualTo(1);
                } else if (inside == 0) {
                    assertThat(c).as("pixel %d,%d outside the hull", x, y).isZero();
                } else {
                    assertThat(c).as("pixel %d,%d on the hull", x, y).isLessThanOrEqualTo(1);
                }
            }
        }
    }

    @Property(tries = 40)
    void warpingAnImageOntoItsOwnShapeReturnsIt(
            @ForAll long pixelSeed, @ForAll("inner40x30") double[] inner, @ForAll boolean gray) {
        int width = 40, height = 30;
        ImageBuffer img =
                FacePoints.randomImage(new Random(pixelSeed), width, height, gray ? 1 : 3);
        double[] xy = new PointSets.Frame(width, height, inner).withBorder();
        ImageBuffer out =
                PiecewiseAffineWarp.of(Triangulation.delaunay(xy)).warp(img, xy, xy, width, height);
        for (int i = 0; i < img.data().length; i++) {
            assertThat(Math.abs((out.data()[i] & 0xff) - (img.data()[i] & 0xff)))
                    .isLessThanOrEqualTo(1);
        }
    }

    @Property(tries = 30)
    void sequentialAndParallelRenderingAgree(
            @ForAll long pixelSeed,
            @ForAll boolean gray,
            @ForAll("inner200x150") double[] inner,
            @ForAll("offsets") double[] offsets) {
        int width = 200, height = 150;
        Random r = new Random(pixelSeed);
        ImageBuffer a = FacePoints.randomImage(r, width, height, gray ? 1 : 3);
        ImageBuffer b = FacePoints.randomImage(r, width, height, gray ? 1 : 3);
        double[] pa = new PointSets.Frame(width, height, inner).withBorder();
        double[] pb = moved(pa, offsets);
        PiecewiseAffineWarp w = PiecewiseAffineWarp.of(Triangulation.delaunay(pa));
        ImageBuffer par = w.blend(a, pa, b, pb, pa, 0.3, width, height);
        ImageBuffer seq = w.sequential().blend(a, pa, b, pb, pa, 0.3, width, height);
        assertThat(par.data()).isEqualTo(seq.data());
    }

    @Property(tries = 30)
    void packedAndBytePathsAgreeWithinRounding(
            @ForAll long pixelSeed,
            @ForAll("inner60x40") double[] inner,
            @ForAll("offsets") double[] offsets) {
        int width = 60, height = 40;
        Random r = new Random(pixelSeed);
        ImageBuffer a = FacePoints.randomImage(r, width, height, 3);
        ImageBuffer b = FacePoints.randomImage(r, width, height, 3);
        double[] pa = new PointSets.Frame(width, height, inner).withBorder();
        double[] pb = moved(pa, offsets);
        PiecewiseAffineWarp w = PiecewiseAffineWarp.of(Triangulation.delaunay(pa));
        ImageBuffer packed = w.blend(a, pa, b, pb, pa, 0.4, width, height);
        // The byte path, channel by channel on gray images.
        for (int c = 0; c < 3; c++) {
            ImageBuffer ga = channel(a, c), gb = channel(b, c);
            ImageBuffer g = w.blend(ga, pa, gb, pb, pa, 0.4, width, height);
            for (int i = 0; i < width * height; i++) {
                assertThat(Math.abs((g.data()[i] & 0xff) - (packed.data()[3 * i + c] & 0xff)))
                        .isLessThanOrEqualTo(2);
            }
        }
    }

    @Provide
    Arbitrary<double[]> targets() {
        return Arbitraries.doubles()
                .between(-1000, 1000)
                .ofScale(6)
                .array(double[].class)
                .ofSize(6);
    }

    @Provide
    Arbitrary<PointSets.Frame> frames() {
        return PointSets.frames(8, 90, 8, 70, 40);
    }

    @Provide
    Arbitrary<double[]> hull64x48() {
        return PointSets.inner(64, 48, 40).filter(xy -> xy.length >= 6);
    }

    @Provide
    Arbitrary<double[]> inner40x30() {
        return PointSets.inner(40, 30, 30);
    }

    @Provide
    Arbitrary<double[]> inner200x150() {
        return PointSets.inner(200, 150, 20);
    }

    @Provide
    Arbitrary<double[]> inner60x40() {
        return PointSets.inner(60, 40, 10);
    }

    /** Per-coordinate moves of up to 3 px, enough for every point set above (≤ 2 × (20 + 8)). */
    @Provide
    Arbitrary<double[]> offsets() {
        return Arbitraries.doubles().between(-3, 3).ofScale(3).array(double[].class).ofSize(56);
    }

    private static double[] moved(double[] xy, double[] offsets) {
        double[] out = xy.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += offsets[i % offsets.length];
        }
        return out;
    }

    private static ImageBuffer channel(ImageBuffer img, int c) {
        byte[] d = new byte[img.width() * img.height()];
        for (int i = 0; i < d.length; i++) {
            d[i] = img.data()[3 * i + c];
        }
        return new ImageBuffer(img.width(), img.height(), 1, d);
    }

    /** Returns -1 strictly inside some triangle, 0 outside all, 1 on an edge (closed only). */
    private static int insideCount(double[] xy, Triangulation t, double px, double py) {
        boolean onEdge = false;
        for (int i = 0; i < t.size(); i++) {
            int a = t.vertex(i, 0), b = t.vertex(i, 1), c = t.vertex(i, 2);
            int o1 = orient(xy, a, b, px, py);
            int o2 = orient(xy, b, c, px, py);
            int o3 = orient(xy, c, a, px, py);
            if (o1 > 0 && o2 > 0 && o3 > 0) {
                return -1;
            }
            if (o1 >= 0 && o2 >= 0 && o3 >= 0) {
                onEdge = true;
            }
        }
        if (!onEdge) {
            return 0;
        }
        // On an interior edge the point is inside the hull; on a hull edge it is on the hull.
        // Probe a tiny step in each direction: if all four probes are inside, it is interior.
        double e = 1e-7;
        for (double[] d : new double[][] {{e, 0}, {-e, 0}, {0, e}, {0, -e}}) {
            boolean in = false;
            for (int i = 0; i < t.size() && !in; i++) {
                int a = t.vertex(i, 0), b = t.vertex(i, 1), c = t.vertex(i, 2);
                in =
                        orient(xy, a, b, px + d[0], py + d[1]) >= 0
                                && orient(xy, b, c, px + d[0], py + d[1]) >= 0
                                && orient(xy, c, a, px + d[0], py + d[1]) >= 0;
            }
            if (!in) {
                return 1;
            }
        }
        return -1;
    }

    private static int orient(double[] xy, int a, int b, double px, double py) {
        return GeometricPredicates.orient(
                xy[2 * a], xy[2 * a + 1], xy[2 * b], xy[2 * b + 1], px, py);
    }
}
