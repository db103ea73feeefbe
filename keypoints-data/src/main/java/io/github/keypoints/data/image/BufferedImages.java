package io.github.keypoints.data.image;

import java.awt.image.BufferedImage;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/** Converts Java AWT images to the 8-bit OpenCV {@code Mat}s the rest of the library works on. */
public final class BufferedImages {

    private BufferedImages() {}

    /**
     * Copies an AWT image into a new 8-bit {@code Mat}: one gray channel for {@code
     * TYPE_BYTE_GRAY}, otherwise three channels in OpenCV's BGR order (alpha is dropped).
     *
     * @param image the image
     * @return a new {@code Mat} the caller must release
     */
    public static Mat toMat(BufferedImage image) {
        OpenCv.load();
        int w = image.getWidth();
        int h = image.getHeight();
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            byte[] gray = new byte[w * h];
            image.getRaster().getDataElements(0, 0, w, h, gray);
            Mat m = new Mat(h, w, CvType.CV_8UC1);
            m.put(0, 0, gray);
            return m;
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        byte[] bgr = new byte[3 * w * h];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            bgr[3 * i] = (byte) p;
            bgr[3 * i + 1] = (byte) (p >> 8);
            bgr[3 * i + 2] = (byte) (p >> 16);
        }
        Mat m = new Mat(h, w, CvType.CV_8UC3);
        m.put(0, 0, bgr);
        return m;
    }
}
