package io.github.keypoints.morph;

import io.github.keypoints.data.Affine;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * Similarity transforms (rotation, uniform scale, translation; no mirror) as {@link Affine}s: the
 * exact one through two point pairs, and the least-squares one between two shapes (the Procrustes
 * fit, solved with an SVD from Apache Commons Math).
 */
public final class Similarity {

    private Similarity() {}

    /**
     * Returns the similarity that maps p0 to q0 and p1 to q1 exactly.
     *
     * @param p0x first source x
     * @param p0y first source y
     * @param p1x second source x
     * @param p1y second source y
     * @param q0x first target x
     * @param q0y first target y
     * @param q1x second target x
     * @param q1y second target y
     * @return the transform
     * @throws IllegalArgumentException if the two source points coincide
     */
    public static Affine fromTwoPoints(
            double p0x,
            double p0y,
            double p1x,
            double p1y,
            double q0x,
            double q0y,
            double q1x,
            double q1y) {
        double px = p1x - p0x, py = p1y - p0y;
        double n = px * px + py * py;
        if (n == 0) {
            throw new IllegalArgumentException(
                    "The two alignment points coincide at (" + p0x + ", " + p0y + ")");
        }
        double qx = q1x - q0x, qy = q1y - q0y;
        // z = q / p as complex numbers: scale·rotation.
        double zr = (qx * px + qy * py) / n;
        double zi = (qy * px - qx * py) / n;
        return new Affine(
                zr, -zi, q0x - (zr * p0x - zi * p0y), zi, zr, q0y - (zi * p0x + zr * p0y));
    }

    /**
     * Returns the similarity that maps {@code from} onto {@code to} with the least sum of squared
     * distances (orthogonal Procrustes with scale).
     *
     * @param from interleaved source points
     * @param to interleaved target points, as many as {@code from}
     * @return the best-fitting transform
     */
    public static Affine fit(double[] from, double[] to) {
        if (from.length != to.length || from.length < 4) {
            throw new IllegalArgumentException(
                    "Need two equal point sets of at least 2 points, found "
                            + from.length / 2
                            + " and "
                            + to.length / 2);
        }
        int n = from.length / 2;
        double fx = 0, fy = 0, tx = 0, ty = 0;
        for (int i = 0; i < n; i++) {
            fx += from[2 * i];
            fy += from[2 * i + 1];
            tx += to[2 * i];
            ty += to[2 * i + 1];
        }
        fx /= n;
        fy /= n;
        tx /= n;
        ty /= n;
        double[][] h = new double[2][2];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            double ax = from[2 * i] - fx, ay = from[2 * i + 1] - fy;
            double bx = to[2 * i] - tx, by = to[2 * i + 1] - ty;
            h[0][0] += ax * bx;
            h[0][1] += ax * by;
            h[1][0] += ay * bx;
            h[1][1] += ay * by;
            norm += ax * ax + ay * ay;
        }
        if (norm == 0) {
            throw new IllegalArgumentException("All source points coincide: no similarity fits");
        }
        SingularValueDecomposition svd =
                new SingularValueDecomposition(new Array2DRowRealMatrix(h));
        RealMatrix u = svd.getU();
        RealMatrix v = svd.getV();
        double[] s = svd.getSingularValues();
        RealMatrix r = v.multiply(u.transpose());
        double det = r.getEntry(0, 0) * r.getEntry(1, 1) - r.getEntry(0, 1) * r.getEntry(1, 0);
        double trace = s[0] + s[1];
        if (det < 0) {
            // The best proper rotation flips the weaker singular direction.
            RealMatrix flip = new Array2DRowRealMatrix(new double[][] {{1, 0}, {0, -1}});
            r = v.multiply(flip).multiply(u.transpose());
            trace = s[0] - s[1];
        }
        double scale = trace / norm;
        double a = scale * r.getEntry(0, 0), b = scale * r.getEntry(0, 1);
        double d = scale * r.getEntry(1, 0), e = scale * r.getEntry(1, 1);
        return new Affine(a, b, tx - (a * fx + b * fy), d, e, ty - (d * fx + e * fy));
    }

    /**
     * Applies an affine to interleaved points.
     *
     * @param t the transform
     * @param xy the points
     * @return new transformed points
     */
    public static double[] apply(Affine t, double[] xy) {
        double[] out = new double[xy.length];
        for (int i = 0; i < xy.length; i += 2) {
            out[i] = t.applyX(xy[i], xy[i + 1]);
            out[i + 1] = t.applyY(xy[i], xy[i + 1]);
        }
        return out;
    }
}
