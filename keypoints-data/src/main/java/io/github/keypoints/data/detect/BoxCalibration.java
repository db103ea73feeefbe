package io.github.keypoints.data.detect;

import io.github.keypoints.data.Box;
import java.util.List;

/**
 * Maps a face detector's box onto the box a landmark model expects (the tight box of the face's
 * landmarks): the centre moves by a fraction of the box's size and each side is scaled.
 *
 * <p>For a detector box {@code (x, y, w, h)} with centre {@code (cx, cy)}, the calibrated box has
 * centre {@code (cx + offsetX·w, cy + offsetY·h)} and size {@code (scaleX·w, scaleY·h)}. The values
 * are fitted once per detector on annotated faces (the mean ratio of the landmarks' tight box to
 * the matched detection), see {@link CascadeFaceFinder#DEFAULT_CALIBRATION}.
 *
 * @param scaleX landmark-box width over detection width, positive
 * @param scaleY landmark-box height over detection height, positive
 * @param offsetX horizontal centre offset as a fraction of the detection width
 * @param offsetY vertical centre offset as a fraction of the detection height
 */
public record BoxCalibration(double scaleX, double scaleY, double offsetX, double offsetY) {

    /** The calibration that keeps boxes as they are. */
    public static final BoxCalibration IDENTITY = new BoxCalibration(1, 1, 0, 0);

    /**
     * Validates the values.
     *
     * @param scaleX landmark-box width over detection width, positive
     * @param scaleY landmark-box height over detection height, positive
     * @param offsetX horizontal centre offset as a fraction of the detection width
     * @param offsetY vertical centre offset as a fraction of the detection height
     */
    public BoxCalibration {
        if (!(scaleX > 0) || !(scaleY > 0) || !Double.isFinite(scaleX + scaleY)) {
            throw new IllegalArgumentException(
                    "calibration scales must be positive and finite, got "
                            + scaleX
                            + ", "
                            + scaleY);
        }
        if (!Double.isFinite(offsetX) || !Double.isFinite(offsetY)) {
            throw new IllegalArgumentException(
                    "calibration offsets must be finite, got " + offsetX + ", " + offsetY);
        }
    }

    /**
     * Fits a calibration to pairs of detections and the landmark boxes they should become: the mean
     * size ratios and the mean centre offsets (as fractions of the detection).
     *
     * @param detections the detector's boxes
     * @param targets the landmark boxes, one per detection
     * @return the calibration
     * @throws IllegalArgumentException if the lists are empty or differ in length
     */
    public static BoxCalibration fit(List<Box> detections, List<Box> targets) {
        if (detections.isEmpty() || detections.size() != targets.size()) {
            throw new IllegalArgumentException(
                    "need as many targets as detections, at least one; got "
                            + detections.size()
                            + " and "
                            + targets.size());
        }
        double sx = 0;
        double sy = 0;
        double ox = 0;
        double oy = 0;
        for (int i = 0; i < detections.size(); i++) {
            Box d = detections.get(i);
            Box t = targets.get(i);
            sx += t.width() / d.width();
            sy += t.height() / d.height();
            ox += (t.centerX() - d.centerX()) / d.width();
            oy += (t.centerY() - d.centerY()) / d.height();
        }
        int n = detections.size();
        return new BoxCalibration(sx / n, sy / n, ox / n, oy / n);
    }

    /**
     * Applies the calibration to a detection.
     *
     * @param detection the detector's box
     * @return the expected landmark box
     */
    public Box apply(Box detection) {
        double w = detection.width() * scaleX;
        double h = detection.height() * scaleY;
        double cx = detection.centerX() + offsetX * detection.width();
        double cy = detection.centerY() + offsetY * detection.height();
        return new Box(cx - w / 2, cy - h / 2, w, h);
    }
}
