package io.github.keypoints.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The native libraries the process has loaded, as {@code /proc/self/maps} lists them (Linux): how
 * {@link TorchNnpack}, {@link TorchMklDispatch} and {@link MxOpenBlasCore} find the library an
 * engine loaded, wherever DJL extracted it.
 */
final class MappedLibraries {

    private static final Path MAPS = Path.of("/proc/self/maps");

    private MappedLibraries() {}

    /**
     * The first mapped file whose path ends with {@code suffix}.
     *
     * @param suffix the end of the path, such as {@code /libtorch_cpu.so}
     * @return its path; empty where there is no such file or no {@code /proc/self/maps}
     * @throws IOException if the map cannot be read
     */
    static Optional<Path> find(String suffix) throws IOException {
        if (!Files.isReadable(MAPS)) {
            return Optional.empty();
        }
        return find(Files.readAllLines(MAPS), suffix);
    }

    /**
     * The first path ending with {@code suffix} in lines of {@code /proc/self/maps}' format (the
     * path starts at the line's first {@code /}).
     *
     * @param lines the map's lines
     * @param suffix the end of the path
     * @return its path, if any
     */
    static Optional<Path> find(List<String> lines, String suffix) {
        for (String line : lines) {
            int slash = line.indexOf('/');
            if (slash >= 0 && line.endsWith(suffix)) {
                return Optional.of(Path.of(line.substring(slash)));
            }
        }
        return Optional.empty();
    }
}
