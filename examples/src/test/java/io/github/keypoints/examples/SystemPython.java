package io.github.keypoints.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Python the benchmarks' references run on ({@code /usr/bin/python3}), for tests of a
 * reference's side: they skip where it lacks a module rather than let the reference install a
 * Debian package (which {@code .ci/run} must never do).
 */
final class SystemPython {

    /** The interpreter's path. */
    static final String PATH = "/usr/bin/python3";

    private SystemPython() {}

    /**
     * Whether {@link #PATH} exists and imports every module named.
     *
     * @param modules module names, such as {@code torch} or {@code cv2}
     * @return whether {@code python3 -c "import a, b"} succeeds
     */
    static boolean imports(String... modules) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PATH))) {
            return false;
        }
        Process p =
                new ProcessBuilder(PATH, "-c", "import " + String.join(", ", modules))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        return p.waitFor() == 0;
    }
}
