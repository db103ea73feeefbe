package io.github.keypoints.data.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Fixtures;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Written files are ordinary (not owner-only) files; .pts point counts must be positive. */
class SmallContractsTest {

    @TempDir Path dir;

    @Test
    void aWrittenAnnotationIsReadableByOthersLikeAnyOutput() throws IOException {
        Assumptions.assumeTrue(
                FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "no POSIX permissions on this file system");
        Path f = dir.resolve("out.pts");
        PtsFormat.write(Fixtures.ibug(1, 100, 80), f);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-r--r--");
        assertThat(PtsFormat.parse(f).size()).isEqualTo(68);
    }

    @Test
    void aPtsFileNeedsAPositivePointCountLine() throws IOException {
        Path zero = Files.writeString(dir.resolve("z.pts"), Fixtures.ptsText(0));
        assertThatThrownBy(() -> PtsFormat.parse(zero))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessage(zero + ":2: expected a positive n_points, found 0");
        Path cut = Files.writeString(dir.resolve("c.pts"), "version: 1\n");
        assertThatThrownBy(() -> PtsFormat.parse(cut))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessage(cut + ":1: expected 'n_points: N', found end of file");
    }
}
