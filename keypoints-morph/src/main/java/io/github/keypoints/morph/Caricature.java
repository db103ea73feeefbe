package io.github.keypoints.morph;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Keypoints;

/**
 * Exaggerates (or softens) a face: its shape is pushed away from a reference mean shape by a factor
 * and the image is warped onto the pushed shape; the image border stays in place.
 */
public final class Caricature {

    private Caricature() {}

    /**
     * Returns the face's shape moved away from the mean: {@code mean + factor · (shape − mean)},
     * with the mean first fitted onto the face by a similarity transform.
     *
     * @param shape the face's keypoints
     * @param mean a mean shape with the same scheme, in any frame
     * @param factor 1 keeps the face, above 1 exaggerates, 0 gives the mean, between softens
     * @return the new shape in the face's pixels
     */
    public static Keypoints exaggerate(Keypoints shape, Keypoints mean, double factor) {
        if (!shape.scheme().equals(mean.scheme())) {
            throw new IllegalArgumentException(
                    "Face scheme " + shape.scheme() + " differs from mean scheme " + mean.scheme());
        }
        if (!Double.isFinite(factor)) {
            throw new IllegalArgumentException("factor must be finite, was " + factor);
        }
        double[] s = MorphChain.toDoubles(shape);
        double[] m = MorphChain.toDoubles(mean);
        Affine fit = Similarity.fit(m, s);
        double[] fitted = Similarity.apply(fit, m);
        double[] out = new double[s.length];
        for (int k = 0; k < s.length; k++) {
            out[k] = fitted[k] + factor * (s[k] - fitted[k]);
        }
        return Keypoints.of(shape.scheme(), out);
    }

    /**
     * Warps a face onto its exaggerated shape.
     *
     * @param face the face
     * @param mean the mean shape (any frame)
     * @param factor see {@link #exaggerate}
     * @return the caricature, the size of the face's image
     */
    public static ImageBuffer render(Face face, Keypoints mean, double factor) {
        Keypoints target = exaggerate(face.shape(), mean, factor);
        int w = face.image().width(), h = face.image().height();
        double[] border = FaceFrame.borderPoints(w, h);
        double[] src = MorphChain.concat(MorphChain.toDoubles(face.shape()), border);
        double[] dst = MorphChain.concat(MorphChain.toDoubles(target), border);
        double[] fitted =
                MorphChain.concat(MorphChain.toDoubles(exaggerate(face.shape(), mean, 0)), border);
        return PiecewiseAffineWarp.of(Triangulation.delaunay(fitted))
                .warp(face.image(), src, dst, w, h);
    }
}
