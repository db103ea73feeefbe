package io.github.keypoints.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable set of N facial keypoints in pixel coordinates of the image they belong to, with the
 * {@link LandmarkScheme} that says what each point is.
 *
 * <p>Pixel coordinates follow the OpenCV convention: the centre of the top-left pixel is (0, 0), x
 * grows to the right and y downwards. Every geometric operation returns a new instance.
 */
public final class Keypoints {

    private final LandmarkScheme scheme;
    private final float[] xy;

    private Keypoints(LandmarkScheme scheme, float[] xy) {
        this.scheme = Objects.requireNonNull(scheme, "scheme");
        if (xy.length != 2 * scheme.size()) {
            throw new IllegalArgumentException(
                    "Scheme "
                            + scheme.name()
                            + " has "
                            + scheme.size()
                            + " points, but "
                            + xy.length / 2
                            + " were given");
        }
        for (int i = 0; i < xy.length; i++) {
            if (!Float.isFinite(xy[i])) {
                throw new IllegalArgumentException(
                        "Point " + i / 2 + " has a non-finite coordinate: " + xy[i]);
            }
        }
        this.xy = xy;
    }

    /**
     * Creates keypoints from interleaved coordinates {@code x0, y0, x1, y1, …}.
     *
     * @param scheme the markup
     * @param xy 2N coordinates in pixels; copied
     * @return the keypoints
     * @throws IllegalArgumentException if the count does not match the scheme or a value is not
     *     finite
     */
    public static Keypoints of(LandmarkScheme scheme, float[] xy) {
        return new Keypoints(scheme, xy.clone());
    }

    /**
     * Creates keypoints from interleaved double coordinates.
     *
     * @param scheme the markup
     * @param xy 2N coordinates in pixels
     * @return the keypoints
     */
    public static Keypoints of(LandmarkScheme scheme, double[] xy) {
        float[] f = new float[xy.length];
        for (int i = 0; i < xy.length; i++) {
            f[i] = (float) xy[i];
        }
        return new Keypoints(scheme, f);
    }

    /**
     * Creates keypoints from coordinates relative to an image size (0..1 across the image), as IMM
     * annotations store them.
     *
     * @param scheme the markup
     * @param relative 2N relative coordinates
     * @param width the image width in pixels
     * @param height the image height in pixels
     * @return the keypoints in pixels
     */
    public static Keypoints fromRelative(
            LandmarkScheme scheme, float[] relative, double width, double height) {
        float[] f = new float[relative.length];
        for (int i = 0; i < relative.length; i += 2) {
            f[i] = (float) (relative[i] * width);
            f[i + 1] = (float) (relative[i + 1] * height);
        }
        return new Keypoints(scheme, f);
    }

    /**
     * Returns the markup.
     *
     * @return the scheme
     */
    public LandmarkScheme scheme() {
        return scheme;
    }

    /**
     * Returns the number of points.
     *
     * @return N
     */
    public int size() {
        return xy.length / 2;
    }

    /**
     * Returns the x of point {@code i}.
     *
     * @param i the point index
     * @return x in pixels
     */
    public float x(int i) {
        return xy[2 * i];
    }

    /**
     * Returns the y of point {@code i}.
     *
     * @param i the point index
     * @return y in pixels
     */
    public float y(int i) {
        return xy[2 * i + 1];
    }

    /**
     * Returns the interleaved coordinates {@code x0, y0, x1, y1, …}.
     *
     * @return a copy
     */
    public float[] toArray() {
        return xy.clone();
    }

    /**
     * Returns the coordinates relative to an image size (x / width, y / height).
     *
     * @param width the image width
     * @param height the image height
     * @return 2N relative coordinates
     */
    public float[] toRelative(double width, double height) {
        float[] r = new float[xy.length];
        for (int i = 0; i < xy.length; i += 2) {
            r[i] = (float) (xy[i] / width);
            r[i + 1] = (float) (xy[i + 1] / height);
        }
        return r;
    }

    /**
     * Applies an affine transform to every point.
     *
     * @param t the transform
     * @return the transformed keypoints
     */
    public Keypoints transform(Affine t) {
        float[] out = new float[xy.length];
        for (int i = 0; i < xy.length; i += 2) {
            double x = xy[i];
            double y = xy[i + 1];
            out[i] = (float) t.applyX(x, y);
            out[i + 1] = (float) t.applyY(x, y);
        }
        return new Keypoints(scheme, out);
    }

