package io.github.keypoints.data.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Fixtures;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImmAsfFormatTest {

    @TempDir Path dir;

    /** Builds an asf text in the IMM layout with {@code fields} fields per point line. */
    static String asf(int count, int lines, int fields, String host) {
        StringBuilder sb = new StringBuilder("######\n# AAM Shape File\n######\n\n");
        sb.append("#\n# number of model points\n#\n").append(count).append("\n\n#\n");
        for (int i = 0; i < lines; i++) {
            List<String> f =
                    new ArrayList<>(
                            List.of("0", "4", "0." + (100 + i), "0.5" + i, "" + i, "0", "1"));
            while (f.size() < fields) {
                f.add("0.00");
            }
            sb.append(String.join(" \t", f.subList(0, Math.max(1, Math.min(fields, f.size())))))
                    .append('\n');
        }
        if (host != null) {
            sb.append("\n#\n# host image\n#\n").append(host).append('\n');
        }
        return sb.toString();
    }

    private Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("01-1m.asf"), text);
    }

    @Test
    void parsesSevenFieldLinesAndHostImage() throws IOException {
        ImmShape s = ImmAsfFormat.parse(file(asf(58, 58, 7, "01-1m.jpg")));
        assertThat(s.hostImage()).isEqualTo("01-1m.jpg");
        assertThat(s.relative().scheme()).isEqualTo(LandmarkScheme.IMM_58);
        assertThat(s.relative().x(3)).isEqualTo(0.103f);
        assertThat(s.relative().y(3)).isEqualTo(0.53f);
    }

    @Test
    void acceptsThreeExtraUserFields() throws IOException {
        ImmShape s = ImmAsfFormat.parse(file(asf(58, 58, 10, "01-1m.jpg")));
        assertThat(s.relative().size()).isEqualTo(58);
    }

    @Test
    void toPixelsUsesTheRealImageSize() throws IOException {
        ImmShape s = ImmAsfFormat.parse(file(asf(58, 58, 7, "01-1m.jpg")));
        Keypoints px = s.toPixels(320, 240);
        assertThat(px.x(3)).isEqualTo(0.103f * 320, org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(px.y(3)).isEqualTo(0.53f * 240, org.assertj.core.data.Offset.offset(1e-4f));
    }

    @Test
    void writeThenParseGivesTheSameShape() throws IOException {
        ImmShape shape = new ImmShape(Fixtures.immRelative(7), "07-3m.jpg");
        Path f = dir.resolve("out.asf");
        ImmAsfFormat.write(shape, f);
        assertThat(ImmAsfFormat.parse(f)).isEqualTo(shape);
        assertThat(Files.readString(f)).contains("1 \t0 \t", "\n07-3m.jpg\n");
    }

    @Test
    void tooFewFieldsNamesLineAndCounts() throws IOException {
        String text =
                asf(58, 58, 7, "x.jpg")
                        .replaceFirst("0 \t4 \t0.105 \t0.55 \t5 \t0 \t1", "0 4 0.105 0.55 5");
        Path f = file(text);
        assertThatThrownBy(() -> ImmAsfFormat.parse(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessageContaining(f + ":")
                .hasMessageContaining("expected point line 6 of 58 with 7 or more fields, found 5");
    }

    @Test
    void wrongPointCountIsReported() throws IOException {
        Path f = file(asf(57, 57, 7, "x.jpg"));
        assertThatThrownBy(() -> ImmAsfFormat.parse(f))
                .hasMessageContaining(
                        "expected 58 points (IMM 58-point markup), found a point count of 57")
                .satisfies(e -> assertThat(((MalformedAnnotationException) e).line()).hasValue(8));
    }

    @Test
    void hostLineInsteadOfPointIsReported() throws IOException {
        Path f = file(asf(58, 40, 7, "x.jpg"));
        assertThatThrownBy(() -> ImmAsfFormat.parse(f))
                .hasMessageContaining(
                        "expected point line 41 of 58 with 7 or more fields, found 1 field: 'x.jpg'");
    }

    @Test
    void truncatedFileIsReported() throws IOException {
        Path f = file(asf(58, 20, 7, null));
        assertThatThrownBy(() -> ImmAsfFormat.parse(f))
                .hasMessageContaining("expected 58 point lines, found 20 before end of file");
    }

    @Test
    void missingHostImageIsReported() throws IOException {
        Path f = file(asf(58, 58, 7, null));
        assertThatThrownBy(() -> ImmAsfFormat.parse(f))
                .hasMessageContaining("expected the host image line, found end of file");
    }

    @Test
    void nanAndInfiniteCoordinatesAreRejected() throws IOException {
        String base = asf(58, 58, 7, "x.jpg");
        Path f = file(base.replace("0.103", "NaN"));
        assertThatThrownBy(() -> ImmAsfFormat.parse(f))
                .hasMessageContaining(
                        "expected a finite number for x rel. of point 3, found 'NaN'");
        Path g = file(base.replace("0.53", "-Infinity"));
        assertThatThrownBy(() -> ImmAsfFormat.parse(g))
                .hasMessageContaining("y rel. of point 3, found '-Infinity'");
        Path h = file(base.replace("0.53", "1e999"));
        assertThatThrownBy(() -> ImmAsfFormat.parse(h)).hasMessageContaining("found '1e999'");
    }

    @Test
    void pointNumbersOutOfOrderAreRejected() throws IOException {
        Path f = file(asf(58, 58, 7, "x.jpg").replace("0.53 \t3 \t", "0.53 \t4 \t"));
        assertThatThrownBy(() -> ImmAsfFormat.parse(f))
                .hasMessageContaining("expected point# 3, found '4'");
    }

    @Test
    void emptyFileIsReported() throws IOException {
        Path f = file("");
        assertThatThrownBy(() -> ImmAsfFormat.parse(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessageContaining("expected the point count line, found end of file");
    }

    @Test
    void nonUtf8JunkNamesTheLine() throws IOException {
        Path f = dir.resolve("junk.asf");
        byte[] text = asf(58, 58, 7, "x.jpg").getBytes(StandardCharsets.UTF_8);
        byte[] junk = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE};
        byte[] all = new byte[text.length + junk.length];
        int cut = asf(58, 2, 7, null).length() - 1; // inside the third point line
        System.arraycopy(text, 0, all, 0, cut);
        System.arraycopy(junk, 0, all, cut, junk.length);
        System.arraycopy(text, cut, all, cut + junk.length, text.length - cut);
        Files.write(f, all);
        assertThatThrownBy(() -> ImmAsfFormat.parse(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessageContaining("expected UTF-8 text, found byte 0xC3")
                .satisfies(e -> assertThat(((MalformedAnnotationException) e).line()).isPresent());
    }

    @Test
    void binaryJunkIsRejected() throws IOException {
        Path f = dir.resolve("bin.asf");
        Files.write(f, new byte[] {0, 1, 2, 3, 58, 10});
        assertThatThrownBy(() -> ImmAsfFormat.parse(f))
                .hasMessageContaining(f + ":1: expected text, found control character 0x00");
    }
}
