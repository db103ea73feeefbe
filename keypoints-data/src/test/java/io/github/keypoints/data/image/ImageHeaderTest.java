package io.github.keypoints.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

class ImageHeaderTest {

    @TempDir Path dir;

    @Test
    void readsJpegPngAndPpmSizes() throws IOException {
        assertThat(ImageHeader.read(Fixtures.image(dir.resolve("a.jpg"), 64, 48)))
                .isEqualTo(new ImageHeader(64, 48, "jpeg"));
        assertThat(ImageHeader.read(Fixtures.image(dir.resolve("b.png"), 30, 20)))
                .isEqualTo(new ImageHeader(30, 20, "png"));
        Path ppm = dir.resolve("c.ppm");
        byte[] head = "P6\n# comment\n5 4\n255\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(head, head.length + 5 * 4 * 3);
        Files.write(ppm, all);
        assertThat(ImageHeader.read(ppm)).isEqualTo(new ImageHeader(5, 4, "pnm"));
    }

    @org.junit.jupiter.api.BeforeAll
    static void load() {
        OpenCv.load();
    }

    @Test
    void truncatedJpegIsCaughtWithoutDecoding() throws IOException {
        // Noise so the compressed scan is large and the cut falls inside it, past the headers.
        Mat noise = new Mat(240, 320, CvType.CV_8UC3);
        Core.randu(noise, 0, 256);
        Path ok = dir.resolve("noise.jpg");
        ImageFiles.write(noise, ok);
        noise.release();
        byte[] bytes = Files.readAllBytes(ok);
        Path cut = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(bytes, bytes.length * 2 / 3));
        // OpenCV decodes such a file without an error (grey bottom rows), so the check matters.
        Mat decoded = ImageFiles.read(cut, false);
        assertThat(decoded.rows()).isEqualTo(240);
        decoded.release();
        assertThatThrownBy(() -> ImageHeader.read(cut))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("is truncated: expected the JPEG end-of-image marker");
    }

    @Test
    void truncatedPngAndPpmAreCaught() throws IOException {
        Path ok = Fixtures.image(dir.resolve("a.png"), 64, 48);
        byte[] bytes = Files.readAllBytes(ok);
        Path cut = Files.write(dir.resolve("cut.png"), Arrays.copyOf(bytes, bytes.length - 20));
        assertThatThrownBy(() -> ImageHeader.read(cut))
                .hasMessageContaining("expected the PNG IEND chunk");
        Path ppm =
                Files.write(
                        dir.resolve("cut.ppm"),
                        "P6 5 4 255\n0123456789".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> ImageHeader.read(ppm))
                .hasMessageContaining(
                        "is truncated: expected 60 bytes of pixels for 5x4, found 10");
    }

    @Test
    void missingEmptyAndJunkFilesAreNamed() throws IOException {
        Path missing = dir.resolve("none.jpg");
        assertThatThrownBy(() -> ImageHeader.read(missing))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString());
        Path empty = Files.write(dir.resolve("e.jpg"), new byte[0]);
        assertThatThrownBy(() -> ImageHeader.read(empty)).hasMessageContaining(empty + " is empty");
        Path junk = Files.writeString(dir.resolve("j.jpg"), "this is not an image at all");
        assertThatThrownBy(() -> ImageHeader.read(junk))
                .hasMessageContaining(junk.toString())
                .hasMessageContaining("could not be decoded");
    }

    @Test
    void corruptJpegHeaderIsNamed() throws IOException {
        byte[] bytes = Files.readAllBytes(Fixtures.image(dir.resolve("a.jpg"), 64, 48));
        // Keep the SOI marker, wreck the segments after it, keep the end marker.
        for (int i = 2; i < 200; i++) {
            bytes[i] = (byte) 0x11;
        }
        Path bad = Files.write(dir.resolve("bad.jpg"), bytes);
        assertThatThrownBy(() -> ImageHeader.read(bad)).hasMessageContaining(bad.toString());
    }
}
