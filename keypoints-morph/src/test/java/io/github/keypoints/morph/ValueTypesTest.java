package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.image.OpenCv;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;

/** {@link Triangulation} and {@link ImageBuffer}: validation, value semantics, pixel layout. */
class ValueTypesTest {

    @Test
    void triangulationValidatesIndicesAndKeepsItsOwnCopy() {
        int[] tri = {0, 1, 2, 2, 1, 3};
        Triangulation t = Triangulation.of(4, tri);
        tri[0] = 3;
        assertThat(t.vertex(0, 0)).isZero();
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.pointCount()).isEqualTo(4);
        assertThat(t.vertex(1, 2)).isEqualTo(3);
        int[] out = t.toArray();
        assertThat(out).containsExactly(0, 1, 2, 2, 1, 3);
        out[0] = 3;
        assertThat(t.toArray()).containsExactly(0, 1, 2, 2, 1, 3);
        assertThat(t.toString()).contains("2 triangles").contains("4 points");

        assertThatThrownBy(() -> Triangulation.of(4, new int[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("triples");
        assertThatThrownBy(() -> Triangulation.of(4, new int[] {0, 1, 2, 1, 2, 4}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Triangle 1 has index 4, expected 0..3");
        assertThatThrownBy(() -> Triangulation.of(4, new int[] {0, 1, 2, 1, -1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index -1");
        for (int[] repeat : new int[][] {{1, 1, 2}, {0, 2, 2}, {3, 1, 3}}) {
            int[] twoTriangles = {0, 1, 2, repeat[0], repeat[1], repeat[2]};
            assertThatThrownBy(() -> Triangulation.of(4, twoTriangles))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Triangle 1 repeats a vertex");
        }
        // The last index is allowed; an empty triangulation is allowed.
        assertThat(Triangulation.of(3, new int[] {0, 1, 2}).size()).isEqualTo(1);
        assertThat(Triangulation.of(0, new int[0]).size()).isZero();
    }

    @Test
    void triangulationsAreEqualByPointCountAndTriangles() {
        Triangulation t = Triangulation.of(4, new int[] {0, 1, 2});
        Triangulation same = Triangulation.of(4, new int[] {0, 1, 2});
        assertThat(t).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(t).isNotEqualTo(Triangulation.of(5, new int[] {0, 1, 2}));
        assertThat(t).isNotEqualTo(Triangulation.of(4, new int[] {0, 2, 1}));
        assertThat(t).isNotEqualTo("Triangulation(1 triangles over 4 points)");
        assertThat(t.hashCode())
                .isNotEqualTo(Triangulation.of(5, new int[] {0, 1, 2}).hashCode())
                .isNotEqualTo(Triangulation.of(4, new int[] {0, 1, 3}).hashCode());
    }

    @Test
    void imageBufferValidatesItsShape() {
        assertThatThrownBy(() -> new ImageBuffer(0, 2, 1, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0x2");
        assertThatThrownBy(() -> new ImageBuffer(2, 0, 1, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2x0");
        assertThatThrownBy(() -> new ImageBuffer(2, 2, 2, new byte[8]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channels");
        assertThatThrownBy(() -> new ImageBuffer(3, 2, 3, new byte[17]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Expected 18 bytes for 3x2x3, found 17");
        assertThat(new ImageBuffer(1, 1, 1, new byte[1]).width()).isEqualTo(1);
        assertThat(ImageBuffer.blank(3, 2, 3).toString()).contains("3x2x3");
    }

    /** A 4 x 3 BGR image whose value encodes its position: x + 10·y + 100·c. */
    private static ImageBuffer positional(int channels) {
        int w = 4, h = 3;
        byte[] d = new byte[w * h * channels];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < channels; c++) {
                    d[(y * w + x) * channels + c] = (byte) (x + 10 * y + 100 * c);
                }
            }
        }
        return new ImageBuffer(w, h, channels, d);
    }

    @Test
    void getReadsRowMajorInterleavedUnsignedValues() {
        ImageBuffer img = positional(3);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(img.get(x, y, c)).isEqualTo(x + 10 * y + 100 * c);
                }
            }
        }
        ImageBuffer bright = new ImageBuffer(1, 1, 1, new byte[] {(byte) 250});
        assertThat(bright.get(0, 0, 0)).isEqualTo(250);
    }

    @Test
    void copyIsDeep() {
        ImageBuffer img = positional(1);
        ImageBuffer copy = img.copy();
        copy.data()[0] = 77;
        assertThat(img.get(0, 0, 0)).isZero();
        assertThat(copy.get(0, 0, 0)).isEqualTo(77);
        assertThat(copy.width()).isEqualTo(4);
        assertThat(copy.height()).isEqualTo(3);
    }

    @Test
    void bufferedImageHasThePixels() {
        for (int ch : new int[] {1, 3}) {
            ImageBuffer img = positional(ch);
            BufferedImage b = img.toBufferedImage();
            assertThat(b.getType())
                    .isEqualTo(
                            ch == 3 ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 4; x++) {
                    int[] px = b.getRaster().getPixel(x, y, (int[]) null);
                    for (int c = 0; c < ch; c++) {
                        // The raster's bands are R, G, B: band 0 is the image's channel 2.
                        int band = ch == 3 ? 2 - c : 0;
                        assertThat(px[band]).isEqualTo(img.get(x, y, c));
                    }
                }
            }
        }
    }

    @Test
    void matRoundTripKeepsPixelsAndLeavesTheCallersMatAlone() {
        OpenCv.load();
        for (int ch : new int[] {1, 3}) {
            ImageBuffer img = positional(ch);
            Mat m = img.toMat();
            try {
                assertThat(m.channels()).isEqualTo(ch);
                assertThat(m.rows()).isEqualTo(3);
                assertThat(m.cols()).isEqualTo(4);
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 4; x++) {
                        double[] px = m.get(y, x);
                        for (int c = 0; c < ch; c++) {
                            assertThat(px[c]).isEqualTo(img.get(x, y, c));
                        }
                    }
                }
                ImageBuffer back = ImageBuffer.fromMat(m);
                assertThat(back.data()).isEqualTo(img.data());
                // fromMat must not release the caller's matrix.
                assertThat(m.empty()).isFalse();
                assertThat(m.get(2, 3)[0]).isEqualTo(img.get(3, 2, 0));
                // A sub-matrix is not continuous: its rows must still come out right.
                Mat sub = m.submat(new Rect(1, 1, 2, 2));
                ImageBuffer part = ImageBuffer.fromMat(sub);
                assertThat(part.width()).isEqualTo(2);
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 2; x++) {
                        assertThat(part.get(x, y, 0)).isEqualTo(img.get(x + 1, y + 1, 0));
                    }
                }
                assertThat(sub.empty()).isFalse();
                sub.release();
            } finally {
                m.release();
            }
        }
        Mat floats = new Mat(2, 2, CvType.CV_32FC1);
        Mat four = new Mat(2, 2, CvType.CV_8UC4);
        Mat two = new Mat(2, 2, CvType.CV_8UC2);
        try {
            for (Mat bad : new Mat[] {floats, four, two}) {
                assertThatThrownBy(() -> ImageBuffer.fromMat(bad))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("8-bit image with 1 or 3 channels");
            }
        } finally {
            floats.release();
            four.release();
            two.release();
        }
    }
}
