package io.github.keypoints.morph;

import java.util.Random;

/** Synthetic point sets and images for tests. */
final class FacePoints {

    private FacePoints() {}

    /** Random interior points plus the frame's 4 corners and 4 edge midpoints (at ±0.5). */
    static double[] randomWithBorder(
            Random r, int inner, int width, int height, boolean quarterPixels) {
        double[] border = FaceFrame.borderPoints(width, height);
        double[] xy = new double[2 * inner + border.length];
        for (int i = 0; i < inner; i++) {
            double x = r.nextDouble() * (width - 1);
            double y = r.nextDouble() * (height - 1);
            if (quarterPixels) {
                x = Math.rint(x * 4) / 4;
                y = Math.rint(y * 4) / 4;
            }
            xy[2 * i] = x;
            xy[2 * i + 1] = y;
        }
        System.arraycopy(border, 0, xy, 2 * inner, border.length);
        return xy;
    }

    /** A smooth random image (so bilinear rounding stays within one grey level). */
    static ImageBuffer randomImage(Random r, int width, int height, int channels) {
        byte[] data = new byte[width * height * channels];
        double[] f = new double[channels * 3];
        for (int i = 0; i < f.length; i++) {
            f[i] = r.nextDouble() * 0.3;
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    double v =
                            128
                                    + 100 * Math.sin(f[3 * c] * x + f[3 * c + 1] * y + f[3 * c + 2])
                                    + r.nextInt(20)
                                    - 10;
                    data[(y * width + x) * channels + c] =
                            (byte) Math.max(0, Math.min(255, (int) v));
                }
            }
        }
        return new ImageBuffer(width, height, channels, data);
    }
}
