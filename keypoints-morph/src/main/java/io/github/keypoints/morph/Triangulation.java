package io.github.keypoints.morph;

import java.util.Arrays;

/**
 * An immutable triangulation of a point set as index triples into that set, so one triangulation
 * (computed once, for example on the mean shape) serves every face that has the same points.
 *
 * <p>Every triangle is stored counter-clockwise in a y-up frame for the points it was computed on
 * (clockwise as seen on screen, where y grows downwards).
 */
public final class Triangulation {

    private final int pointCount;
    private final int[] triangles;

    private Triangulation(int pointCount, int[] triangles) {
        this.pointCount = pointCount;
        this.triangles = triangles;
    }

    /**
     * Creates a triangulation from index triples.
     *
     * @param pointCount the number of points the indices refer to
     * @param triangles 3T indices {@code a0, b0, c0, a1, …}; copied
     * @return the triangulation
     * @throws IllegalArgumentException if the length is not a multiple of 3, an index is out of
     *     range or a triple repeats an index
     */
    public static Triangulation of(int pointCount, int[] triangles) {
        if (triangles.length % 3 != 0) {
            throw new IllegalArgumentException(
                    "Triangle indices must come in triples, found " + triangles.length);
        }
        for (int t = 0; t < triangles.length; t += 3) {
            int a = triangles[t], b = triangles[t + 1], c = triangles[t + 2];
            for (int v : new int[] {a, b, c}) {
                if (v < 0 || v >= pointCount) {
                    throw new IllegalArgumentException(
                            "Triangle "
                                    + t / 3
                                    + " has index "
                                    + v
                                    + ", expected 0.."
                                    + (pointCount - 1));
                }
            }
            if (a == b || b == c || a == c) {
                throw new IllegalArgumentException(
                        "Triangle " + t / 3 + " repeats a vertex: " + a + "," + b + "," + c);
            }
        }
        return new Triangulation(pointCount, triangles.clone());
    }

    /**
     * Returns the Delaunay triangulation of interleaved points {@code x0, y0, x1, y1, …}.
     *
     * @param xy the points
     * @return the triangulation (see {@link Delaunay})
     */
    public static Triangulation delaunay(double[] xy) {
        return Delaunay.triangulate(xy);
    }

    /**
     * Returns the number of points the indices refer to.
     *
     * @return the point count
     */
    public int pointCount() {
        return pointCount;
    }

    /**
     * Returns the number of triangles.
     *
     * @return T
     */
    public int size() {
        return triangles.length / 3;
    }

    /**
     * Returns vertex {@code k} (0, 1 or 2) of triangle {@code t}.
     *
     * @param t the triangle index
     * @param k the corner, 0 to 2
     * @return the point index
     */
    public int vertex(int t, int k) {
        return triangles[3 * t + k];
    }

    /**
     * Returns all index triples.
     *
     * @return a copy of the 3T indices
     */
    public int[] toArray() {
        return triangles.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Triangulation other
                && other.pointCount == pointCount
                && Arrays.equals(other.triangles, triangles);
    }

    @Override
    public int hashCode() {
        return 31 * pointCount + Arrays.hashCode(triangles);
    }

    @Override
    public String toString() {
        return "Triangulation(" + size() + " triangles over " + pointCount + " points)";
    }
}
