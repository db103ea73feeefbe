package io.github.keypoints.data;

/**
 * An immutable 2-D affine transform {@code x' = a·x + b·y + c}, {@code y' = d·x + e·y + f}.
 *
 * <p>Its row-major 2×3 matrix {@code [[a, b, c], [d, e, f]]} is exactly the matrix OpenCV's {@code
 * warpAffine} takes, so one {@code Affine} moves the pixels and the keypoints alike.
 *
 * @param a row 0, column 0
 * @param b row 0, column 1
 * @param c row 0, column 2 (x translation)
 * @param d row 1, column 0
 * @param e row 1, column 1
 * @param f row 1, column 2 (y translation)
 */
public record Affine(double a, double b, double c, double d, double e, double f) {

    /** The identity transform. */
    public static final Affine IDENTITY = new Affine(1, 0, 0, 0, 1, 0);

    /**
     * Validates that every coefficient is finite.
     *
     * @param a row 0, column 0
     * @param b row 0, column 1
     * @param c row 0, column 2 (x translation)
     * @param d row 1, column 0
     * @param e row 1, column 1
     * @param f row 1, column 2 (y translation)
     */
    public Affine {
        if (!(Double.isFinite(a)
                && Double.isFinite(b)
                && Double.isFinite(c)
                && Double.isFinite(d)
                && Double.isFinite(e)
                && Double.isFinite(f))) {
            throw new IllegalArgumentException(
                    "Affine coefficients must be finite: "
                            // The parameters, not toArray(): the fields are not yet assigned.
                            + java.util.Arrays.toString(new double[] {a, b, c, d, e, f}));
        }
    }

    /**
     * Returns a translation.
     *
     * @param dx x shift in pixels
     * @param dy y shift in pixels
     * @return the translation
     */
    public static Affine translation(double dx, double dy) {
        return new Affine(1, 0, dx, 0, 1, dy);
    }

    /**
     * Returns a scaling about the origin.
     *
     * @param sx x scale factor
     * @param sy y scale factor
     * @return the scaling
     */
    public static Affine scaling(double sx, double sy) {
        return new Affine(sx, 0, 0, 0, sy, 0);
    }

    /**
     * Returns a rotation by {@code degrees} about ({@code cx}, {@code cy}) in image coordinates (y
     * down), with the same sign convention as OpenCV's {@code getRotationMatrix2D}: a positive
     * angle turns the picture counter-clockwise as it is seen on screen.
     *
     * @param degrees the angle in degrees
     * @param cx the centre x
     * @param cy the centre y
     * @return the rotation
     */
    public static Affine rotation(double degrees, double cx, double cy) {
        double rad = Math.toRadians(degrees);
        double cos = Math.cos(rad);
        double sin = Math.sin(rad);
        return new Affine(
                cos, sin, (1 - cos) * cx - sin * cy, -sin, cos, sin * cx + (1 - cos) * cy);
    }

    /**
     * Returns a horizontal mirror of an image {@code width} pixels wide, in the pixel-centre
     * convention: column {@code i} goes to column {@code width - 1 - i}.
     *
     * @param width the image width in pixels
     * @return the mirror transform
     */
    public static Affine horizontalFlip(int width) {
        return new Affine(-1, 0, width - 1, 0, 1, 0);
    }

    /**
     * Returns the affine that maps three source points exactly onto three target points.
     *
     * @param src six numbers {@code x0, y0, x1, y1, x2, y2}
     * @param dst six numbers, the images of {@code src}
     * @return the transform
     * @throws IllegalArgumentException if the source points are collinear
     */
    public static Affine fromTriangles(double[] src, double[] dst) {
        if (src.length != 6 || dst.length != 6) {
            throw new IllegalArgumentException("Expected 6 coordinates per triangle");
        }
        double x0 = src[0], y0 = src[1], x1 = src[2], y1 = src[3], x2 = src[4], y2 = src[5];
        double det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
        if (Math.abs(det) < 1e-12) {
            throw new IllegalArgumentException("Source triangle is degenerate (collinear points)");
        }
        Affine toUnit =
                new Affine(x1 - x0, x2 - x0, x0, y1 - y0, y2 - y0, y0).inverse(); // src -> (u, v)
        Affine fromUnit =
                new Affine(
                        dst[2] - dst[0],
                        dst[4] - dst[0],
                        dst[0],
                        dst[3] - dst[1],
                        dst[5] - dst[1],
                        dst[1]);
        return toUnit.then(fromUnit);
    }

    /**
     * Returns the transform that applies this one first and then {@code next}.
     *
     * @param next the transform applied second
     * @return {@code next ∘ this}
     */
    public Affine then(Affine next) {
        return new Affine(
                next.a * a + next.b * d,
                next.a * b + next.b * e,
                next.a * c + next.b * f + next.c,
                next.d * a + next.e * d,
                next.d * b + next.e * e,
                next.d * c + next.e * f + next.f);
    }

    /**
     * Returns the inverse transform.
     *
     * @return the inverse
     * @throws IllegalStateException if the transform is singular
     */
    public Affine inverse() {
        double det = determinant();
        if (Math.abs(det) < 1e-15) {
            throw new IllegalStateException("Affine is singular: " + this);
        }
        double ia = e / det;
        double ib = -b / det;
        double id = -d / det;
        double ie = a / det;
        return new Affine(ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f));
    }

    /**
     * Returns the determinant of the linear part (the area scale factor, negative for mirrors).
     *
     * @return {@code a·e − b·d}
     */
    public double determinant() {
        return a * e - b * d;
    }

    /**
     * Maps the x coordinate of a point.
     *
     * @param x the point's x
     * @param y the point's y
     * @return the transformed x
     */
    public double applyX(double x, double y) {
        return a * x + b * y + c;
    }

    /**
     * Maps the y coordinate of a point.
     *
     * @param x the point's x
     * @param y the point's y
     * @return the transformed y
     */
    public double applyY(double x, double y) {
        return d * x + e * y + f;
    }

    /**
     * Returns the row-major 2×3 matrix, the layout OpenCV's {@code warpAffine} takes.
     *
     * @return {@code {a, b, c, d, e, f}}
     */
    public double[] toArray() {
        return new double[] {a, b, c, d, e, f};
    }
}
