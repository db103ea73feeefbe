package io.github.keypoints.data.format;

import static io.github.keypoints.data.Fixtures.ptsLines;
import static io.github.keypoints.data.Fixtures.ptsText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Fixtures;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PtsFormatTest {

    @TempDir Path dir;

    private Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("face.pts"), text);
    }

    @Test
    void parses68PointsAsIbug() throws IOException {
        Keypoints k = PtsFormat.parse(file(ptsText(68, ptsLines(68))));
        assertThat(k.scheme()).isEqualTo(LandmarkScheme.IBUG_68);
        assertThat(k.x(2)).isEqualTo(11.5f); // "12.5 22.25", one-based
        assertThat(k.y(67)).isEqualTo(86.25f); // "77.5 87.25"
    }

    @Test
    void zeroBasedFilesAreReadAsWritten() throws IOException {
        Keypoints k = PtsFormat.parse(file(ptsText(68, ptsLines(68))), PixelOrigin.ZERO_BASED);
        assertThat(k.x(2)).isEqualTo(12.5f);
        assertThat(k.y(67)).isEqualTo(87.25f);
    }

    @Test
    void writingAddsTheOriginBack() throws IOException {
        Keypoints k = Keypoints.of(PtsFormat.schemeFor(2), new float[] {0f, 0f, 11.5f, 86.25f});
        Path one = dir.resolve("one.pts");
        Path zero = dir.resolve("zero.pts");
        PtsFormat.write(k, one);
        PtsFormat.write(k, zero, PixelOrigin.ZERO_BASED);
        assertThat(Files.readString(one)).contains("{\n1.0 1.0\n12.5 87.25\n}");
        assertThat(Files.readString(zero)).contains("{\n0.0 0.0\n11.5 86.25\n}");
        assertThat(PtsFormat.parse(zero, PixelOrigin.ZERO_BASED)).isEqualTo(k);
    }

    @Test
    void oneBasedWritingKeepsEveryFloat() throws IOException {
        // 0.1f + 1 rounds in float arithmetic: the file must still read back as 0.1f
        float[] xy = {0.1f, 1e-7f, -0.30000001f, 3999.9998f, 16777215f, -1f};
        Keypoints k = Keypoints.of(PtsFormat.schemeFor(3), xy);
        Path f = dir.resolve("small.pts");
        PtsFormat.write(k, f);
        assertThat(PtsFormat.parse(f)).isEqualTo(k);
    }

    @Test
    void otherCountsGetAPlainScheme() throws IOException {
        Keypoints k = PtsFormat.parse(file(ptsText(5, ptsLines(5))));
        assertThat(k.scheme().name()).isEqualTo("pts-5");
        assertThat(k.size()).isEqualTo(5);
    }

    @Test
    void toleratesCrlfAndBlankLines() throws IOException {
        Keypoints k = PtsFormat.parse(file(ptsText(68, ptsLines(68)).replace("\n", "\r\n\r\n")));
        assertThat(k.size()).isEqualTo(68);
    }

    @Test
    void toleratesAUtf8ByteOrderMark() throws IOException {
        Path f = dir.resolve("bom.pts");
        byte[] text = ptsText(68, ptsLines(68)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] all = new byte[text.length + 3];
        all[0] = (byte) 0xEF;
        all[1] = (byte) 0xBB;
        all[2] = (byte) 0xBF;
        System.arraycopy(text, 0, all, 3, text.length);
        Files.write(f, all);
        assertThat(PtsFormat.parse(f).size()).isEqualTo(68);
    }

    @Test
    void writeThenParseGivesTheSamePoints() throws IOException {
        Keypoints k = Fixtures.ibug(3, 4000, 3000);
        Path f = dir.resolve("w.pts");
        PtsFormat.write(k, f);
        assertThat(PtsFormat.parse(f)).isEqualTo(k);
        assertThat(Files.readString(f))
                .startsWith("version: 1\nn_points:  68\n{\n")
                .endsWith("}\n");
    }

    @Test
    void fewerLinesThanDeclaredIsAWrongPointCount() throws IOException {
        Path f = file(ptsText(68, ptsLines(67)));
        assertThatThrownBy(() -> PtsFormat.parse(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessageContaining(
                        f + ":71: expected 68 point lines (n_points), found 67 before '}'");
    }

    @Test
    void moreLinesThanDeclaredIsAWrongPointCount() throws IOException {
        Path f = file(ptsText(68, ptsLines(69)));
        assertThatThrownBy(() -> PtsFormat.parse(f))
                .hasMessageContaining(
                        ":72: expected '}' after 68 points (n_points), found '78.5 88.25'");
    }

    @Test
    void nanAndInfinityAreRejectedWithTheLine() throws IOException {
        String[] lines = ptsLines(68);
        lines[10] = "NaN 3";
        Path f = file(ptsText(68, lines));
        assertThatThrownBy(() -> PtsFormat.parse(f))
                .hasMessageContaining(
                        ":14: expected a finite number for x of point 10, found 'NaN'");
        lines[10] = "3 Infinity";
        Path g = file(ptsText(68, lines));
        assertThatThrownBy(() -> PtsFormat.parse(g))
                .hasMessageContaining("y of point 10, found 'Infinity'");
    }

    @Test
    void headerProblemsAreNamed() throws IOException {
        Path a = file("");
        assertThatThrownBy(() -> PtsFormat.parse(a))
                .hasMessageContaining("found end of file (empty file)");
        Path b = file("n_points: 68\n");
        assertThatThrownBy(() -> PtsFormat.parse(b))
                .hasMessageContaining(":1: expected 'version: 1', found 'n_points: 68'");
        Path c = file("version: 1\nn_points: 68\n1 2\n");
        assertThatThrownBy(() -> PtsFormat.parse(c))
                .hasMessageContaining(":3: expected '{', found '1 2'");
        Path d = file("version: 1\nn_points: 2\n{\n1 2\n3 4\n");
        assertThatThrownBy(() -> PtsFormat.parse(d))
                .hasMessageContaining(
                        "expected 2 point lines and '}', found end of file after 2 points");
        Path e = file("version: 1\nn_points: 2\n{\n1 2 3\n3 4\n}\n");
        assertThatThrownBy(() -> PtsFormat.parse(e))
                .hasMessageContaining(":4: expected 2 fields 'x y' for point 0, found 3");
    }

    @Test
    void nonUtf8JunkIsRejectedWithTheLine() throws IOException {
        Path f = dir.resolve("junk.pts");
        Files.write(f, new byte[] {'v', 'e', 'r', '\n', (byte) 0x89, 'P', 'N', 'G', '\n'});
        assertThatThrownBy(() -> PtsFormat.parse(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessageContaining(f + ":2: expected UTF-8 text, found byte 0x89 at column 1");
    }
}
