package io.github.keypoints.morph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik arbitraries of point sets for the warp and morph properties, so that a failure shrinks to a
 * small example and jqwik's edge cases reach the geometry: points on a quarter-pixel grid that
 * reaches the frame's outer edge (±0.5, where the border points are), runs of exactly collinear
 * points, duplicated points, and scattered points, alone or mixed.
 */
final class PointSets {

    private PointSets() {}

    /** A frame size and the interior points of a point set in it (border points not included). */
    record Frame(int width, int height, double[] inner) {

        /** The interior points followed by the frame's 4 corners and 4 edge midpoints. */
        double[] withBorder() {
            double[] border = FaceFrame.borderPoints(width, height);
            double[] xy = Arrays.copyOf(inner, inner.length + border.length);
            System.arraycopy(border, 0, xy, inner.length, border.length);
            return xy;
        }

        @Override
        public String toString() {
            return width + "x" + height + " " + Arrays.toString(inner);
        }
    }

    /** Frames of {@code [minW, maxW] × [minH, maxH]} with up to {@code maxPoints} inner points. */
    static Arbitrary<Frame> frames(int minW, int maxW, int minH, int maxH, int maxPoints) {
        return Combinators.combine(
                        Arbitraries.integers().between(minW, maxW),
                        Arbitraries.integers().between(minH, maxH))
                .flatAs((w, h) -> inner(w, h, maxPoints).map(xy -> new Frame(w, h, xy)));
    }

    /**
     * Interior points of a {@code w × h} frame, x and y in quarter pixels from -0.5 to w - 0.5 (and
     * h - 0.5): scattered, on one line, duplicated, or a line plus scattered points.
     */
    static Arbitrary<double[]> inner(int w, int h, int maxPoints) {
        Arbitrary<double[]> point =
                Combinators.combine(
                                Arbitraries.integers().between(-2, 4 * w - 2),
                                Arbitraries.integers().between(-2, 4 * h - 2))
                        .as((x, y) -> new double[] {x / 4.0, y / 4.0});
        Arbitrary<List<double[]>> scattered = point.list().ofMaxSize(maxPoints);
        Arbitrary<List<double[]>> line =
                Combinators.combine(
                                point,
                                Arbitraries.integers().between(-8, 8),
                                Arbitraries.integers().between(-8, 8),
                                Arbitraries.integers().between(2, Math.max(2, maxPoints / 2)))
                        .as(
                                (p, dx, dy, n) -> {
                                    List<double[]> out = new ArrayList<>();
                                    for (int k = 0; k < n; k++) {
                                        double x = p[0] + k * dx / 4.0;
                                        double y = p[1] + k * dy / 4.0;
                                        if (x >= -0.5
                                                && x <= w - 0.5
                                                && y >= -0.5
                                                && y <= h - 0.5) {
                                            out.add(new double[] {x, y});
                                        }
                                    }
                                    return out;
                                });
        Arbitrary<List<double[]>> duplicated =
                point.list()
                        .ofMinSize(1)
                        .ofMaxSize(Math.max(1, maxPoints / 2))
                        .map(
                                l -> {
                                    List<double[]> out = new ArrayList<>(l);
                                    out.addAll(l);
                                    return out;
                                });
        Arbitrary<List<double[]>> lineAndScattered =
                Combinators.combine(line, point.list().ofMaxSize(Math.max(1, maxPoints / 2)))
                        .as(
                                (a, b) -> {
                                    List<double[]> out = new ArrayList<>(a);
                                    out.addAll(b);
                                    return out;
                                });
        return Arbitraries.oneOf(scattered, line, duplicated, lineAndScattered)
                .map(PointSets::flatten);
    }

    private static double[] flatten(List<double[]> points) {
        double[] xy = new double[2 * points.size()];
        for (int i = 0; i < points.size(); i++) {
            xy[2 * i] = points.get(i)[0];
            xy[2 * i + 1] = points.get(i)[1];
        }
        return xy;
    }
}
