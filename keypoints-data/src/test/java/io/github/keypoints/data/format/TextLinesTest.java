package io.github.keypoints.data.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Line splitting, decoding errors and quoting of the reader both text formats share. */
class TextLinesTest {

    @TempDir Path dir;

    private Path bytes(int... values) throws IOException {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return Files.write(dir.resolve("a.pts"), b);
    }

    @Test
    void aFileOfOnlyAByteOrderMarkHasNoLines() throws IOException {
        TextLines t = TextLines.read(bytes(0xEF, 0xBB, 0xBF));
        assertThat(t.endLine()).isZero();
        assertThat(t.nextNonBlank()).isNull();
    }

    @Test
    void aLeadingEmptyLineIsLineOne() throws IOException {
        TextLines t = TextLines.read(bytes('\n', 'a', '\r', '\n', '\r', '\n', 'b'));
        // "", "a", "", "b": carriage returns are dropped, the last line needs no newline.
        assertThat(t.endLine()).isEqualTo(4);
        assertThat(t.nextContent()).isEqualTo("a");
        assertThat(t.lineNumber()).isEqualTo(2);
        assertThat(t.nextNonBlank()).isEqualTo("b");
        assertThat(t.lineNumber()).isEqualTo(4);
        assertThat(t.nextNonBlank()).isNull();
        assertThat(t.file()).isEqualTo(dir.resolve("a.pts"));
    }

    @Test
    void aControlCharacterIsReportedWithItsLineAndColumn() throws IOException {
        Path f = bytes('x', '\n', 'a', 'b', 0x01, 'c');
        assertThatThrownBy(() -> TextLines.read(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessage(f + ":2: expected text, found control character 0x01 at column 3");
    }

    @Test
    void aBadUtf8ByteIsReportedWithItsValueAndColumn() throws IOException {
        // A lone lead byte 0xC3 after two letters: column 3.
        Path f = bytes('a', 'b', 0xC3, '\n');
        assertThatThrownBy(() -> TextLines.read(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessage(f + ":1: expected UTF-8 text, found byte 0xC3 at column 3");
        // A NUL before the bad byte is ASCII: the scan for the culprit must pass over it.
        Path g = bytes('\n', 0, 0xFF);
        assertThatThrownBy(() -> TextLines.read(g))
                .hasMessage(g + ":2: expected UTF-8 text, found byte 0xFF at column 2");
    }

    @Test
    void aFileOfExactlyTheLimitIsReadAndOneByteMoreIsRefused() throws IOException {
        Path f = dir.resolve("big.pts");
        try (var ch =
                java.nio.channels.FileChannel.open(
                        f,
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE)) {
            // Spaces: valid one-line text, MAX_BYTES long.
            java.nio.ByteBuffer spaces = java.nio.ByteBuffer.allocate(1 << 20);
            while (spaces.hasRemaining()) {
                spaces.put((byte) ' ');
            }
            for (long i = 0; i < TextLines.MAX_BYTES >> 20; i++) {
                spaces.flip();
                ch.write(spaces);
            }
        }
        assertThat(TextLines.read(f).endLine()).isEqualTo(1);
        Files.write(f, new byte[] {' '}, java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> TextLines.read(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessage(
                        f
                                + ": expected an annotation file under 16 MiB, found "
                                + (TextLines.MAX_BYTES + 1)
                                + " bytes");
    }

    @Test
    void quoteShortensTextsLongerThanSixtyCharacters() {
        String sixty = "x".repeat(60);
        assertThat(TextLines.quote(sixty)).isEqualTo("'" + sixty + "'");
        assertThat(TextLines.quote(sixty + "y")).isEqualTo("'" + sixty + "…'");
        assertThat(TextLines.quote(null)).isEqualTo("end of file");
    }
}
