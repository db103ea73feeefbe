package io.github.keypoints.data.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/** AWT images copied into OpenCV matrices: size, channel order and values, pixel by pixel. */
class BufferedImagesTest {

    @Test
    void aGrayImageBecomesOneChannelWithTheSameValues() {
        // 3 wide, 2 high: a transposed copy would show at once.
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        int[][] v = {{0, 50, 100}, {150, 200, 255}};
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                img.getRaster().setSample(x, y, 0, v[y][x]);
            }
        }
        Mat m = BufferedImages.toMat(img);
        try {
            assertThat(m.type()).isEqualTo(CvType.CV_8UC1);
            assertThat(m.cols()).isEqualTo(3);
            assertThat(m.rows()).isEqualTo(2);
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 3; x++) {
                    assertThat(m.get(y, x)[0]).isEqualTo(v[y][x]);
                }
            }
        } finally {
            m.release();
        }
    }

    @Test
    void aColourImageBecomesBgrAndDropsAlpha() {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                int r = 10 + x;
                int g = 100 + y;
                int b = 200 + x + 10 * y;
                img.setRGB(x, y, (0x80 << 24) | (r << 16) | (g << 8) | b);
            }
        }
        Mat m = BufferedImages.toMat(img);
        try {
            assertThat(m.type()).isEqualTo(CvType.CV_8UC3);
            assertThat(m.cols()).isEqualTo(3);
            assertThat(m.rows()).isEqualTo(2);
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 3; x++) {
                    // Alpha 0x80 is not premultiplied into getRGB's value: the colour is exact.
                    assertThat(m.get(y, x))
                            .as("pixel %d,%d", x, y)
                            .containsExactly(200 + x + 10 * y, 100 + y, 10 + x);
                }
            }
        } finally {
            m.release();
        }
    }
}
