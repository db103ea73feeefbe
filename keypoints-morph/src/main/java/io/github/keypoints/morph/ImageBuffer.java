package io.github.keypoints.morph;

import io.github.keypoints.data.image.OpenCv;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Objects;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * A mutable 8-bit image held in a plain {@code byte[]}: rows top to bottom, pixels left to right,
 * channels interleaved in OpenCV's order (BGR for colour). The warps work on these arrays directly
 * so their inner loops need no native calls.
 *
 * <p>Mutable on purpose (it is a pixel buffer); {@link #copy()} when a caller must not see later
 * writes.
 */
public final class ImageBuffer {

    private final int width;
    private final int height;
    private final int channels;
    private final byte[] data;

    /**
     * Wraps a pixel array without copying it.
     *
     * @param width the width in pixels, positive
     * @param height the height in pixels, positive
     * @param channels 1 (gray) or 3 (BGR)
     * @param data {@code width * height * channels} bytes, shared with the caller
     */
    public ImageBuffer(int width, int height, int channels, byte[] data) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(
                    "Image size must be positive, was " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("Expected 1 or 3 channels, found " + channels);
        }
        Objects.requireNonNull(data, "data");
        if (data.length != width * height * channels) {
            throw new IllegalArgumentException(
                    "Expected "
                            + width * height * channels
                            + " bytes for "
                            + width
                            + "x"
                            + height
                            + "x"
                            + channels
                            + ", found "
                            + data.length);
        }
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.data = data;
    }

    /**
     * Creates a black image.
     *
     * @param width the width
     * @param height the height
     * @param channels 1 or 3
     * @return the image
     */
    public static ImageBuffer blank(int width, int height, int channels) {
        return new ImageBuffer(width, height, channels, new byte[width * height * channels]);
    }

    /**
     * Copies an 8-bit OpenCV image ({@code CV_8UC1} or {@code CV_8UC3}).
     *
     * @param mat the image; not released
     * @return a new buffer
     */
    public static ImageBuffer fromMat(Mat mat) {
        OpenCv.load();
        int ch = mat.channels();
        if (mat.depth() != CvType.CV_8U || (ch != 1 && ch != 3)) {
            throw new IllegalArgumentException(
                    "Expected an 8-bit image with 1 or 3 channels, found "
                            + CvType.typeToString(mat.type()));
        }
        Mat m = mat.isContinuous() ? mat : mat.clone();
        try {
            byte[] bytes = new byte[(int) (m.total() * ch)];
            m.get(0, 0, bytes);
            return new ImageBuffer(m.cols(), m.rows(), ch, bytes);
        } finally {
            if (m != mat) {
                m.release();
            }
        }
    }

    /**
     * Copies the pixels into a new OpenCV image that the caller must release.
     *
     * @return a {@code CV_8UC1} or {@code CV_8UC3} Mat
     */
    public Mat toMat() {
        OpenCv.load();
        Mat m = new Mat(height, width, CvType.CV_8UC(channels));
        m.put(0, 0, data);
        return m;
    }

    /**
     * Copies the pixels into a {@link BufferedImage} ({@code TYPE_3BYTE_BGR} or {@code
     * TYPE_BYTE_GRAY}), the layout Java's image writers take.
     *
     * @return the image
     */
    public BufferedImage toBufferedImage() {
        BufferedImage img =
                new BufferedImage(
                        width,
                        height,
                        channels == 3
                                ? BufferedImage.TYPE_3BYTE_BGR
                                : BufferedImage.TYPE_BYTE_GRAY);
        byte[] target = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        System.arraycopy(data, 0, target, 0, data.length);
        return img;
    }

    /**
     * Returns the width.
     *
     * @return pixels per row
     */
    public int width() {
        return width;
    }

    /**
     * Returns the height.
     *
     * @return rows
     */
    public int height() {
        return height;
    }

    /**
     * Returns the number of interleaved channels.
     *
     * @return 1 or 3
     */
    public int channels() {
        return channels;
    }

    /**
     * Returns the pixel array itself (not a copy), for fast loops.
     *
     * @return the shared bytes
     */
    public byte[] data() {
        return data;
    }

    /**
     * Returns one channel value of one pixel.
     *
     * @param x the column
     * @param y the row
     * @param c the channel
     * @return 0 to 255
     */
    public int get(int x, int y, int c) {
        return data[(y * width + x) * channels + c] & 0xff;
    }

    /**
     * Returns a deep copy.
     *
     * @return an independent buffer
     */
    public ImageBuffer copy() {
        return new ImageBuffer(width, height, channels, data.clone());
    }

    @Override
    public String toString() {
        return "ImageBuffer(" + width + "x" + height + "x" + channels + ")";
    }
}
