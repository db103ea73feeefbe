package io.github.keypoints.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Netpbm header limits, byte-exact truncation checks and the size validation of headers. */
class ImageHeaderEdgeCasesTest {

    @TempDir Path dir;

    private Path pnm(String header, int dataBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[dataBytes]);
        return Files.write(dir.resolve("x.pnm"), out.toByteArray());
    }

    @Test
    void aHeaderNeedsAPositiveWidthAndHeight() {
        assertThat(new ImageHeader(1, 1, "png").width()).isEqualTo(1);
        assertThatThrownBy(() -> new ImageHeader(0, 1, "png"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Image size must be positive, was 0x1");
        assertThatThrownBy(() -> new ImageHeader(1, 0, "png"))
                .hasMessage("Image size must be positive, was 1x0");
    }

    @Test
    void plainAndRawBitmapsHaveNoMaxvalAndAreNetpbm() throws IOException {
        // P1 (ASCII bitmap) and P4 (raw bitmap) have only width and height.
        assertThat(ImageHeader.read(pnm("P1\n3 2\n0 1 0\n1 0 1\n", 0)))
                .isEqualTo(new ImageHeader(3, 2, "pnm"));
        assertThat(ImageHeader.read(pnm("P4 16 2\n", 4))).isEqualTo(new ImageHeader(16, 2, "pnm"));
    }

    @Test
    void everyDigitCountsInTheSize() throws IOException {
        // Zeros and nines inside numbers: 10×90 gray, one byte per pixel.
        assertThat(ImageHeader.read(pnm("P5 10 90 255\n", 900)))
                .isEqualTo(new ImageHeader(10, 90, "pnm"));
        assertThat(ImageHeader.read(pnm("P5 9 19 255\n", 171)))
                .isEqualTo(new ImageHeader(9, 19, "pnm"));
    }

    @Test
    void sixteenBitSamplesNeedTwoBytesEach() throws IOException {
        assertThat(ImageHeader.read(pnm("P5 4 2 65535\n", 16)))
                .isEqualTo(new ImageHeader(4, 2, "pnm"));
        Path shortData = pnm("P5 4 2 65535\n", 15);
        assertThatThrownBy(() -> ImageHeader.read(shortData))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "Image file "
                                + shortData
                                + " is truncated: expected 16 bytes of pixels for 4x2, found 15");
    }

    @Test
    void asciiGraymapsAreNotCheckedByByteCount() throws IOException {
        // P2 pixels are decimal text of any length, so no byte count can be expected.
        assertThat(ImageHeader.read(pnm("P2 4 2 255\n1 2\n", 0)))
                .isEqualTo(new ImageHeader(4, 2, "pnm"));
    }

    @Test
    void zeroAndOneMillionAreRejectedAsSizes() throws IOException {
        Path zero = pnm("P5 0 5 255\n", 10);
        assertThatThrownBy(() -> ImageHeader.read(zero))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "Image file "
                                + zero
                                + " has a bad PNM header: expected a positive number at byte 3");
        Path million = pnm("P5 1000000 1 255\n", 10);
        assertThatThrownBy(() -> ImageHeader.read(million))
                .hasMessageEndingWith("has a bad PNM header: expected a positive number at byte 3");
        // 999999 is the largest size accepted.
        assertThat(ImageHeader.read(pnm("P4 999999 1\n", 125_000)).width()).isEqualTo(999_999);
    }

    @Test
    void aHeaderThatStopsEarlyIsABadHeaderNotACrash() throws IOException {
        for (String head : new String[] {"P5 5", "P5 5 ", "P5 5 #comment", "P5 12 34"}) {
            Path f = pnm(head, 0);
            assertThatThrownBy(() -> ImageHeader.read(f))
                    .as(head)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(
                            "has a bad PNM header: expected a positive number at byte "
                                    + head.length());
        }
    }

    @Test
    void aJpegEndMarkerAtTheVeryStartOfTheCheckedTailCounts() throws IOException {
        // The last 1024 bytes are searched; put FFD9 at exactly the first of them.
        Path jpg = Fixtures.image(dir.resolve("a.jpg"), 16, 16);
        byte[] data = Files.readAllBytes(jpg);
        assertThat(data[data.length - 2] & 0xFF).isEqualTo(0xFF);
        assertThat(data[data.length - 1] & 0xFF).isEqualTo(0xD9);
        byte[] padded = java.util.Arrays.copyOf(data, data.length + 1022);
        Files.write(jpg, padded);
        assertThat(ImageHeader.read(jpg)).isEqualTo(new ImageHeader(16, 16, "jpeg"));
        // One byte more of padding pushes the marker out of the tail: reported as truncated.
        Files.write(jpg, java.util.Arrays.copyOf(data, data.length + 1023));
        assertThatThrownBy(() -> ImageHeader.read(jpg)).hasMessageContaining("is truncated");
    }

    @Test
    void aFormatImageIoCannotReadIsMeasuredByDecodingIt() throws IOException {
        Path webp = dir.resolve("a.webp");
        Fixtures.image(webp, 12, 7);
        assertThat(ImageHeader.read(webp)).isEqualTo(new ImageHeader(12, 7, "opencv"));
    }
}
