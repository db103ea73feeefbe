package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.Affine;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class PiecewiseAffineWarpProperties {

    @Property
    void eachTriangleAffineMapsItsVerticesToTheirTargets(
            @ForAll @DoubleRange(min = -1000, max = 1000) double x0,
            @ForAll @DoubleRange(min = -1000, max = 1000) double y0,
            @ForAll @DoubleRange(min = -1000, max = 1000) double x1,
            @ForAll @DoubleRange(min = -1000, max = 1000) double y1,
            @ForAll @DoubleRange(min = -1000, max = 1000) double x2,
            @ForAll @DoubleRange(min = -1000, max = 1000) double y2,
            @ForAll long seed) {
        double[] src = {x0, y0, x1, y1, x2, y2};
        double area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
        net.jqwik.api.Assume.that(Math.abs(area) > 1e-3);
        Random r = new Random(seed);
        double[] dst = new double[6];
        for (int i = 0; i < 6; i++) {
            dst[i] = r.nextDouble() * 2000 - 1000;
        }
        Affine m = Affine.fromTriangles(src, dst);
        for (int k = 0; k < 3; k++) {
            assertThat(m.applyX(src[2 * k], src[2 * k + 1]))
                    .isCloseTo(dst[2 * k], org.assertj.core.data.Offset.offset(1e-6));
            assertThat(m.applyY(src[2 * k], src[2 * k + 1]))
                    .isCloseTo(dst[2 * k + 1], org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Property(tries = 60)
    void warpCoversEveryPixelOfTheFrameExactlyOnce(
            @ForAll long seed,
            @ForAll @IntRange(min = 0, max = 40) int inner,
            @ForAll @IntRange(min = 8, max = 90) int width,
            @ForAll @IntRange(min = 8, max = 70) int height) {
        double[] xy = FacePoints.randomWithBorder(new Random(seed), inner, width, height, true);
        PiecewiseAffineWarp warp = PiecewiseAffineWarp.of(Triangulation.delaunay(xy));
        int[] count = warp.coverage(xy, width, height);
        for (int i = 0; i < count.length; i++) {
            assertThat(count[i]).as("pixel %d,%d", i % width, i / width).isEqualTo(1);
        }
    }

    @Property(tries = 60)
    void warpCoversInsideOfAnyHullOnceAndOutsideNever(
            @ForAll long seed, @ForAll @IntRange(min = 3, max = 40) int n) {
        int width = 64, height = 48;
        Random r = new Random(seed);
        double[] xy = new double[2 * n];
        for (int i = 0; i < n; i++) {
            // Quarter-pixel coordinates put many pixel centres exactly on edges and vertices.
            xy[2 * i] = r.nextInt(4 * width) / 4.0;
            xy[2 * i + 1] = r.nextInt(4 * height) / 4.0;
        }
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
            @ForAll long seed,
            @ForAll @IntRange(min = 0, max = 30) int inner,
            @ForAll boolean gray) {
        int width = 40, height = 30;
        Random r = new Random(seed);
        ImageBuffer img = FacePoints.randomImage(r, width, height, gray ? 1 : 3);
        double[] xy = FacePoints.randomWithBorder(r, inner, width, height, true);
        ImageBuffer out =
                PiecewiseAffineWarp.of(Triangulation.delaunay(xy)).warp(img, xy, xy, width, height);
        for (int i = 0; i < img.data().length; i++) {
            assertThat(Math.abs((out.data()[i] & 0xff) - (img.data()[i] & 0xff)))
                    .isLessThanOrEqualTo(1);
        }
    }

    @Property(tries = 30)
    void sequentialAndParallelRenderingAgree(@ForAll long seed, @ForAll boolean gray) {
        int width = 200, height = 150;
        Random r = new Random(seed);
        ImageBuffer a = FacePoints.randomImage(r, width, height, gray ? 1 : 3);
        ImageBuffer b = FacePoints.randomImage(r, width, height, gray ? 1 : 3);
        double[] pa = FacePoints.randomWithBorder(r, 20, width, height, true);
        double[] pb = pa.clone();
        for (int i = 0; i < pb.length; i++) {
            pb[i] += r.nextGaussian();
        }
        PiecewiseAffineWarp w = PiecewiseAffineWarp.of(Triangulation.delaunay(pa));
        ImageBuffer par = w.blend(a, pa, b, pb, pa, 0.3, width, height);
        ImageBuffer seq = w.sequential().blend(a, pa, b, pb, pa, 0.3, width, height);
        assertThat(par.data()).isEqualTo(seq.data());
    }

    @Property(tries = 30)
    void packedAndBytePathsAgreeWithinRounding(@ForAll long seed) {
        int width = 60, height = 40;
        Random r = new Random(seed);
        ImageBuffer a = FacePoints.randomImage(r, width, height, 3);
        ImageBuffer b = FacePoints.randomImage(r, width, height, 3);
        double[] pa = FacePoints.randomWithBorder(r, 10, width, height, false);
        double[] pb = pa.clone();
        for (int i = 0; i < pb.length; i++) {
            pb[i] += r.nextGaussian();
        }
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
