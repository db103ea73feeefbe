package io.github.keypoints.data.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The point lines {@link ImmAsfFormat#write} produces, field by field, and extra-field errors. */
class ImmAsfLayoutTest {

    @TempDir Path dir;

    /** The point lines of a written file, split into fields, by point number. */
    private String[][] pointLines() throws IOException {
        Path f = dir.resolve("s.asf");
        ImmAsfFormat.write(new ImmShape(Fixtures.immRelative(4), "s.jpg"), f);
        List<String> lines = Files.readAllLines(f);
        String[][] out = new String[58][];
        for (String l : lines) {
            String[] fields = l.strip().split("\\s+");
            if (fields.length == 7 && !l.startsWith("#")) {
                out[Integer.parseInt(fields[4])] = fields;
            }
        }
        return out;
    }

    /** Path, type, from and to of a point line (x and y left out). */
    private static List<String> topology(String[] fields) {
        return List.of(fields[0], fields[1], fields[5], fields[6]);
    }

    @Test
    void eachPathIsNumberedAndLinkedAsTheImmMarkupRuns() throws IOException {
        String[][] p = pointLines();
        // IMM paths: 0 jaw 0–12 (open), 1 right eye 13–20 (closed), 2 left eye 21–28 (closed),
        // 3 and 4 brows 29–33 and 34–38 (open), 5 mouth 39–46 (closed), 6 nose 47–57 (open).
        // Open paths have type 4 and their ends connect to themselves; closed ones type 0 and
        // wrap round.
        assertThat(topology(p[0])).containsExactly("0", "4", "0", "1");
        assertThat(topology(p[5])).containsExactly("0", "4", "4", "6");
        assertThat(topology(p[12])).containsExactly("0", "4", "11", "12");
        assertThat(topology(p[13])).containsExactly("1", "0", "20", "14");
        assertThat(topology(p[20])).containsExactly("1", "0", "19", "13");
        assertThat(topology(p[21])).containsExactly("2", "0", "28", "22");
        assertThat(topology(p[29])).containsExactly("3", "4", "29", "30");
        assertThat(topology(p[38])).containsExactly("4", "4", "37", "38");
        assertThat(topology(p[39])).containsExactly("5", "0", "46", "40");
        assertThat(topology(p[46])).containsExactly("5", "0", "45", "39");
        assertThat(topology(p[47])).containsExactly("6", "4", "47", "48");
        assertThat(topology(p[57])).containsExactly("6", "4", "56", "57");
    }

    @Test
    void aBadExtraFieldIsNamedByItsOneBasedPosition() throws IOException {
        String text = ImmAsfFormatTest.asf(58, 58, 7, "a.jpg");
        // Make field 6 ("connects from") of point 0 a word.
        String bad =
                text.replaceFirst(
                        "(?m)^0 \t4 \t(\\S+) \t(\\S+) \t0 \t0 \t1$", "0 \t4 \t$1 \t$2 \t0 \tx \t1");
        assertThat(bad).isNotEqualTo(text);
        Path f = Files.writeString(dir.resolve("b.asf"), bad);
        assertThatThrownBy(() -> ImmAsfFormat.parse(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessageEndingWith("expected a number for field 6 of point 0, found 'x'");
        String bad7 =
                text.replaceFirst(
                        "(?m)^0 \t4 \t(\\S+) \t(\\S+) \t0 \t0 \t1$",
                        "0 \t4 \t$1 \t$2 \t0 \t0 \tNaN");
        Path g = Files.writeString(dir.resolve("c.asf"), bad7);
        assertThatThrownBy(() -> ImmAsfFormat.parse(g))
                .hasMessageEndingWith(
                        "expected a finite number for field 7 of point 0, found 'NaN'");
    }
}
