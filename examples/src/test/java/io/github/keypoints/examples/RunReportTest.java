package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

    @TempDir Path dir;

    @Test
    void linksPicturesRelativeToTheRunFolderAndWritesTables() throws Exception {
        Path run = dir.resolve("runs/demo");
        Files.createDirectories(run.resolve("nose"));
        Files.write(run.resolve("nose/loss-curve.png"), new byte[] {1});
        RunReport report = new RunReport(run, "demo");
        report.table(List.of("model", "px"), List.of(List.of("a|b", RunReport.number(1.234, 1))));
        report.image(run.resolve("nose/loss-curve.png"), "Loss");
        report.image(run.resolve("missing.png"), "Gone");
        Path written = report.write();

        String md = Files.readString(written, StandardCharsets.UTF_8);
        assertThat(written).isEqualTo(run.resolve("report.md"));
        assertThat(md).startsWith("# demo\n");
        assertThat(md).contains("| model | px |\n| --- | --- |\n| a\\|b | 1.2 |");
        assertThat(md).contains("![Loss](nose/loss-curve.png)");
        assertThat(md).contains("*Gone: not written.*").doesNotContain("](missing.png)");
    }

    @Test
    void rejectsARowOfTheWrongLength() {
        RunReport report = new RunReport(dir, "t");
        assertThatThrownBy(() -> report.table(List.of("a", "b"), List.of(List.of("1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 0 has 1 cells, expected 2");
    }

    @Test
    void formatsNaNAsNotAvailable() {
        assertThat(RunReport.number(Double.NaN, 2)).isEqualTo("n/a");
        assertThat(RunReport.number(0.3456, 2)).isEqualTo("0.35");
    }
}
