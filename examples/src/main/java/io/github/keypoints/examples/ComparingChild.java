package io.github.keypoints.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that judges oneDNN's kernels for its parent ({@link
 * OneDnnLevel}'s level search, {@code keypoints bench onednn}'s probe): the parent's class path,
 * offline, quiet, the start-up check comparing rather than reading a verdict an earlier JVM kept
 * ({@code keypoints.convolution.check.cache=false}), and the library's files kept where the parent
 * keeps them ({@code keypoints.cacheDir}, when set: a test's folder).
 */
final class ComparingChild {

    private ComparingChild() {}

    /**
     * The command that runs {@code main} with {@code args} in such a child.
     *
     * @param main the class whose {@code main} the child runs
     * @param args its arguments
     * @return the command, to be completed with environment variables by the caller
     */
    static List<String> command(Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=error");
        cmd.add("-Dkeypoints.convolution.check.cache=false");
        String cacheDir = System.getProperty("keypoints.cacheDir");
        if (cacheDir != null) {
            cmd.add("-Dkeypoints.cacheDir=" + cacheDir);
        }
        cmd.add(main.getName());
        cmd.addAll(args);
        return cmd;
    }
}
