package io.github.keypoints.data;

/**
 * An immutable axis-aligned rectangle in pixel coordinates, such as a face box.
 *
 * @param x the left edge
 * @param y the top edge
 * @param width the width, at least zero
 * @param height the height, at least zero
 */
public record Box(double x, double y, double width, double height) {

    /**
     * Validates that the box is finite and not negative in size.
     *
     * @param x the left edge
     * @param y the top edge
     * @param width the width, at least zero
     * @param height the height, at least zero
     */
    public Box {
        if (!(Double.isFinite(x)
                && Double.isFinite(y)
                && Double.isFinite(width)
                && Double.isFinite(height))) {
            throw new IllegalArgumentException(
                    "Box must be finite: " + x + "," + y + "," + width + "," + height);
        }
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException(
                    "Box size must not be negative: " + width + "x" + height);
        }
    }

    /**
     * Parses {@code "x,y,w,h"}.
     *
     * @param text four comma-separated numbers
     * @return the box
     * @throws IllegalArgumentException naming the text if it is not four numbers
     */
    public static Box parse(String text) {
        String[] parts = text.trim().split("\\s*,\\s*");
        if (parts.length != 4) {
            throw new IllegalArgumentException(
                    "Expected a box as x,y,w,h (4 numbers), found '" + text + "'");
        }
        try {
            return new Box(
                    Double.parseDouble(parts[0]),
                    Double.parseDouble(parts[1]),
                    Double.parseDouble(parts[2]),
                    Double.parseDouble(parts[3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Expected a box as x,y,w,h (4 numbers), found '" + text + "'", e);
        }
    }

    /**
     * Returns the right edge.
     *
     * @return {@code x + width}
     */
    public double right() {
        return x + width;
    }

    /**
     * Returns the bottom edge.
     *
     * @return {@code y + height}
     */
    public double bottom() {
        return y + height;
    }

    /**
     * Returns the centre x.
     *
     * @return {@code x + width / 2}
     */
    public double centerX() {
        return x + width / 2;
    }

    /**
     * Returns the centre y.
     *
     * @return {@code y + height / 2}
     */
    public double centerY() {
        return y + height / 2;
    }

    /**
     * Returns this box grown about its centre by {@code factor} (1 keeps it, 1.2 adds 10% on each
     * side).
     *
     * @param factor the scale factor, positive
     * @return the scaled box
     */
    public Box scaleAboutCenter(double factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("factor must be positive, was " + factor);
        }
        double w = width * factor;
        double h = height * factor;
        return new Box(centerX() - w / 2, centerY() - h / 2, w, h);
    }

    /**
     * Returns the box with the same centre, widened or heightened to the aspect ratio {@code width
     * / height} of {@code aspect} (never shrunk), so a crop resized to a network input is not
     * distorted.
     *
     * @param aspect the wanted width / height ratio
     * @return the expanded box
     */
    public Box expandToAspect(double aspect) {
        if (!(aspect > 0)) {
            throw new IllegalArgumentException("aspect must be positive, was " + aspect);
        }
        double w = width;
        double h = height;
        if (w / h < aspect) {
            w = h * aspect;
        } else {
            h = w / aspect;
        }
        return new Box(centerX() - w / 2, centerY() - h / 2, w, h);
    }

    /**
     * Tells whether a point lies inside or on the box.
     *
     * @param px the point's x
     * @param py the point's y
     * @return whether the point is inside
     */
    public boolean contains(double px, double py) {
        return px >= x && px <= right() && py >= y && py <= bottom();
    }

    /**
     * Returns the intersection over union of this box and another (0 when they do not overlap, 1
     * when they are equal): how detections are matched to annotated faces.
     *
     * @param other the other box
     * @return the ratio in {@code [0, 1]}
     */
    public double iou(Box other) {
        double iw = Math.min(right(), other.right()) - Math.max(x, other.x);
        double ih = Math.min(bottom(), other.bottom()) - Math.max(y, other.y);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        return inter / (width * height + other.width * other.height - inter);
    }

    /**
     * Returns {@code "x,y,w,h"}, the form {@link #parse} reads.
     *
     * @return the text form
     */
    public String toCsv() {
        return fmt(x) + "," + fmt(y) + "," + fmt(width) + "," + fmt(height);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
