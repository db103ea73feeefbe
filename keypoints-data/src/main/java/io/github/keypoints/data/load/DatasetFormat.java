package io.github.keypoints.data.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/** The on-disk layouts {@link DatasetLoader} reads. */
public enum DatasetFormat {
    /** A folder of IMM {@code .asf} files beside their images (not recursive), or one file. */
    IMM,
    /** A folder tree of 300-W {@code .pts} files beside same-named images, or one file. */
    PTS,
    /** One dlib imglab XML file; image paths are relative to its folder. */
    XML;

    /**
     * Parses a format name, case-insensitively ({@code imm}, {@code pts}, {@code xml}).
     *
     * @param name the name
     * @return the format
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static DatasetFormat parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Unknown dataset format '" + name + "': expected imm, pts or xml", e);
        }
    }

    /**
     * Guesses the format of a path: an {@code .xml} file is XML, an {@code .asf} file or a folder
     * with {@code .asf} files is IMM, a {@code .pts} file or a folder tree with {@code .pts} files
     * is PTS.
     *
     * @param path a file or folder
     * @return the format
     * @throws IOException if the folder cannot be listed
     * @throws IllegalArgumentException naming the path if it does not exist or no format fits
     */
    public static DatasetFormat detect(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("Dataset path does not exist: " + path);
        }
        if (Files.isRegularFile(path)) {
            String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".xml")) {
                return XML;
            }
            if (name.endsWith(".asf")) {
                return IMM;
            }
            if (name.endsWith(".pts")) {
                return PTS;
            }
            throw new IllegalArgumentException(
                    "Cannot tell the dataset format of "
                            + path
                            + ": expected a .xml, .asf or .pts file or a folder");
        }
        try (Stream<Path> s = Files.list(path)) {
            if (s.anyMatch(p -> hasExtension(p, ".asf"))) {
                return IMM;
            }
        }
        try (Stream<Path> s = Files.walk(path)) {
            if (s.anyMatch(p -> hasExtension(p, ".pts"))) {
                return PTS;
            }
        }
        throw new IllegalArgumentException(
                "Cannot tell the dataset format of "
                        + path
                        + ": expected .asf files in it (IMM) or .pts files under it (300-W); for"
                        + " imglab XML pass the .xml file");
    }

    static boolean hasExtension(Path p, String ext) {
        return Files.isRegularFile(p)
                && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(ext);
    }
}
