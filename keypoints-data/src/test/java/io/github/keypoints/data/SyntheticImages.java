package io.github.keypoints.data;

import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.OpenCv;
import java.nio.file.Path;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/** Synthetic test images: Gaussian dots at keypoints, found again by their centroids. */
public final class SyntheticImages {

    /**
     * A six-point markup (two eyes, two mouth corners, nose and chin) with a mirror map, small
     * enough for well-separated dots.
     */
    public static final LandmarkScheme SIX =
            LandmarkScheme.builder()
                    .setName("six")
                    .setPointNames(
                            List.of(
                                    "eye_right",
                                    "eye_left",
                                    "nose",
                                    "mouth_right",
                                    "mouth_left",
                                    "chin"))
                    .addGroup("eye_right", 0)
                    .addGroup("eye_left", 1)
                    .addGroup("nose", 2)
                    .addGroup("mouth_right", 3)
                    .addGroup("mouth_left", 4)
                    .addGroup("chin", 5)
                    .optFlipPermutation(1, 0, 2, 4, 3, 5)
                    .build();

    private SyntheticImages() {}

    /**
     * Generates {@code n} coordinates in {@code [0, max]}.
     *
     * @param n the array length
     * @param max the largest coordinate
     * @return the arbitrary
     */
    public static net.jqwik.api.Arbitrary<float[]> coordinates(int n, float max) {
        return net.jqwik.api.Arbitraries.floats().between(0, max).array(float[].class).ofSize(n);
    }

    /**
     * Renders a black 8-bit gray image with a Gaussian dot (peak 250) centred exactly at each
     * keypoint, sub-pixel positions included.
     *
     * @param width the image width
     * @param height the image height
     * @param points the dot centres
     * @param sigma the dot radius (standard deviation) in pixels
     * @return a new image the caller releases
     */
    public static Mat dots(int width, int height, Keypoints points, double sigma) {
        OpenCv.load();
        float[] acc = new float[width * height];
        int reach = (int) Math.ceil(4 * sigma);
        for (int i = 0; i < points.size(); i++) {
            double px = points.x(i);
            double py = points.y(i);
            int cx = (int) Math.round(px);
            int cy = (int) Math.round(py);
            for (int y = Math.max(0, cy - reach); y <= Math.min(height - 1, cy + reach); y++) {
                for (int x = Math.max(0, cx - reach); x <= Math.min(width - 1, cx + reach); x++) {
                    double d2 = (x - px) * (x - px) + (y - py) * (y - py);
                    acc[y * width + x] += (float) (250 * Math.exp(-d2 / (2 * sigma * sigma)));
                }
            }
        }
        byte[] bytes = new byte[acc.length];
        for (int i = 0; i < acc.length; i++) {
            bytes[i] = (byte) Math.min(255, Math.round(acc[i]));
        }
        Mat m = new Mat(height, width, CvType.CV_8UC1);
        m.put(0, 0, bytes);
        return m;
    }

    /**
     * Returns the intensity-weighted centroid of the square window of half-size {@code radius}
     * around ({@code x}, {@code y}) in an 8-bit gray image.
     *
     * @param image the image
     * @param x the window centre x
     * @param y the window centre y
     * @param radius the window half-size in pixels
     * @return {@code {cx, cy}}, or {@code null} if the window holds no intensity
     */
    public static double[] centroid(Mat image, double x, double y, int radius) {
        int w = image.cols();
        byte[] bytes = new byte[(int) image.total()];
        image.get(0, 0, bytes);
        int cx = (int) Math.round(x);
        int cy = (int) Math.round(y);
        double sum = 0;
        double sx = 0;
        double sy = 0;
        for (int j = Math.max(0, cy - radius); j <= Math.min(image.rows() - 1, cy + radius); j++) {
            for (int i = Math.max(0, cx - radius); i <= Math.min(w - 1, cx + radius); i++) {
                double v = bytes[j * w + i] & 0xff;
                sum += v;
                sx += v * i;
                sy += v * j;
            }
        }
        return sum == 0 ? null : new double[] {sx / sum, sy / sum};
    }

    /**
     * Writes a dot image for the points into a PNG and returns the sample pointing at it.
     *
     * @param dir the directory
     * @param id the sample id and file stem
     * @param width the image width
     * @param height the image height
     * @param points the points (and dot centres)
     * @param sigma the dot radius
     * @return the sample
     */
    public static FaceSample writeDotSample(
            Path dir, String id, int width, int height, Keypoints points, double sigma) {
        Mat m = dots(width, height, points, sigma);
        try {
            Path file = dir.resolve(id + ".png");
            ImageFiles.write(m, file);
            return FaceSample.of(id, file, points);
        } finally {
            m.release();
        }
    }
}
