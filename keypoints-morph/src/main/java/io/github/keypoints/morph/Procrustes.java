package io.github.keypoints.morph;

import io.github.keypoints.data.Affine;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Generalised Procrustes analysis: aligns many shapes to their common mean by similarity
 * transforms, iterating "fit every shape to the mean, re-average" until the mean settles.
 *
 * <p>With each shape {@code z} centred and read as a complex vector, one such iteration multiplies
 * the mean by {@code S = Σ z z* / |z|²} and brings it back to unit size: a power iteration, whose
 * limit is the first shape's normalised projection onto the leading eigenvectors of {@code S}. It
 * settles within a few iterations when the shapes are alike; when they are not (the two leading
 * eigenvalues close) it can still be moving after {@value #MAX_ITERATIONS}, and then the mean is
 * that limit computed directly, from an eigen decomposition of {@code S}.
 *
 * @param mean the mean shape in the normalised frame (centred, unit root-sum-square size)
 * @param alignments for each input shape, the similarity from its pixels to the normalised frame
 */
public record Procrustes(double[] mean, List<Affine> alignments) {

    private static final int MAX_ITERATIONS = 50;
    private static final double TOLERANCE = 1e-12;

    /**
     * Copies the mean and the list.
     *
     * @param mean the mean shape in the normalised frame (centred, unit root-sum-square size)
     * @param alignments for each input shape, the similarity from its pixels to the normalised
     *     frame
     */
    public Procrustes {
        mean = mean.clone();
        alignments = List.copyOf(alignments);
    }

    /**
     * Aligns the shapes.
     *
     * @param shapes interleaved point sets, all of the same length, at least one
     * @return the mean and each shape's alignment
     */
    public static Procrustes align(List<double[]> shapes) {
        if (shapes.isEmpty()) {
            throw new IllegalArgumentException("Procrustes alignment needs at least one shape");
        }
        int len = shapes.get(0).length;
        for (int i = 0; i < shapes.size(); i++) {
            if (shapes.get(i).length != len) {
                throw new IllegalArgumentException(
                        "Shape "
                                + i
                                + " has "
                                + shapes.get(i).length / 2
                                + " points, shape 0 has "
                                + len / 2);
            }
        }
        double[] first = normalise(shapes.get(0));
        double[] mean = first;
        Affine[] fits = new Affine[shapes.size()];
        boolean settled = false;
        for (int iter = 0; iter < MAX_ITERATIONS && !settled; iter++) {
            double[] next = new double[len];
            for (int i = 0; i < shapes.size(); i++) {
                fits[i] = Similarity.fit(shapes.get(i), mean);
                double[] aligned = Similarity.apply(fits[i], shapes.get(i));
                for (int k = 0; k < len; k++) {
                    next[k] += aligned[k] / shapes.size();
                }
            }
            // Re-fit the new mean onto the old one so the frame does not drift or shrink.
            next = Similarity.apply(Similarity.fit(next, mean), next);
            next = normalise(next);
            double change = 0;
            for (int k = 0; k < len; k++) {
                change += (next[k] - mean[k]) * (next[k] - mean[k]);
            }
            mean = next;
            settled = change < TOLERANCE;
        }
        if (!settled) {
            mean = leadingMean(shapes, first);
        }
        for (int i = 0; i < shapes.size(); i++) {
            fits[i] = Similarity.fit(shapes.get(i), mean);
        }
        return new Procrustes(mean, List.of(fits));
    }

    /**
     * Returns the mean shape.
     *
     * @return a copy of the interleaved normalised mean
     */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /**
     * The iteration's limit: {@code start} projected onto the eigenvectors of {@code S = Σ z z* /
     * |z|²} (each shape {@code z} centred, as a complex vector) whose eigenvalue is the largest,
     * normalised. {@code S} is Hermitian; it is decomposed as the real symmetric matrix that acts
     * on interleaved (x, y) coordinates as {@code S} does on complex ones, where each complex
     * eigenvector stands as two real ones of the same eigenvalue.
     */
    static double[] leadingMean(List<double[]> shapes, double[] start) {
        int len = start.length;
        int n = len / 2;
        double[][] m = new double[len][len];
        for (double[] shape : shapes) {
            double[] c = normalise(shape);
            for (int j = 0; j < n; j++) {
                double xj = c[2 * j];
                double yj = c[2 * j + 1];
                for (int k = 0; k < n; k++) {
                    double xk = c[2 * k];
                    double yk = c[2 * k + 1];
                    // c_j * conj(c_k) = re + i im, acting on (x, y) as [[re, -im], [im, re]].
                    double re = xj * xk + yj * yk;
                    double im = yj * xk - xj * yk;
                    m[2 * j][2 * k] += re;
                    m[2 * j][2 * k + 1] -= im;
                    m[2 * j + 1][2 * k] += im;
                    m[2 * j + 1][2 * k + 1] += re;
                }
            }
        }
        EigenDecomposition eigen = new EigenDecomposition(new Array2DRowRealMatrix(m, false));
        double[] values = eigen.getRealEigenvalues();
        double top = Arrays.stream(values).max().orElseThrow();
        double[] projected = new double[len];
        double[] leading = null;
        for (int e = 0; e < values.length; e++) {
            if (values[e] < top * (1 - 1e-9)) {
                continue;
            }
            double[] v = eigen.getEigenvector(e).toArray();
            leading = leading == null ? v : leading;
            double dot = 0;
            for (int k = 0; k < len; k++) {
                dot += v[k] * start[k];
            }
            for (int k = 0; k < len; k++) {
                projected[k] += dot * v[k];
            }
        }
        double size = 0;
        for (double p : projected) {
            size += p * p;
        }
        // A start with no part along the leading eigenvectors (not met in practice): any of them.
        return normalise(size > 1e-24 ? projected : leading);
    }

    /** Centres a shape and scales it to unit root-sum-square size. */
    static double[] normalise(double[] xy) {
        int n = xy.length / 2;
        double cx = 0, cy = 0;
        for (int i = 0; i < n; i++) {
            cx += xy[2 * i] / n;
            cy += xy[2 * i + 1] / n;
        }
        double ss = 0;
        double[] out = new double[xy.length];
        for (int i = 0; i < n; i++) {
            out[2 * i] = xy[2 * i] - cx;
            out[2 * i + 1] = xy[2 * i + 1] - cy;
            ss += out[2 * i] * out[2 * i] + out[2 * i + 1] * out[2 * i + 1];
        }
        if (ss == 0) {
            throw new IllegalArgumentException("All points of the shape coincide");
        }
        double s = 1 / Math.sqrt(ss);
        for (int k = 0; k < out.length; k++) {
            out[k] *= s;
        }
        return out;
    }
}
