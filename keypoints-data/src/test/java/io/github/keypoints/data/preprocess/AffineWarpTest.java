package io.github.keypoints.data.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.image.OpenCv;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfDouble;

class AffineWarpTest {

    private static Mat checkerboard(int w, int h) {
        OpenCv.load();
        byte[] px = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = (byte) (((x + y) & 1) == 0 ? 255 : 0);
            }
        }
        Mat m = new Mat(h, w, CvType.CV_8UC1);
        m.put(0, 0, px);
        return m;
    }

    private static double[] meanStd(Mat m) {
        MatOfDouble mean = new MatOfDouble();
        MatOfDouble std = new MatOfDouble();
        Core.meanStdDev(m, mean, std);
        double[] r = {mean.get(0, 0)[0], std.get(0, 0)[0]};
        mean.release();
        std.release();
        return r;
    }

    @Test
    void shrinkingAboutEightTimesAveragesAFineCheckerboardInsteadOfAliasingIt() {
        Mat board = checkerboard(640, 480);
        Affine shrink =
                Affine.translation(0.5, 0.5)
                        .then(Affine.scaling(0.13, 0.13))
                        .then(Affine.translation(-0.5, -0.5));
        Mat area = AffineWarp.warp(board, shrink, 83, 62, Border.replicate(), true);
        Mat bilinear = AffineWarp.warp(board, shrink, 83, 62, Border.replicate(), false);
        try {
            double[] a = meanStd(area);
            double[] b = meanStd(bilinear);
            assertThat(a[0]).isBetween(125.0, 130.0);
            assertThat(a[1]).as("INTER_AREA output should be flat gray").isLessThan(2.0);
            // The plain bilinear warp reads only a few source pixels: the pattern aliases.
            assertThat(b[1]).isGreaterThan(20 * Math.max(a[1], 0.5));
        } finally {
            board.release();
            area.release();
            bilinear.release();
        }
    }

    @Test
    void aWholeImageReductionIsExactlyOpenCvsAreaResize() {
        Mat board = checkerboard(640, 480);
        Core.randu(board, 0, 256);
        Affine shrink =
                Affine.translation(0.5, 0.5)
                        .then(Affine.scaling(0.375, 0.375))
                        .then(Affine.translation(-0.5, -0.5));
        Mat ours = AffineWarp.warp(board, shrink, 240, 180, Border.replicate(), true);
        Mat resized = new Mat();
        org.opencv.imgproc.Imgproc.resize(
                board,
                resized,
                new org.opencv.core.Size(240, 180),
                0,
                0,
                org.opencv.imgproc.Imgproc.INTER_AREA);
        try {
            assertThat(Core.norm(ours, resized, Core.NORM_INF)).isZero();
        } finally {
            board.release();
            ours.release();
            resized.release();
        }
    }

    @Test
    void enlargingUsesOneBilinearWarpWithTheExactMatrix() {
        Mat board = checkerboard(16, 12);
        Affine grow = Affine.scaling(2, 2);
        Mat a = AffineWarp.warp(board, grow, 32, 24, Border.replicate(), true);
        Mat b = AffineWarp.warp(board, grow, 32, 24, Border.replicate(), false);
        try {
            assertThat(Core.norm(a, b, Core.NORM_INF)).isZero();
        } finally {
            board.release();
            a.release();
            b.release();
        }
    }
}
