package io.github.keypoints.data.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Fixtures;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmissionCsvTest {

    @TempDir Path dir;

    @Test
    void rowsAreNumberedFromOneImageThenPointXThenY() throws IOException {
        Keypoints a = Fixtures.ibug(1, 640, 480);
        Keypoints b = Fixtures.ibug(2, 640, 480);
        Path f = dir.resolve("sub.csv");
        SubmissionCsv.write(List.of(a, b), f);
        List<String> lines = Files.readAllLines(f);
        assertThat(lines).hasSize(1 + 2 * 136);
        assertThat(lines.get(0)).isEqualTo("Id,Predicted");
        assertThat(lines.get(1)).startsWith("1,");
        // Read it back: row id -> value, then rebuild each image's points.
        float[][] back = new float[2][136];
        for (String line : lines.subList(1, lines.size())) {
            String[] f2 = line.split(",");
            int id = Integer.parseInt(f2[0]) - 1;
            back[id / 136][id % 136] = Float.parseFloat(f2[1]);
        }
        assertThat(Keypoints.of(LandmarkScheme.IBUG_68, back[0])).isEqualTo(a);
        assertThat(Keypoints.of(LandmarkScheme.IBUG_68, back[1])).isEqualTo(b);
        assertThat(lines.get(1 + 136 + 2 * 5 + 1))
                .isEqualTo((137 + 11) + "," + TextLines.plain(b.y(5)));
    }

    @Test
    void mixedPointCountsAreRejected() {
        Keypoints a = Fixtures.ibug(1, 640, 480);
        Keypoints b = Fixtures.immRelative(1);
        assertThatThrownBy(() -> SubmissionCsv.write(List.of(a, b), dir.resolve("x.csv")))
                .hasMessageContaining(
                        "Expected 68 points in every prediction, found 58 in prediction 1");
        assertThat(dir.resolve("x.csv")).doesNotExist();
    }
}
