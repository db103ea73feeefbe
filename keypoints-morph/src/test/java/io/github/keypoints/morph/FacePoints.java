package io.github.keypoints.morph;

import java.util.Random;

/** Synthetic images for tests (point sets come from {@link PointSets}' arbitraries). */
final class FacePoints {

    private FacePoints() {}

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
