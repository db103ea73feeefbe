package io.github.keypoints.morph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/** A temporary file or folder beside a target, moved into place on commit. */
final class AtomicOutput {

    private final Path target;
    private final Path temp;

    private AtomicOutput(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    static AtomicOutput file(Path target, String suffix) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return new AtomicOutput(
                target, Files.createTempFile(dir, "." + target.getFileName() + ".", suffix));
    }

    static AtomicOutput folder(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.list(target)) {
                if (s.findAny().isPresent()) {
                    throw new IOException(
                            "Output folder "
                                    + target
                                    + " exists and is not empty; not replacing it");
                }
            }
        } else if (Files.exists(target)) {
            throw new IOException("Output " + target + " exists and is not a folder");
        }
        return new AtomicOutput(
                target, Files.createTempDirectory(dir, "." + target.getFileName() + ".tmp"));
    }

    Path temp() {
        return temp;
    }

    void commit() throws IOException {
        // Temporary files and folders are created owner-only; outputs get ordinary permissions.
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(
                    temp,
                    PosixFilePermissions.fromString(
                            Files.isDirectory(temp) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        if (Files.isDirectory(temp) && Files.isDirectory(target)) {
            Files.delete(target); // empty, checked when opened
        }
        Files.move(
                temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    void discard() {
        try {
            if (Files.isDirectory(temp)) {
                try (Stream<Path> s = Files.walk(temp)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            } else {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete temporary output " + temp, e);
        }
    }
}
