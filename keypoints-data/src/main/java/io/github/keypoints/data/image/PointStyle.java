package io.github.keypoints.data.image;

/**
 * How {@link KeypointOverlay} draws one set of points: colour, marker radius, filled or outlined,
 * and whether each point gets its index as a label.
 *
 * @param red red, 0–255
 * @param green green, 0–255
 * @param blue blue, 0–255
 * @param radius marker radius in pixels, at least 1
 * @param filled whether markers are filled discs (otherwise rings)
 * @param labels whether to write each point's index beside it
 */
public record PointStyle(int red, int green, int blue, int radius, boolean filled, boolean labels) {

    /** Filled green discs of radius 2, no labels: the default for ground truth. */
    public static final PointStyle GROUND_TRUTH = new PointStyle(0, 220, 0, 2, true, false);

    /** Red rings of radius 3, no labels: the default for predictions. */
    public static final PointStyle PREDICTION = new PointStyle(230, 30, 30, 3, false, false);

    /**
     * Validates the colour channels and radius.
     *
     * @param red see the record description
     * @param green see the record description
     * @param blue see the record description
     * @param radius see the record description
     * @param filled see the record description
     * @param labels see the record description
     */
    public PointStyle {
        for (int c : new int[] {red, green, blue}) {
            if (c < 0 || c > 255) {
                throw new IllegalArgumentException("Colour channels must be 0-255, found " + c);
            }
        }
        if (radius < 1) {
            throw new IllegalArgumentException("radius must be at least 1, was " + radius);
        }
    }

    /**
     * Returns this style with another radius.
     *
     * @param newRadius the radius in pixels
     * @return the new style
     */
    public PointStyle withRadius(int newRadius) {
        return new PointStyle(red, green, blue, newRadius, filled, labels);
    }

    /**
     * Returns this style with labels switched on or off.
     *
     * @param on whether to label points with their index
     * @return the new style
     */
    public PointStyle withLabels(boolean on) {
        return new PointStyle(red, green, blue, radius, filled, on);
    }
}
