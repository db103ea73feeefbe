package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    private static Checkpoint sample() {
        return new Checkpoint(
                Map.of("architecture", "tiny"),
                List.of(new EpochRecord(0, 1e-3, 0.5, 0.4, 12.5, 9.0, Double.NaN, 1.5)),
                new byte[] {1, 2, 3},
                new byte[] {4, 5});
    }

    @Test
    void roundTripsEverything(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.ckpt");
        sample().save(f);
        Checkpoint back = Checkpoint.load(f);
        assertThat(back.metadata()).isEqualTo(Map.of("architecture", "tiny"));
        assertThat(back.history()).isEqualTo(sample().history());
        assertThat(back.parameters()).containsExactly(1, 2, 3);
        assertThat(back.optimizerState()).containsExactly(4, 5);
    }

    @Test
    void truncatedOrForeignFilesAreReportedWithTheirPath(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.ckpt");
        sample().save(f);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 2));
        assertThatThrownBy(() -> Checkpoint.load(f))
                .hasMessageContaining(f.toString())
                .hasMessageContaining("truncated");
        Files.writeString(f, "hello");
        assertThatThrownBy(() -> Checkpoint.load(f)).hasMessageContaining(f.toString());
    }

    @Test
    void aWriterThatDiesLeavesTheOldFileIntact(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.ckpt");
        sample().save(f);
        byte[] before = Files.readAllBytes(f);
        assertThatThrownBy(
                        () ->
                                AtomicOutput.writeDurably(
                                        f,
                                        out -> {
                                            out.write(new byte[100]);
                                            throw new IOException("killed mid-write");
                                        }))
                .hasMessageContaining("killed");
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }
}
