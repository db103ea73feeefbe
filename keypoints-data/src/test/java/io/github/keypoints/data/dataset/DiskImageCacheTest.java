package io.github.keypoints.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Affine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk cache returns exactly what it stored, colour images included, across instances. */
class DiskImageCacheTest {

    @TempDir Path dir;

    @Test
    void aSmallColourImageIsReadBackByANewInstanceWithoutRecomputing() {
        // 2×3 BGR: 18 bytes, smaller than the entry's header.
        byte[] px = new byte[18];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 13);
        }
        Affine t = new Affine(0.5, 0.1, -3, -0.2, 0.25, 7);
        CachedImage stored = new CachedImage(2, 3, 3, px, t);
        ImageCache first = ImageCache.onDisk(dir);
        assertThat(first.get("k", () -> stored)).isSameAs(stored);
        ImageCache second = ImageCache.onDisk(dir);
        CachedImage back =
                second.get(
                        "k",
                        () -> {
                            throw new AssertionError("the entry on disk should have been used");
                        });
        assertThat(back.rows()).isEqualTo(2);
        assertThat(back.cols()).isEqualTo(3);
        assertThat(back.channels()).isEqualTo(3);
        assertThat(back.pixels()).isEqualTo(px);
        assertThat(back.toInput()).isEqualTo(t);
        assertThat(second.toString()).isEqualTo("ImageCache.onDisk[" + dir + "]");
    }

    @Test
    void cachedImagesCheckTheirShape() {
        assertThat(new CachedImage(1, 1, 1, new byte[1], Affine.IDENTITY).rows()).isEqualTo(1);
        assertThatThrownBy(() -> new CachedImage(0, 1, 1, new byte[0], Affine.IDENTITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Bad cached image shape 0x1x1");
        assertThatThrownBy(() -> new CachedImage(1, 0, 1, new byte[0], Affine.IDENTITY))
                .hasMessage("Bad cached image shape 1x0x1");
        assertThatThrownBy(() -> new CachedImage(1, 1, 2, new byte[2], Affine.IDENTITY))
                .hasMessage("Bad cached image shape 1x1x2");
        assertThatThrownBy(() -> new CachedImage(2, 3, 3, new byte[17], Affine.IDENTITY))
                .hasMessage("Cached image has 17 bytes, expected 18");
    }

    @Test
    void aNonContiguousViewIsCopiedPixelForPixel() {
        io.github.keypoints.data.image.OpenCv.load();
        org.opencv.core.Mat m = new org.opencv.core.Mat(3, 4, org.opencv.core.CvType.CV_8UC1);
        byte[] all = new byte[12];
        for (int i = 0; i < 12; i++) {
            all[i] = (byte) i;
        }
        m.put(0, 0, all);
        // Columns 1..2 of every row: not contiguous in memory.
        org.opencv.core.Mat view = m.submat(0, 3, 1, 3);
        try {
            CachedImage c = CachedImage.of(view, Affine.IDENTITY);
            assertThat(c.pixels()).containsExactly(1, 2, 5, 6, 9, 10);
            // The caller's image is not released by copying it, contiguous or not.
            CachedImage whole = CachedImage.of(m, Affine.IDENTITY);
            assertThat(whole.pixels()).isEqualTo(all);
            assertThat(m.empty()).isFalse();
            assertThat(view.empty()).isFalse();
            org.opencv.core.Mat f = new org.opencv.core.Mat(2, 2, org.opencv.core.CvType.CV_32FC1);
            assertThatThrownBy(() -> CachedImage.of(f, Affine.IDENTITY))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Expected an 8-bit image, found ");
            f.release();
        } finally {
            view.release();
            m.release();
        }
    }
}
