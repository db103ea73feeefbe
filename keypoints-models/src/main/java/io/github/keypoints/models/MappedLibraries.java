package io.github.keypoints.models;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The native libraries the process has loaded, as {@code /proc/self/maps} lists them (Linux): how
 * {@link TorchNnpack}, {@link TorchMklDispatch}, {@link TorchGraphFuser} and {@link MxOpenBlasCore}
 * find the library an engine loaded, wherever DJL extracted it, and open it for JNA without
 * changing how it was loaded ({@link #open}).
 */
final class MappedLibraries {

    private static final Path MAPS = Path.of("/proc/self/maps");

    /**
     * {@code dlopen}'s {@code RTLD_LAZY | RTLD_NOLOAD} on Linux: an already loaded library only.
     */
    private static final int LOADED_ONLY = 0x1 | 0x4;

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

    /**
     * The already loaded library at {@code path}, for JNA, opened with {@code RTLD_LAZY |
     * RTLD_NOLOAD}. JNA's own default adds {@code RTLD_GLOBAL}, and {@code dlopen} with it promotes
     * a library an engine loaded privately, with its dependencies, into the process's global symbol
     * scope: symbols another engine's library binds later then resolve there. With PyTorch and
     * MXNet in one JVM, MXNet's convolutions then corrupted the heap (about half the runs of {@code
     * MxGraphForwardTest}, whose one PyTorch network triggered the fix-ups; none of 20 since). The
     * likely path: libtorch's dependencies include its own copy of {@code libgomp}, and MXNet binds
     * its OpenMP calls lazily, so those first made after the promotion went to the other runtime.
     *
     * @param path the library's path, as {@link #find} gives it
     * @return the library
     * @throws UnsatisfiedLinkError if it is not loaded
     */
    static NativeLibrary open(Path path) {
        return NativeLibrary.getInstance(
                path.toString(), Map.of(Library.OPTION_OPEN_FLAGS, LOADED_ONLY));
    }
}
