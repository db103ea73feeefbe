package io.github.keypoints.data.image;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/**
 * Draws keypoints, optionally a second set (a prediction beside the ground truth) and a face box
 * onto an 8-bit BGR OpenCV image, in place.
 * <!-- snippet-context: Mat image; Keypoints truth; Keypoints prediction; Box box; -->
 *
 * <pre>{@code
 * KeypointOverlay overlay = KeypointOverlay.builder()
 *         .optSecondStyle(PointStyle.PREDICTION.withLabels(true))
 *         .build();
 * overlay.draw(image, truth, prediction);
 * overlay.drawBox(image, box);
 * }</pre>
 */
public final class KeypointOverlay {

    private final PointStyle firstStyle;
    private final PointStyle secondStyle;
    private final Scalar boxColor;
    private final int boxThickness;

    private KeypointOverlay(Builder b) {
        this.firstStyle = b.first;
        this.secondStyle = b.second;
        this.boxColor = new Scalar(b.boxRgb[2], b.boxRgb[1], b.boxRgb[0]);
        this.boxThickness = b.boxThickness;
    }

    /**
     * Returns a builder with the default styles ({@link PointStyle#GROUND_TRUTH}, {@link
     * PointStyle#PREDICTION}, a yellow box one pixel wide).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Draws one set of points in the first style.
     *
     * @param image an 8-bit, 3-channel BGR image; drawn on in place
     * @param points the points in that image's pixels
     */
    public void draw(Mat image, Keypoints points) {
        drawPoints(image, points, firstStyle);
    }

    /**
     * Draws the ground truth in the first style and a prediction over it in the second style.
     *
     * @param image an 8-bit, 3-channel BGR image; drawn on in place
     * @param truth the reference points
     * @param prediction the predicted points, in the same pixels
     */
    public void draw(Mat image, Keypoints truth, Keypoints prediction) {
        drawPoints(image, truth, firstStyle);
        drawPoints(image, prediction, secondStyle);
    }

    /**
     * Draws points in any style.
     *
     * @param image an 8-bit, 3-channel BGR image; drawn on in place
     * @param points the points in that image's pixels
     * @param style how to draw them
     */
    public void drawPoints(Mat image, Keypoints points, PointStyle style) {
        checkImage(image);
        OpenCv.load();
        Scalar color = new Scalar(style.blue(), style.green(), style.red());
        int thickness = style.filled() ? -1 : Math.max(1, style.radius() / 3);
        double fontScale = Math.max(0.3, style.radius() * 0.15);
        for (int i = 0; i < points.size(); i++) {
            Point p = new Point(points.x(i), points.y(i));
            Imgproc.circle(image, p, style.radius(), color, thickness, Imgproc.LINE_AA);
            if (style.labels()) {
                Imgproc.putText(
                        image,
                        Integer.toString(i),
                        new Point(p.x + style.radius() + 1, p.y - style.radius() - 1),
                        Imgproc.FONT_HERSHEY_SIMPLEX,
                        fontScale,
                        color,
                        1,
                        Imgproc.LINE_AA);
            }
        }
    }

    /**
     * Draws a box outline.
     *
     * @param image an 8-bit, 3-channel BGR image; drawn on in place
     * @param box the box in that image's pixels
     */
    public void drawBox(Mat image, Box box) {
        checkImage(image);
        OpenCv.load();
        Imgproc.rectangle(
                image,
                new Point(box.x(), box.y()),
                new Point(box.right(), box.bottom()),
                boxColor,
                boxThickness,
                Imgproc.LINE_AA);
    }

    private static void checkImage(Mat image) {
        if (image.empty() || image.type() != CvType.CV_8UC3) {
            throw new IllegalArgumentException(
                    "Expected a non-empty 8-bit BGR image (CV_8UC3), found "
                            + (image.empty()
                                    ? "an empty image"
                                    : CvType.typeToString(image.type())));
        }
    }

    /** Builds a {@link KeypointOverlay}; every setting is optional. */
    public static final class Builder {
        private PointStyle first = PointStyle.GROUND_TRUTH;
        private PointStyle second = PointStyle.PREDICTION;
        private int[] boxRgb = {255, 220, 0};
        private int boxThickness = 1;

        private Builder() {}

        /**
         * Sets the style of the first (ground-truth) set.
         *
         * @param style the style
         * @return this builder
         */
        public Builder optFirstStyle(PointStyle style) {
            this.first = java.util.Objects.requireNonNull(style, "style");
            return this;
        }

        /**
         * Sets the style of the second (prediction) set.
         *
         * @param style the style
         * @return this builder
         */
        public Builder optSecondStyle(PointStyle style) {
            this.second = java.util.Objects.requireNonNull(style, "style");
            return this;
        }

        /**
         * Sets the box colour and line thickness.
         *
         * @param red red, 0–255
         * @param green green, 0–255
         * @param blue blue, 0–255
         * @param thickness line thickness in pixels, at least 1
         * @return this builder
         */
        public Builder optBox(int red, int green, int blue, int thickness) {
            new PointStyle(red, green, blue, 1, true, false); // validates the channels
            if (thickness < 1) {
                throw new IllegalArgumentException("box thickness must be >= 1, was " + thickness);
            }
            this.boxRgb = new int[] {red, green, blue};
            this.boxThickness = thickness;
            return this;
        }

        /**
         * Builds the overlay.
         *
         * @return the overlay
         */
        public KeypointOverlay build() {
            return new KeypointOverlay(this);
        }
    }
}
