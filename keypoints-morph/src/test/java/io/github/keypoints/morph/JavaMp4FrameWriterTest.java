package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jcodec.api.FrameGrab;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.scale.ColorUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pure-Java MP4 writer: the movie decodes back (with JCodec's own decoder) to as many frames of
 * the right size, close to what was written, and failures leave nothing behind.
 */
class JavaMp4FrameWriterTest {

    @TempDir Path dir;

    @Test
    void framesDecodeBackCloseToWhatWasWritten() throws Exception {
        Path mp4 = dir.resolve("m.mp4");
        List<ImageBuffer> frames = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            frames.add(FrameWriterContentTest.quadrants(96, 64, 3, i));
        }
        try (FrameWriter w = new JavaMp4FrameWriter(mp4, 12.5)) {
            for (ImageBuffer f : frames) {
                w.write(f);
            }
        }
        List<int[]> decoded = decode(mp4, 96, 64);
        assertThat(decoded).hasSize(6);
        for (int i = 0; i < 6; i++) {
            // H.264 is lossy: flat quadrants come back within a few grey levels on average.
            assertThat(meanAbsDifference(frames.get(i), decoded.get(i)))
                    .as("frame " + i)
                    .isLessThan(6.0);
        }
        // Each frame is compared with its own source, not with a neighbour.
        assertThat(meanAbsDifference(frames.get(0), decoded.get(3))).isGreaterThan(10.0);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void oddSizesArePaddedWithTheLastColumnAndRow() throws Exception {
        Path mp4 = dir.resolve("odd.mp4");
        ImageBuffer gray = FrameWriterContentTest.quadrants(33, 21, 1, 0);
        try (FrameWriter w = new JavaMp4FrameWriter(mp4, 10)) {
            w.write(gray);
            w.write(gray);
        }
        List<int[]> decoded = decode(mp4, 34, 22);
        assertThat(decoded).hasSize(2);
        Picture padded = JavaMp4FrameWriter.toPicture(gray);
        assertThat(padded.getWidth()).isEqualTo(34);
        assertThat(padded.getHeight()).isEqualTo(22);
        byte[] p = padded.getPlaneData(0);
        byte[] src = gray.data();
        // the extra column repeats column 32, the extra row repeats row 20
        for (int y = 0; y < 21; y++) {
            assertThat(p[3 * (y * 34 + 33)]).isEqualTo((byte) ((src[y * 33 + 32] & 0xff) - 128));
        }
        for (int x = 0; x < 33; x++) {
            assertThat(p[3 * (21 * 34 + x)]).isEqualTo((byte) ((src[20 * 33 + x] & 0xff) - 128));
        }
    }

    @Test
    void bgrIsStoredAsRgb() {
        byte[] bgr = {10, 20, 30, 10, 20, 30};
        Picture p = JavaMp4FrameWriter.toPicture(new ImageBuffer(2, 1, 3, bgr));
        byte[] rgb = p.getPlaneData(0);
        assertThat(new int[] {rgb[0] + 128, rgb[1] + 128, rgb[2] + 128})
                .containsExactly(30, 20, 10);
    }

    @Test
    void failuresLeaveNothingBehind() throws IOException {
        Path mp4 = dir.resolve("f.mp4");
        FrameWriter none = new JavaMp4FrameWriter(mp4, 10);
        assertThatThrownBy(none::close).hasMessageContaining("No frames");
        FrameWriter mixed = new JavaMp4FrameWriter(mp4, 10);
        mixed.write(FrameWriterContentTest.quadrants(32, 32, 3, 0));
        assertThatThrownBy(() -> mixed.write(FrameWriterContentTest.quadrants(16, 32, 3, 0)))
                .hasMessageContaining("16x32")
                .hasMessageContaining("32x32");
        mixed.abort();
        mixed.close(); // after abort: nothing to do
        assertThatThrownBy(() -> mixed.write(FrameWriterContentTest.quadrants(32, 32, 3, 0)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JavaMp4FrameWriter(mp4, 0)).hasMessageContaining("fps");
        assertThat(mp4).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    /** Decodes every frame to 8-bit RGB at the expected (padded) size. */
    private static List<int[]> decode(Path mp4, int width, int height) throws Exception {
        List<int[]> out = new ArrayList<>();
        try (SeekableByteChannel ch = NIOUtils.readableChannel(mp4.toFile())) {
            FrameGrab grab = FrameGrab.createFrameGrab(ch);
            Picture p;
            while ((p = grab.getNativeFrame()) != null) {
                // The decoder returns whole macroblocks; the stream's crop is the movie's size.
                assertThat(p.getCroppedWidth()).isEqualTo(width);
                assertThat(p.getCroppedHeight()).isEqualTo(height);
                p = p.cropped();
                // The encoder writes full-range YUV (JCodec's YUV420J).
                Picture full =
                        Picture.createPicture(
                                p.getWidth(), p.getHeight(), p.getData(), ColorSpace.YUV420J);
                Picture rgb = Picture.create(p.getWidth(), p.getHeight(), ColorSpace.RGB);
                ColorUtil.getTransform(ColorSpace.YUV420J, ColorSpace.RGB).transform(full, rgb);
                byte[] d = rgb.getPlaneData(0);
                int[] v = new int[d.length];
                for (int i = 0; i < d.length; i++) {
                    v[i] = d[i] + 128;
                }
                out.add(v);
            }
        }
        return out;
    }

    private static double meanAbsDifference(ImageBuffer bgr, int[] rgb) {
        byte[] s = bgr.data();
        double sum = 0;
        int n = bgr.width() * bgr.height();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                sum += Math.abs((s[3 * i + c] & 0xff) - rgb[3 * i + 2 - c]);
            }
        }
        return sum / (3.0 * n);
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
