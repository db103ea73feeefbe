package io.github.keypoints.data.augment;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.preprocess.Preprocessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The operations drawn for one sample, accumulated before any pixel is touched: one affine (the
 * product of every geometric operation, in order), the point renumbering of the flips among them,
 * and the photometric operations.
 *
 * <p>Because the geometric operations are multiplied into one matrix, the image is resampled once
 * however many of them run. Photometric operations are per-pixel intensity maps, which commute with
 * the warp (up to 8-bit rounding at the extremes), so they are applied after it.
 *
 * <p>A plan is a mutable, single-threaded buffer: each sample gets its own.
 */
public final class AugmentationPlan {

    private final int width;
    private final int height;
    private final Keypoints source;
    private final Optional<Box> sourceFaceBox;
    private Affine affine = Affine.IDENTITY;
    private int[] permutation;
    private final List<PhotometricOp> photometric = new ArrayList<>();

    /**
     * Starts an empty plan for an image and its points.
     *
     * @param width the image width (the output keeps it)
     * @param height the image height
     * @param keypoints the points in the image's pixels
     * @param faceBox the face box in the image's pixels, if known
     */
    public AugmentationPlan(int width, int height, Keypoints keypoints, Optional<Box> faceBox) {
        this.width = width;
        this.height = height;
        this.source = Objects.requireNonNull(keypoints, "keypoints");
        this.sourceFaceBox = Objects.requireNonNull(faceBox, "faceBox");
        this.permutation = identity(keypoints.size());
    }

    /**
     * Returns the image width.
     *
     * @return the width in pixels
     */
    public int width() {
        return width;
    }

    /**
     * Returns the image height.
     *
     * @return the height in pixels
     */
    public int height() {
        return height;
    }

    /**
     * Appends a geometric transform, applied after those planned so far.
     *
     * @param transform the transform in current output pixels
     */
    public void transform(Affine transform) {
        affine = affine.then(transform);
    }

    /**
     * Appends a horizontal mirror: the pixel-centre flip of the image and the scheme's point
     * renumbering (the left eye's points become the right eye's).
     */
    public void flipHorizontally() {
        affine = affine.then(Affine.horizontalFlip(width));
        int[] flip = source.scheme().flipPermutation();
        int[] next = new int[permutation.length];
        for (int i = 0; i < next.length; i++) {
            next[i] = permutation[flip[i]];
        }
        permutation = next;
    }

    /**
     * Appends a photometric operation.
     *
     * @param op the pixel operation
     */
    public void addPhotometric(PhotometricOp op) {
        photometric.add(Objects.requireNonNull(op, "op"));
    }

    /**
     * Returns the product of the geometric operations planned so far.
     *
     * @return the source-to-output transform
     */
    public Affine affine() {
        return affine;
    }

    /**
     * Returns the point renumbering planned so far: output point {@code i} is source point {@code
     * permutation()[i]}.
     *
     * @return a copy of the permutation
     */
    public int[] permutation() {
        return permutation.clone();
    }

    /**
     * Returns the photometric operations, in order.
     *
     * @return an unmodifiable view
     */
    public List<PhotometricOp> photometricOps() {
        return List.copyOf(photometric);
    }

    /**
     * Returns the keypoints as the plan so far places them.
     *
     * @return the transformed and renumbered points
     */
    public Keypoints keypoints() {
        return source.transform(affine).permute(permutation);
    }

    /**
     * Returns the face box as the plan so far places it (the bounds of its moved corners), or the
     * moved bounding box of the points when no face box is known.
     *
     * @return the face box in output pixels
     */
    public Box faceBox() {
        return Preprocessor.transformBox(sourceFaceBox.orElseGet(source::boundingBox), affine);
    }

    /**
     * Returns a centre in current output pixels.
     *
     * @param center which centre
     * @return {@code {x, y}}
     */
    public double[] center(Center center) {
        switch (center) {
            case IMAGE:
                return new double[] {(width - 1) / 2.0, (height - 1) / 2.0};
            case FACE_BOX:
                {
                    Box b = sourceFaceBox.orElseGet(source::boundingBox);
                    return apply(b.centerX(), b.centerY());
                }
            case KEYPOINT_CENTROID:
                {
                    double sx = 0;
                    double sy = 0;
                    for (int i = 0; i < source.size(); i++) {
                        sx += source.x(i);
                        sy += source.y(i);
                    }
                    return apply(sx / source.size(), sy / source.size());
                }
            default:
                throw new IllegalArgumentException("Unknown centre " + center);
        }
    }

    private double[] apply(double x, double y) {
        return new double[] {affine.applyX(x, y), affine.applyY(x, y)};
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }
}
