package io.github.keypoints.data.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHelpersTest {

    @TempDir Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    @Test
    void aWrittenFileReplacesTheOldOneWithOrdinaryPermissionsAndLeavesNothingElse()
            throws IOException {
        Path f = dir.resolve("sub/out.csv");
        AtomicOutput.writeString(f, "old");
        AtomicOutput.writeDurably(f, out -> out.write("new".getBytes(StandardCharsets.UTF_8)));
        assertThat(Files.readString(f)).isEqualTo("new");
        try (Stream<Path> s = Files.list(f.getParent())) {
            assertThat(s).containsExactly(f);
        }
        if (posix()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                    .isEqualTo("rw-r--r--");
        }
    }

    @Test
    void aWriterThatFailsLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("out.bin");
        AtomicOutput.write(f, new byte[] {1, 2, 3});
        assertThatThrownBy(
                        () ->
                                AtomicOutput.write(
                                        f,
                                        out -> {
                                            out.write(new byte[10]);
                                            throw new IOException("disk full");
                                        }))
                .hasMessageContaining("Cannot write " + f)
                .hasMessageContaining("disk full");
        assertThat(Files.readAllBytes(f)).containsExactly(1, 2, 3);
        assertThat(names()).containsExactly("out.bin");
    }

    @Test
    void theTemporaryFileIsHiddenBesideTheTargetWithItsExtension() throws IOException {
        Path f = dir.resolve("movie.avi");
        try (AtomicOutput out = AtomicOutput.file(f)) {
            assertThat(out.temp().getParent()).isEqualTo(dir.toAbsolutePath());
            assertThat(out.temp().getFileName().toString())
                    .startsWith(".movie.avi.")
                    .endsWith(".avi");
            assertThat(out.target()).isEqualTo(f);
        }
        assertThat(names()).isEmpty();
        try (AtomicOutput out = AtomicOutput.file(dir.resolve("README"))) {
            assertThat(out.temp().getFileName().toString()).endsWith(".tmp");
        }
    }

    @Test
    void aFolderAppearsWholeReplacesAnOldFolderAndIsDiscardedUnlessCommitted() throws IOException {
        Path target = dir.resolve("frames");
        try (AtomicOutput out = AtomicOutput.folder(target)) {
            Files.writeString(out.temp().resolve("a.txt"), "a");
            assertThat(target).doesNotExist();
            out.commit();
            assertThatThrownBy(out::commit).isInstanceOf(IllegalStateException.class);
        }
        assertThat(Files.readString(target.resolve("a.txt"))).isEqualTo("a");
        if (posix()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                    .isEqualTo("rwxr-xr-x");
        }
        try (AtomicOutput out = AtomicOutput.folder(target)) {
            Files.createDirectories(out.temp().resolve("deep"));
            Files.writeString(out.temp().resolve("deep/b.txt"), "b");
            out.commit();
        }
        assertThat(target.resolve("a.txt")).doesNotExist();
        assertThat(Files.readString(target.resolve("deep/b.txt"))).isEqualTo("b");
        try (AtomicOutput out = AtomicOutput.folder(dir.resolve("never"))) {
            Files.writeString(out.temp().resolve("c.txt"), "c");
        }
        assertThat(names()).containsExactly("frames");
    }

    @Test
    void aFolderCannotReplaceAFile() throws IOException {
        Path target = dir.resolve("taken");
        Files.writeString(target, "x");
        try (AtomicOutput out = AtomicOutput.folder(target)) {
            assertThatThrownBy(out::commit).hasMessageContaining("is not a folder");
        }
        assertThat(Files.readString(target)).isEqualTo("x");
        assertThat(names()).containsExactly("taken");
    }

    @Test
    void treeDeletionRemovesEverythingButDoesNotFollowLinks() throws IOException {
        Path outside = dir.resolve("keep");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("k.txt"), "k");
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("a/b"));
        Files.writeString(tree.resolve("a/b/f.txt"), "f");
        Files.writeString(tree.resolve("top.txt"), "t");
        Files.createSymbolicLink(tree.resolve("link"), outside);
        FileTrees.delete(tree);
        assertThat(tree).doesNotExist();
        assertThat(outside.resolve("k.txt")).exists();
        FileTrees.delete(tree);
        Path single = dir.resolve("single.txt");
        Files.writeString(single, "s");
        FileTrees.delete(single);
        assertThat(names()).containsExactly("keep");
    }

    @Test
    void sha256MatchesThePublishedTestVectors() throws IOException {
        // FIPS 180-2 examples.
        assertThat(Sha256.of(""))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Sha256.of("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        Path f = dir.resolve("abc.txt");
        Files.writeString(f, "abc");
        assertThat(Sha256.of(f)).isEqualTo(Sha256.of("abc".getBytes(StandardCharsets.US_ASCII)));
        var d = Sha256.newDigest();
        d.update("ab".getBytes(StandardCharsets.US_ASCII));
        d.update("c".getBytes(StandardCharsets.US_ASCII));
        assertThat(Sha256.hex(d)).isEqualTo(Sha256.of("abc"));
    }
}
