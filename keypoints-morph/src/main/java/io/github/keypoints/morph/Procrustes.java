package io.github.keypoints.morph;

import io.github.keypoints.data.Affine;
import java.util.List;

/**
 * Generalised Procrustes analysis: aligns many shapes to their common mean by similarity
 * transforms, iterating "fit every shape to the mean, re-average" until the mean settles.
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
        double[] mean = normalise(shapes.get(0));
        Affine[] fits = new Affine[shapes.size()];
        for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
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
            if (change < TOLERANCE) {
                break;
            }
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
