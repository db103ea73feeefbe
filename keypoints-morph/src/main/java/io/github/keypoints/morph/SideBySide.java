package io.github.keypoints.morph;

import io.github.keypoints.data.image.OpenCv;
import java.util.List;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Lays images out in one row, each under a caption: a group comparison picture. */
public final class SideBySide {

    private SideBySide() {}

    /**
     * Places the images left to right (all scaled to the first one's height) under a white caption
     * band.
     *
     * @param labels one caption per image
     * @param images the images, 3 channels, at least one
     * @return the labelled row
     */
    public static ImageBuffer labelled(List<String> labels, List<ImageBuffer> images) {
        if (images.isEmpty() || labels.size() != images.size()) {
            throw new IllegalArgumentException(
                    "Need one label per image and at least one image, found "
                            + labels.size()
                            + " labels for "
                            + images.size()
                            + " images");
        }
        OpenCv.load();
        int h = images.get(0).height();
        int band = Math.max(24, h / 12);
        double scale = band / 40.0;
        int total = 0;
        int[] widths = new int[images.size()];
        for (int i = 0; i < images.size(); i++) {
            ImageBuffer im = images.get(i);
            widths[i] = (int) Math.round((double) im.width() * h / im.height());
            total += widths[i];
        }
        Mat canvas =
                new Mat(h + band, total, org.opencv.core.CvType.CV_8UC3, new Scalar(255, 255, 255));
        try {
            int x = 0;
            for (int i = 0; i < images.size(); i++) {
                Mat m = images.get(i).toMat();
                Mat resized = new Mat();
                Mat colour = new Mat();
                try {
                    if (m.channels() == 1) {
                        Imgproc.cvtColor(m, colour, Imgproc.COLOR_GRAY2BGR);
                    } else {
                        m.copyTo(colour);
                    }
                    Imgproc.resize(
                            colour, resized, new Size(widths[i], h), 0, 0, Imgproc.INTER_AREA);
                    resized.copyTo(canvas.submat(band, band + h, x, x + widths[i]));
                    int[] baseline = new int[1];
                    Size ts =
                            Imgproc.getTextSize(
                                    labels.get(i),
                                    Imgproc.FONT_HERSHEY_SIMPLEX,
                                    scale,
                                    2,
                                    baseline);
                    Imgproc.putText(
                            canvas,
                            labels.get(i),
                            new Point(x + (widths[i] - ts.width) / 2, (band + ts.height) / 2),
                            Imgproc.FONT_HERSHEY_SIMPLEX,
                            scale,
                            new Scalar(0, 0, 0),
                            2,
                            Imgproc.LINE_AA);
                } finally {
                    m.release();
                    resized.release();
                    colour.release();
                }
                x += widths[i];
            }
            return ImageBuffer.fromMat(canvas);
        } finally {
            canvas.release();
        }
    }
}
