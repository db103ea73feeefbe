package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class DelaunayProperties {

    /** Points on a coarse grid, so duplicates, collinear and cocircular sets are common. */
    @Provide
    Arbitrary<double[]> gridPoints() {
        Arbitrary<Integer> coord = Arbitraries.integers().between(0, 12);
        return Combinators.combine(coord, coord)
                .as((x, y) -> new double[] {x, y})
                .list()
                .ofMinSize(0)
                .ofMaxSize(40)
                .map(DelaunayProperties::flatten);
    }

    /** Points in general position with fractional coordinates. */
    @Provide
    Arbitrary<double[]> scatteredPoints() {
        Arbitrary<Double> coord = Arbitraries.doubles().between(-500, 500).ofScale(3);
        return Combinators.combine(coord, coord)
                .as((x, y) -> new double[] {x, y})
                .list()
                .ofMinSize(3)
                .ofMaxSize(60)
                .map(DelaunayProperties::flatten);
    }

    @Property
    void everyCircumcircleIsEmptyOnGrid(@ForAll("gridPoints") double[] xy) {
        assertEmptyCircumcircles(xy);
    }

    @Property
    void everyCircumcircleIsEmptyScattered(@ForAll("scatteredPoints") double[] xy) {
        assertEmptyCircumcircles(xy);
    }

    @Property
    void areasSumToConvexHullAreaOnGrid(@ForAll("gridPoints") double[] xy) {
        assertAreasSumToHull(xy);
    }

    @Property
    void areasSumToConvexHullAreaScattered(@ForAll("scatteredPoints") double[] xy) {
        assertAreasSumToHull(xy);
    }

    @Property
    void everyTriangleIsCounterClockwiseAndUsesDistinctPoints(@ForAll("gridPoints") double[] xy) {
        Triangulation t = Triangulation.delaunay(xy);
        for (int i = 0; i < t.size(); i++) {
            int a = t.vertex(i, 0), b = t.vertex(i, 1), c = t.vertex(i, 2);
            assertThat(
                            GeometricPredicates.orient(
                                    xy[2 * a],
                                    xy[2 * a + 1],
                                    xy[2 * b],
                                    xy[2 * b + 1],
                                    xy[2 * c],
                                    xy[2 * c + 1]))
                    .isPositive();
        }
    }

    @Test
    void collinearPointsGiveNoTriangles() {
        double[] xy = {0, 0, 1, 1, 2, 2, 3, 3, 1, 1};
        assertThat(Triangulation.delaunay(xy).size()).isZero();
    }

    @Test
    void duplicatesAreTriangulatedOnce() {
        double[] xy = {0, 0, 4, 0, 0, 4, 4, 4, 4, 0, 0, 0, 2, 2, -0.0, 0};
        Triangulation t = Triangulation.delaunay(xy);
        assertThat(t.size()).isEqualTo(4);
        for (int i = 0; i < t.size(); i++) {
            for (int k = 0; k < 3; k++) {
                assertThat(t.vertex(i, k)).isNotIn(4, 5, 7);
            }
        }
    }

    @Test
    void pointsOnTheBorderSplitTheHullEdges() {
        // The corners, the edge midpoints and one centre point: 8 triangles, all of area 1.
        double[] xy = {0, 0, 1, 0, 2, 0, 2, 1, 2, 2, 1, 2, 0, 2, 0, 1, 1, 1};
        Triangulation t = Triangulation.delaunay(xy);
        assertThat(t.size()).isEqualTo(8);
        for (int i = 0; i < t.size(); i++) {
            assertThat(Math.abs(area(xy, t, i))).isEqualTo(0.5);
        }
    }

    @Test
    void rejectsNonFiniteCoordinates() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Triangulation.delaunay(new double[] {0, 0, Double.NaN, 1, 2, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Point 1");
    }

    private static void assertEmptyCircumcircles(double[] xy) {
        Triangulation t = Triangulation.delaunay(xy);
        for (int i = 0; i < t.size(); i++) {
            int a = t.vertex(i, 0), b = t.vertex(i, 1), c = t.vertex(i, 2);
            for (int p = 0; p < xy.length / 2; p++) {
                int s =
                        GeometricPredicates.inCircle(
                                xy[2 * a],
                                xy[2 * a + 1],
                                xy[2 * b],
                                xy[2 * b + 1],
                                xy[2 * c],
                                xy[2 * c + 1],
                                xy[2 * p],
                                xy[2 * p + 1]);
                assertThat(s)
                        .as("point %d inside circumcircle of triangle %d", p, i)
                        .isLessThanOrEqualTo(0);
            }
        }
    }

    private static void assertAreasSumToHull(double[] xy) {
        Triangulation t = Triangulation.delaunay(xy);
        double sum = 0;
        for (int i = 0; i < t.size(); i++) {
            sum += area(xy, t, i);
        }
        double hull = hullArea(xy);
        assertThat(sum).isCloseTo(hull, org.assertj.core.data.Offset.offset(1e-6 * (1 + hull)));
    }

    static double area(double[] xy, Triangulation t, int i) {
        int a = t.vertex(i, 0), b = t.vertex(i, 1), c = t.vertex(i, 2);
        return 0.5
                * ((xy[2 * b] - xy[2 * a]) * (xy[2 * c + 1] - xy[2 * a + 1])
                        - (xy[2 * b + 1] - xy[2 * a + 1]) * (xy[2 * c] - xy[2 * a]));
    }

    /** Andrew's monotone chain; returns the hull's area. */
    static double hullArea(double[] xy) {
        int n = xy.length / 2;
        if (n < 3) {
            return 0;
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(
                idx,
                (p, q) ->
                        xy[2 * p] != xy[2 * q]
                                ? Double.compare(xy[2 * p], xy[2 * q])
                                : Double.compare(xy[2 * p + 1], xy[2 * q + 1]));
        List<Integer> hull = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            int start = hull.size();
            for (int k = 0; k < n; k++) {
                int p = pass == 0 ? idx[k] : idx[n - 1 - k];
                while (hull.size() >= start + 2) {
                    int a = hull.get(hull.size() - 2), b = hull.get(hull.size() - 1);
                    if (GeometricPredicates.orient(
                                    xy[2 * a],
                                    xy[2 * a + 1],
                                    xy[2 * b],
                                    xy[2 * b + 1],
                                    xy[2 * p],
                                    xy[2 * p + 1])
                            <= 0) {
                        hull.remove(hull.size() - 1);
                    } else {
                        break;
                    }
                }
                hull.add(p);
            }
            hull.remove(hull.size() - 1);
        }
        double area = 0;
        for (int k = 0; k < hull.size(); k++) {
            int a = hull.get(k), b = hull.get((k + 1) % hull.size());
            area += xy[2 * a] * xy[2 * b + 1] - xy[2 * b] * xy[2 * a + 1];
        }
        return Math.abs(area) / 2;
    }

    private static double[] flatten(List<double[]> points) {
        double[] xy = new double[points.size() * 2];
        for (int i = 0; i < points.size(); i++) {
            xy[2 * i] = points.get(i)[0];
            xy[2 * i + 1] = points.get(i)[1];
        }
        return xy;
    }
}
