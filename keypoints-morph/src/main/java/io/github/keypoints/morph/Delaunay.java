package io.github.keypoints.morph;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Bowyer–Watson Delaunay triangulation with exact predicates and ghost triangles.
 *
 * <p>Instead of a finite super-triangle (whose vertices can cut off hull triangles), the outside of
 * the hull is covered by ghost triangles that share one vertex at infinity; a point lies in a ghost
 * triangle's "circumcircle" when it is strictly outside its hull edge, or on the open edge itself.
 * With exact predicates this yields the whole convex hull for any input: duplicate points are
 * triangulated once (the first occurrence is used), points collinear with a hull edge split it, and
 * input that is entirely collinear gives no triangles.
 *
 * <p>The cavity search is a linear scan, so the cost is O(n²): meant for face shapes (tens to a few
 * hundred points), not for million-point meshes.
 */
final class Delaunay {

    private static final int GHOST = -1;

    private final double[] xy;

    /** Live triangles as int[3] (a, b, c), counter-clockwise; a ghost has c == GHOST. */
    private final List<int[]> triangles = new ArrayList<>();

    private Delaunay(double[] xy) {
        this.xy = xy;
    }

    static Triangulation triangulate(double[] xy) {
        if (xy.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "Points must be interleaved x,y pairs, found " + xy.length + " numbers");
        }
        for (int i = 0; i < xy.length; i++) {
            if (!Double.isFinite(xy[i])) {
                throw new IllegalArgumentException(
                        "Point " + i / 2 + " has a non-finite coordinate: " + xy[i]);
            }
        }
        int n = xy.length / 2;
        Delaunay d = new Delaunay(xy);
        List<Integer> unique = d.uniquePoints();
        int[] seed = d.seedTriangle(unique);
        if (seed == null) {
            return Triangulation.of(n, new int[0]);
        }
        d.start(seed[0], seed[1], seed[2]);
        for (int p : unique) {
            if (p != seed[0] && p != seed[1] && p != seed[2]) {
                d.insert(p);
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int[] t : d.triangles) {
            if (t[2] != GHOST) {
                out.add(t[0]);
                out.add(t[1]);
                out.add(t[2]);
            }
        }
        return Triangulation.of(n, out.stream().mapToInt(Integer::intValue).toArray());
    }

    private List<Integer> uniquePoints() {
        Set<Point> seen = new HashSet<>();
        List<Integer> unique = new ArrayList<>();
        for (int i = 0; i < xy.length / 2; i++) {
            // 0.0 + v turns -0.0 into 0.0, so the two zeros are one point.
            if (seen.add(new Point(0.0 + xy[2 * i], 0.0 + xy[2 * i + 1]))) {
                unique.add(i);
            }
        }
        return unique;
    }

    private record Point(double x, double y) {}

    /** Finds three non-collinear points, counter-clockwise, or null if all are collinear. */
    private int[] seedTriangle(List<Integer> unique) {
        if (unique.size() < 3) {
            return null;
        }
        int a = unique.get(0);
        int b = unique.get(1);
        for (int k = 2; k < unique.size(); k++) {
            int c = unique.get(k);
            int o = orient(a, b, c);
            if (o > 0) {
                return new int[] {a, b, c};
            }
            if (o < 0) {
                return new int[] {a, c, b};
            }
        }
        return null;
    }

    private void start(int a, int b, int c) {
        triangles.add(new int[] {a, b, c});
        triangles.add(new int[] {b, a, GHOST});
        triangles.add(new int[] {c, b, GHOST});
        triangles.add(new int[] {a, c, GHOST});
    }

    private void insert(int p) {
        List<int[]> cavity = new ArrayList<>();
        List<int[]> keep = new ArrayList<>(triangles.size() + 4);
        for (int[] t : triangles) {
            if (inCircumcircle(t, p)) {
                cavity.add(t);
            } else {
                keep.add(t);
            }
        }
        // Directed boundary edges of the cavity: those whose reverse is not in the cavity.
        Set<Long> edges = new HashSet<>();
        for (int[] t : cavity) {
            for (int k = 0; k < 3; k++) {
                edges.add(edgeKey(t[k], t[(k + 1) % 3]));
            }
        }
        for (int[] t : cavity) {
            for (int k = 0; k < 3; k++) {
                int u = t[k];
                int v = t[(k + 1) % 3];
                if (edges.contains(edgeKey(v, u))) {
                    continue;
                }
                if (v == GHOST) {
                    keep.add(new int[] {p, u, GHOST});
                } else if (u == GHOST) {
                    keep.add(new int[] {v, p, GHOST});
                } else {
                    keep.add(new int[] {u, v, p});
                }
            }
        }
        triangles.clear();
        triangles.addAll(keep);
    }

    private boolean inCircumcircle(int[] t, int p) {
        if (t[2] != GHOST) {
            return GeometricPredicates.inCircle(
                            xy[2 * t[0]],
                            xy[2 * t[0] + 1],
                            xy[2 * t[1]],
                            xy[2 * t[1] + 1],
                            xy[2 * t[2]],
                            xy[2 * t[2] + 1],
                            xy[2 * p],
                            xy[2 * p + 1])
                    > 0;
        }
        // Ghost (u, v, ∞): the outside of hull edge v→u lies to the left of u→v.
        int o = orient(t[0], t[1], p);
        if (o != 0) {
            return o > 0;
        }
        return strictlyBetween(t[0], t[1], p);
    }

    private boolean strictlyBetween(int u, int v, int p) {
        double ux = xy[2 * u], uy = xy[2 * u + 1];
        double vx = xy[2 * v], vy = xy[2 * v + 1];
        double px = xy[2 * p], py = xy[2 * p + 1];
        if (ux != vx) {
            return (px > Math.min(ux, vx)) && (px < Math.max(ux, vx));
        }
        return (py > Math.min(uy, vy)) && (py < Math.max(uy, vy));
    }

    private int orient(int a, int b, int c) {
        return GeometricPredicates.orient(
                xy[2 * a], xy[2 * a + 1], xy[2 * b], xy[2 * b + 1], xy[2 * c], xy[2 * c + 1]);
    }

    private static long edgeKey(int u, int v) {
        return ((long) (u + 1) << 32) | ((v + 1) & 0xffffffffL);
    }
}
