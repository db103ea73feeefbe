package io.github.keypoints.morph;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Keypoints;
import java.util.List;

/**
 * The common output frame faces are aligned to before they are morphed: its size and where the
 * scheme's two normaliser points (the outer eye corners) go. Each face is mapped into it by the
 * similarity transform (rotation, uniform scale, translation) that puts its eye corners exactly
 * there, so a chain of faces does not jump from face to face.
 *
 * @param width the frame width in pixels
 * @param height the frame height in pixels
 * @param eye0x where the scheme's first normaliser point goes, x
 * @param eye0y where the first normaliser point goes, y
 * @param eye1x where the second normaliser point goes, x
 * @param eye1y where the second normaliser point goes, y
 */
public record FaceFrame(
        int width, int height, double eye0x, double eye0y, double eye1x, double eye1y) {

    /**
     * Validates the size and that the two eye targets differ.
     *
     * @param width the frame width in pixels
     * @param height the frame height in pixels
     * @param eye0x where the scheme's first normaliser point goes, x
     * @param eye0y where the first normaliser point goes, y
     * @param eye1x where the second normaliser point goes, x
     * @param eye1y where the second normaliser point goes, y
     */
    public FaceFrame {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(
                    "Frame size must be positive, was " + width + "x" + height);
        }
        if (eye0x == eye1x && eye0y == eye1y) {
            throw new IllegalArgumentException("The two eye targets must differ");
        }
    }

    /**
     * Returns a frame whose eye targets are the faces' mean eye positions, each taken relative to
     * its own image size and scaled to {@code width × height}.
     *
     * @param faces the faces, at least one, with a scheme that has normaliser points
     * @param width the frame width
     * @param height the frame height
     * @return the frame
     */
    public static FaceFrame fitting(List<Face> faces, int width, int height) {
        if (faces.isEmpty()) {
            throw new IllegalArgumentException("Need at least one face to fit a frame");
        }
        double[] sum = new double[4];
        for (Face f : faces) {
            int[] eyes = eyes(f.shape());
            double sx = (double) width / f.image().width();
            double sy = (double) height / f.image().height();
            sum[0] += f.shape().x(eyes[0]) * sx;
            sum[1] += f.shape().y(eyes[0]) * sy;
            sum[2] += f.shape().x(eyes[1]) * sx;
            sum[3] += f.shape().y(eyes[1]) * sy;
        }
        int n = faces.size();
        return new FaceFrame(width, height, sum[0] / n, sum[1] / n, sum[2] / n, sum[3] / n);
    }

    /**
     * Returns this frame with the eye targets moved away from (zoom above 1) or toward the frame's
     * centre, so faces fill more (or less) of the frame.
     *
     * @param zoom the factor, positive
     * @return the zoomed frame
     */
    public FaceFrame zoomed(double zoom) {
        if (!(zoom > 0) || !Double.isFinite(zoom)) {
            throw new IllegalArgumentException("zoom must be positive, was " + zoom);
        }
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
        return new FaceFrame(
                width,
                height,
                cx + (eye0x - cx) * zoom,
                cy + (eye0y - cy) * zoom,
                cx + (eye1x - cx) * zoom,
                cy + (eye1y - cy) * zoom);
    }

    /**
     * Returns the similarity transform that maps the shape's two normaliser points exactly onto
     * this frame's eye targets.
     *
     * @param shape keypoints in their image's pixels
     * @return the alignment, from image pixels to frame pixels
     * @throws IllegalArgumentException if the scheme has no normaliser points or they coincide
     */
    public Affine alignment(Keypoints shape) {
        int[] eyes = eyes(shape);
        return Similarity.fromTwoPoints(
                shape.x(eyes[0]),
                shape.y(eyes[0]),
                shape.x(eyes[1]),
                shape.y(eyes[1]),
                eye0x,
                eye0y,
                eye1x,
                eye1y);
    }

    /**
     * Returns the frame's 4 corners and 4 edge midpoints, on the outer edges of the border pixels
     * (−0.5 and size − 0.5), so triangles through them cover every pixel of the frame.
     *
     * @return 16 interleaved coordinates
     */
    public double[] borderPoints() {
        return borderPoints(width, height);
    }

    /**
     * Returns the 4 corners and 4 edge midpoints of an image of the given size.
     *
     * @param width the width
     * @param height the height
     * @return 16 interleaved coordinates
     */
    public static double[] borderPoints(int width, int height) {
        double l = -0.5, t = -0.5, r = width - 0.5, b = height - 0.5;
        double mx = (l + r) / 2, my = (t + b) / 2;
        return new double[] {l, t, mx, t, r, t, r, my, r, b, mx, b, l, b, l, my};
    }

    static int[] eyes(Keypoints shape) {
        int[] eyes = shape.scheme().normalizerIndices();
        if (eyes.length != 2) {
            throw new IllegalArgumentException(
                    "Scheme "
                            + shape.scheme().name()
                            + " has no normaliser (eye corner) points to align faces on");
        }
        return eyes;
    }
}
