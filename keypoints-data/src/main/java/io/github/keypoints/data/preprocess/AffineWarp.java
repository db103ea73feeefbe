package io.github.keypoints.data.preprocess;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.image.OpenCv;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Resamples an image with an {@link Affine} so that the pixels move exactly as {@link
 * io.github.keypoints.data.Keypoints#transform(Affine)} moves points (pixel centres at integer
 * coordinates, as OpenCV's {@code warpAffine}).
 *
 * <p>Bilinear {@code warpAffine} samples only a few source pixels per output pixel, so a large
 * reduction aliases (an 8× reduction of a photo reads 1 in 64 pixels). With {@code
 * areaWhenShrinking}, a reducing transform is split: the source region the output needs is first
 * reduced with {@code INTER_AREA} (the antialiased box filter, which maps {@code x → (x + 0.5)·f −
 * 0.5} exactly like the convention here), and the remaining near-unit transform is applied with
 * bilinear {@code warpAffine}. The two parts multiply to exactly the requested affine.
 */
public final class AffineWarp {

    private AffineWarp() {}

    /**
     * Warps {@code src} into a new {@code width×height} image with {@code transform} (source pixels
     * to output pixels).
     *
     * @param src the source image (any depth and channel count OpenCV warps)
     * @param transform the source-to-output transform
     * @param width the output width
     * @param height the output height
     * @param border how pixels outside the source are filled
     * @param areaWhenShrinking whether to reduce with {@code INTER_AREA} first when the transform
     *     shrinks
     * @return a new image the caller must release
     */
    public static Mat warp(
            Mat src,
            Affine transform,
            int width,
            int height,
            Border border,
            boolean areaWhenShrinking) {
        OpenCv.load();
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(
                    "output size must be positive, was " + width + "x" + height);
        }
        double fx = Math.hypot(transform.a(), transform.d());
        double fy = Math.hypot(transform.b(), transform.e());
        if (areaWhenShrinking && (fx < 1 || fy < 1)) {
            Mat out = warpViaArea(src, transform, width, height, border, fx, fy);
            if (out != null) {
                return out;
            }
        }
        return warpAffine(src, transform, width, height, border);
    }

    /**
     * Returns the axis-aligned bounds {@code {minX, minY, maxX, maxY}} of a rectangle's four
     * corners moved by {@code t}.
     */
    static double[] cornerBounds(Affine t, double left, double top, double right, double bottom) {
        double minX = Double.POSITIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (double x : new double[] {left, right}) {
            for (double y : new double[] {top, bottom}) {
                double px = t.applyX(x, y);
                double py = t.applyY(x, y);
                minX = Math.min(minX, px);
                maxX = Math.max(maxX, px);
                minY = Math.min(minY, py);
                maxY = Math.max(maxY, py);
            }
        }
        return new double[] {minX, minY, maxX, maxY};
    }

    private static Mat warpViaArea(
            Mat src, Affine transform, int width, int height, Border border, double fx, double fy) {
        // The source region the output reads, with a pixel of slack for interpolation.
        Affine back = transform.inverse();
        double[] bounds = cornerBounds(back, -0.5, -0.5, width - 0.5, height - 0.5);
        int x0 = (int) Math.max(0, Math.floor(bounds[0]) - 1);
        int y0 = (int) Math.max(0, Math.floor(bounds[1]) - 1);
        int x1 = (int) Math.min(src.cols(), Math.ceil(bounds[2]) + 2);
        int y1 = (int) Math.min(src.rows(), Math.ceil(bounds[3]) + 2);
        if (x1 - x0 < 2 || y1 - y0 < 2) {
            return null; // the output sees (almost) nothing of the source: plain warp
        }
        int roiW = x1 - x0;
        int roiH = y1 - y0;
        int smallW = Math.max(1, (int) Math.round(roiW * Math.min(1, fx)));
        int smallH = Math.max(1, (int) Math.round(roiH * Math.min(1, fy)));
        double sx = (double) smallW / roiW;
        double sy = (double) smallH / roiH;
        Affine pre =
                Affine.translation(0.5 - x0, 0.5 - y0)
                        .then(Affine.scaling(sx, sy))
                        .then(Affine.translation(-0.5, -0.5));
        Affine rest = pre.inverse().then(transform);
        Mat roi = src.submat(new Rect(x0, y0, roiW, roiH));
        Mat small = new Mat();
        boolean returned = false;
        try {
            Imgproc.resize(roi, small, new Size(smallW, smallH), 0, 0, Imgproc.INTER_AREA);
            if (smallW == width && smallH == height && isIdentity(rest)) {
                returned = true; // the area reduction alone was the whole transform
                return small;
            }
            return warpAffine(small, rest, width, height, border);
        } finally {
            if (!returned) {
                small.release();
            }
            roi.release();
        }
    }

    private static boolean isIdentity(Affine t) {
        double[] m = t.toArray();
        double[] id = Affine.IDENTITY.toArray();
        for (int i = 0; i < 6; i++) {
            if (Math.abs(m[i] - id[i]) > 1e-9) {
                return false;
            }
        }
        return true;
    }

    private static Mat warpAffine(Mat src, Affine transform, int width, int height, Border border) {
        Mat m = new Mat(2, 3, org.opencv.core.CvType.CV_64F);
        Mat dst = new Mat();
        try {
            m.put(0, 0, transform.toArray());
            Imgproc.warpAffine(
                    src,
                    dst,
                    m,
                    new Size(width, height),
                    Imgproc.INTER_LINEAR,
                    border.openCvType(),
                    Scalar.all(border.value()));
            return dst;
        } catch (RuntimeException e) {
            dst.release();
            throw e;
        } finally {
            m.release();
        }
    }
}
