package io.github.keypoints.data.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Recursive deletion of a file or folder tree. */
public final class FileTrees {

    private FileTrees() {}

    /**
     * Deletes a file, or a folder and everything in it; nothing happens if the path does not exist.
     * Symbolic links are deleted, not followed.
     *
     * @param path the file or folder
     * @throws IOException naming the entry that could not be deleted
     */
    public static void delete(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> entries;
        try (Stream<Path> s = Files.walk(path)) {
            entries = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : entries) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new IOException("Cannot delete " + p + ": " + e.getMessage(), e);
            }
        }
    }
}
