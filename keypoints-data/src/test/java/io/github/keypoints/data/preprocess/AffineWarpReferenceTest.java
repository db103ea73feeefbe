package io.github.keypoints.data.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.image.OpenCv;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * {@link AffineWarp} against references computed here: a per-pixel bilinear sampler for plain
 * warps, and for shrinking warps a linear ramp, which every box filter and bilinear resampling
 * reproduces exactly, so each output pixel must equal the ramp at its back-mapped centre.
 */
class AffineWarpReferenceTest {

    /** OpenCV quantises sample positions to 1/32 pixel; on a ramp that is a small error. */
    private static final double RAMP_TOLERANCE = 0.15;

    private static double ramp(double x, double y) {
        return 20 + 1.0 * x + 0.5 * y;
    }

    private static Mat rampImage(int w, int h) {
        OpenCv.load();
        float[] px = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = (float) ramp(x, y);
            }
        }
        Mat m = new Mat(h, w, CvType.CV_32FC1);
        m.put(0, 0, px);
        return m;
    }

    private static float[] pixels(Mat m) {
        float[] out = new float[(int) m.total()];
        m.get(0, 0, out);
        return out;
    }

    /** The largest difference between the warp and the ramp at each back-mapped pixel centre. */
    private static double worstRampError(Mat out, Affine transform) {
        Affine back = transform.inverse();
        float[] got = pixels(out);
        double worst = 0;
        for (int y = 0; y < out.rows(); y++) {
            for (int x = 0; x < out.cols(); x++) {
                double want = ramp(back.applyX(x, y), back.applyY(x, y));
                worst = Math.max(worst, Math.abs(got[y * out.cols() + x] - want));
            }
        }
        return worst;
    }

    private static void assertRampWarp(Affine transform, int w, int h) {
        Mat src = rampImage(64, 48);
        // A constant 0 border: any read outside the region the warp should use shows up loudly.
        Mat out = AffineWarp.warp(src, transform, w, h, Border.constant(0), true);
        try {
            assertThat(out.cols()).isEqualTo(w);
            assertThat(out.rows()).isEqualTo(h);
            assertThat(worstRampError(out, transform)).isLessThan(RAMP_TOLERANCE);
        } finally {
            src.release();
            out.release();
        }
    }

    @Test
    void shrinkingAnInteriorCropByAFractionalFactorFollowsTheRampEverywhere() {
        // 12×8 output pixels read 40×27 source pixels starting at (10.3, 7.6), inside the image.
        assertRampWarp(Affine.translation(-10.3, -7.6).then(Affine.scaling(0.3, 0.3)), 12, 8);
        assertRampWarp(Affine.translation(-21.7, -13.2).then(Affine.scaling(0.45, 0.35)), 13, 9);
    }

    @Test
    void shrinkingARotatedInteriorCropFollowsTheRampEverywhere() {
        Affine t =
                Affine.rotation(20, 32, 24)
                        .then(Affine.translation(-16, -10))
                        .then(Affine.scaling(0.4, 0.4));
        assertRampWarp(t, 12, 10);
    }

    @Test
    void aWholeImageHalvingWithAShiftStillAppliesTheShift() {
        // The area reduction yields exactly the output size, but a one-pixel shift remains to be
        // applied: the reduction alone is not the whole transform.
        Affine t =
                Affine.translation(0.5, 0.5)
                        .then(Affine.scaling(0.5, 0.5))
                        .then(Affine.translation(-0.5 + 1, -0.5 - 1));
        Mat src = rampImage(64, 48);
        Mat out = AffineWarp.warp(src, t, 32, 24, Border.replicate(), true);
        try {
            float[] got = pixels(out);
            Affine back = t.inverse();
            // Away from the replicated edge column/row the output is the shifted ramp.
            for (int y = 0; y < 22; y++) {
                for (int x = 1; x < 32; x++) {
                    double want = ramp(back.applyX(x, y), back.applyY(x, y));
                    assertThat(Math.abs(got[y * 32 + x] - want))
                            .as("pixel %d,%d", x, y)
                            .isLessThan(RAMP_TOLERANCE);
                }
            }
        } finally {
            src.release();
            out.release();
        }
    }

    @Test
    void aHalvingCroppedShorterThanTheReducedImageKeepsTheRequestedSize() {
        // Halving 64×48 gives 32×24, but only 32×20 is asked for: the reduction is the whole
        // transform, yet its extra row must not be returned.
        Affine half =
                Affine.translation(0.5, 0.5)
                        .then(Affine.scaling(0.5, 0.5))
                        .then(Affine.translation(-0.5, -0.5));
        assertRampWarp(half, 32, 20);
        assertRampWarp(half, 28, 24);
    }

    @Test
    void aQuarterPixelShiftAfterAWholeImageHalvingIsNotDropped() {
        // The reduction covers the whole source and has the output size, but a quarter-pixel
        // shift remains: a sub-pixel move on a ramp of slope 2 per output pixel is 0.5 levels.
        Affine t =
                Affine.translation(0.5, 0.5)
                        .then(Affine.scaling(0.5, 0.5))
                        .then(Affine.translation(-0.5 + 0.25, -0.5 + 0.25));
        Mat src = rampImage(64, 48);
        Mat out = AffineWarp.warp(src, t, 32, 24, Border.replicate(), true);
        try {
            float[] got = pixels(out);
            Affine back = t.inverse();
            for (int y = 1; y < 24; y++) {
                for (int x = 1; x < 32; x++) {
                    double want = ramp(back.applyX(x, y), back.applyY(x, y));
                    assertThat(Math.abs(got[y * 32 + x] - want))
                            .as("pixel %d,%d", x, y)
                            .isLessThan(RAMP_TOLERANCE);
                }
            }
        } finally {
            src.release();
            out.release();
        }
    }

    private static Mat stripes(int w, int h, boolean vertical) {
        OpenCv.load();
        byte[] px = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = (byte) (((vertical ? x : y) & 1) == 0 ? 255 : 0);
            }
        }
        Mat m = new Mat(h, w, CvType.CV_8UC1);
        m.put(0, 0, px);
        return m;
    }

    private static double mean(Mat m) {
        byte[] px = new byte[(int) m.total()];
        m.get(0, 0, px);
        double sum = 0;
        for (byte b : px) {
            sum += b & 0xFF;
        }
        return sum / px.length;
    }

    private static int spread(Mat m) {
        byte[] px = new byte[(int) m.total()];
        m.get(0, 0, px);
        int min = 255;
        int max = 0;
        for (byte b : px) {
            min = Math.min(min, b & 0xFF);
            max = Math.max(max, b & 0xFF);
        }
        return max - min;
    }

    @Test
    void shrinkingOnlyAlongOneAxisStillAveragesThatAxis() {
        // One-pixel stripes across the shrunk axis, reduced 8 times so that output pixel i reads
        // source pixel 8i + 4 at its centre: an area reduction averages the stripes to flat mid
        // gray, a bilinear warp sees only the white stripes.
        Affine narrow = Affine.scaling(0.125, 1).then(Affine.translation(-0.5, 0));
        Affine flat = Affine.scaling(1, 0.125).then(Affine.translation(0, -0.5));
        Mat vertical = stripes(64, 16, true);
        Mat horizontal = stripes(16, 64, false);
        Mat a = AffineWarp.warp(vertical, narrow, 8, 16, Border.replicate(), true);
        Mat b = AffineWarp.warp(horizontal, flat, 16, 8, Border.replicate(), true);
        Mat aliased = AffineWarp.warp(vertical, narrow, 8, 16, Border.replicate(), false);
        try {
            assertThat(mean(a)).isCloseTo(127.5, org.assertj.core.api.Assertions.within(1.0));
            assertThat(spread(a)).isLessThanOrEqualTo(1);
            assertThat(mean(b)).isCloseTo(127.5, org.assertj.core.api.Assertions.within(1.0));
            assertThat(spread(b)).isLessThanOrEqualTo(1);
            // Without the area pass the stripes do alias, so the checks above can fail.
            assertThat(Math.abs(mean(aliased) - 127.5)).isGreaterThan(100);
        } finally {
            vertical.release();
            horizontal.release();
            a.release();
            b.release();
            aliased.release();
        }
    }

    @Test
    void aShrinkingWarpThatSeesNothingOfTheSourceIsAllBorder() {
        Mat src = rampImage(64, 48);
        // The output looks far to the right of, then far below, the 64×48 source.
        Affine right = Affine.translation(-500, -10).then(Affine.scaling(0.5, 0.5));
        Affine below = Affine.translation(-10, -500).then(Affine.scaling(0.5, 0.5));
        for (Affine t : new Affine[] {right, below}) {
            Mat out = AffineWarp.warp(src, t, 6, 5, Border.constant(77), true);
            try {
                assertThat(out.cols()).isEqualTo(6);
                assertThat(out.rows()).isEqualTo(5);
                for (float v : pixels(out)) {
                    assertThat(v).isEqualTo(77f);
                }
            } finally {
                out.release();
            }
        }
        src.release();
    }

    /** Bilinear sample of a one-channel float image, constant {@code border} outside it. */
    private static double bilinear(float[] img, int w, int h, double x, double y, double border) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        double sum = 0;
        for (int dy = 0; dy <= 1; dy++) {
            for (int dx = 0; dx <= 1; dx++) {
                int xi = x0 + dx;
                int yi = y0 + dy;
                double v = xi >= 0 && xi < w && yi >= 0 && yi < h ? img[yi * w + xi] : border;
                sum += v * (dx == 0 ? 1 - fx : fx) * (dy == 0 ? 1 - fy : fy);
            }
        }
        return sum;
    }

    @Test
    void aPlainWarpIsPerPixelBilinearSamplingWithTheConstantBorder() {
        OpenCv.load();
        int w = 12;
        int h = 9;
        Random r = new Random(11);
        float[] img = new float[w * h];
        for (int i = 0; i < img.length; i++) {
            img[i] = r.nextFloat() * 10;
        }
        Mat src = new Mat(h, w, CvType.CV_32FC1);
        src.put(0, 0, img);
        // Enlarge, rotate and move so that part of the output falls outside the source.
        Affine t =
                Affine.rotation(25, 6, 4)
                        .then(Affine.scaling(1.7, 1.4))
                        .then(Affine.translation(3, 2));
        Mat out = AffineWarp.warp(src, t, 24, 18, Border.constant(5), true);
        try {
            float[] got = pixels(out);
            Affine back = t.inverse();
            int outside = 0;
            for (int y = 0; y < 18; y++) {
                for (int x = 0; x < 24; x++) {
                    double sx = back.applyX(x, y);
                    double sy = back.applyY(x, y);
                    if (sx < -1 || sx > w || sy < -1 || sy > h) {
                        outside++;
                    }
                    // 1/32-pixel position quantisation on values spanning 10: about 0.3 at most.
                    assertThat((double) got[y * 24 + x])
                            .as("pixel %d,%d", x, y)
                            .isCloseTo(
                                    bilinear(img, w, h, sx, sy, 5),
                                    org.assertj.core.api.Assertions.within(0.35));
                }
            }
            assertThat(outside).as("the border is exercised").isGreaterThan(10);
        } finally {
            src.release();
            out.release();
        }
    }

    @Test
    void anEmptyOutputSizeIsRejectedNamingIt() {
        Mat src = rampImage(8, 8);
        try {
            assertThatThrownBy(
                            () ->
                                    AffineWarp.warp(
                                            src, Affine.IDENTITY, 0, 5, Border.replicate(), true))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("output size must be positive, was 0x5");
            assertThatThrownBy(
                            () ->
                                    AffineWarp.warp(
                                            src, Affine.IDENTITY, 5, 0, Border.replicate(), false))
                    .hasMessage("output size must be positive, was 5x0");
        } finally {
            src.release();
        }
    }
}