    /**
     * Scales every coordinate.
     *
     * @param sx x factor
     * @param sy y factor
     * @return the scaled keypoints
     */
    public Keypoints scale(double sx, double sy) {
        return transform(Affine.scaling(sx, sy));
    }

    /**
     * Mirrors the points of a face in an image {@code width} pixels wide and renumbers them with
     * the scheme's flip permutation, so that point 36 (right eye outer corner) of the result is the
     * mirror image of point 45 of this face. Applying it twice returns the original.
     *
     * @param width the image width in pixels
     * @return the mirrored keypoints
     */
    public Keypoints flipHorizontally(int width) {
        return transform(Affine.horizontalFlip(width)).permute(scheme.flipPermutation());
    }

    /**
     * Reorders the points: point {@code i} of the result is point {@code perm[i]} of this.
     *
     * @param perm the source index of each output point
     * @return the reordered keypoints, same scheme
     */
    public Keypoints permute(int[] perm) {
        if (perm.length != size()) {
            throw new IllegalArgumentException("permutation has wrong length " + perm.length);
        }
        float[] out = new float[xy.length];
        for (int i = 0; i < perm.length; i++) {
            out[2 * i] = xy[2 * perm[i]];
            out[2 * i + 1] = xy[2 * perm[i] + 1];
        }
        return new Keypoints(scheme, out);
    }

    /**
     * Returns the tight bounding box of the points.
     *
     * @return the box
     */
    public Box boundingBox() {
        float minX = Float.POSITIVE_INFINITY;
        float minY = Float.POSITIVE_INFINITY;
        float maxX = Float.NEGATIVE_INFINITY;
        float maxY = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < xy.length; i += 2) {
            minX = Math.min(minX, xy[i]);
            maxX = Math.max(maxX, xy[i]);
            minY = Math.min(minY, xy[i + 1]);
            maxY = Math.max(maxY, xy[i + 1]);
        }
        return new Box(minX, minY, maxX - minX, maxY - minY);
    }

    /**
     * Reduces these keypoints to a subset scheme whose {@link LandmarkScheme#parent()} is this
     * scheme (for example IMM 58 to the nose tip).
     *
     * @param target the subset scheme
     * @return the selected points, or this if the scheme is already {@code target}
     * @throws IllegalArgumentException if {@code target} is not a subset of this scheme
     */
    public Keypoints toScheme(LandmarkScheme target) {
        if (target.equals(scheme)) {
            return this;
        }
        if (!scheme.name().equals(target.parent())) {
            throw new IllegalArgumentException(
                    "Cannot convert " + scheme.name() + " keypoints to " + target.name());
        }
        int[] idx = target.parentIndices();
        float[] out = new float[2 * idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[2 * i] = xy[2 * idx[i]];
            out[2 * i + 1] = xy[2 * idx[i] + 1];
        }
        return new Keypoints(target, out);
    }

    /**
     * Returns the mean Euclidean distance between corresponding points.
     *
     * @param other keypoints of the same size
     * @return the mean point error in pixels
     */
    public double meanDistance(Keypoints other) {
        if (other.size() != size()) {
            throw new IllegalArgumentException(
                    "Point counts differ: " + size() + " vs " + other.size());
        }
        double sum = 0;
        for (int i = 0; i < size(); i++) {
            sum += Math.hypot(x(i) - other.x(i), y(i) - other.y(i));
        }
        return sum / size();
    }

    /**
     * Returns the largest distance between corresponding points.
     *
     * @param other keypoints of the same size
     * @return the maximum point error in pixels
     */
    public double maxDistance(Keypoints other) {
        if (other.size() != size()) {
            throw new IllegalArgumentException(
                    "Point counts differ: " + size() + " vs " + other.size());
        }
        double max = 0;
        for (int i = 0; i < size(); i++) {
            max = Math.max(max, Math.hypot(x(i) - other.x(i), y(i) - other.y(i)));
        }
        return max;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Keypoints)) {
            return false;
        }
        Keypoints k = (Keypoints) o;
        return scheme.equals(k.scheme) && Arrays.equals(xy, k.xy);
    }

    @Override
    public int hashCode() {
        return 31 * scheme.hashCode() + Arrays.hashCode(xy);
    }

    @Override
    public String toString() {
        return "Keypoints[" + scheme.name() + ", " + size() + " points]";
    }
}
