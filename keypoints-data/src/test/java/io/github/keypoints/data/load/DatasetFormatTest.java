package io.github.keypoints.data.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFormatTest {

    @TempDir Path dir;

    @Test
    void detectsByExtensionAndFolderContent() throws IOException {
        Path imm = dir.resolve("imm");
        Fixtures.immPair(imm, "01-1m", 8, 8);
        Path pts = dir.resolve("w");
        Fixtures.ptsPair(pts.resolve("deep/er"), "a", 8, 8);
        Path xml = Files.writeString(dir.resolve("x.XML"), "<dataset/>");
        assertThat(DatasetFormat.detect(imm)).isEqualTo(DatasetFormat.IMM);
        assertThat(DatasetFormat.detect(imm.resolve("01-1m.asf"))).isEqualTo(DatasetFormat.IMM);
        assertThat(DatasetFormat.detect(pts)).isEqualTo(DatasetFormat.PTS);
        assertThat(DatasetFormat.detect(xml)).isEqualTo(DatasetFormat.XML);
    }

    @Test
    void undetectableAndMissingPathsAreNamed() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThatThrownBy(() -> DatasetFormat.detect(empty))
                .hasMessageContaining("Cannot tell the dataset format of " + empty);
        assertThatThrownBy(() -> DatasetFormat.detect(dir.resolve("nope")))
                .hasMessageContaining("does not exist: " + dir.resolve("nope"));
        assertThatThrownBy(() -> DatasetFormat.parse("csv"))
                .hasMessageContaining("expected imm, pts or xml");
        assertThat(DatasetFormat.parse(" Pts ")).isEqualTo(DatasetFormat.PTS);
    }
}
