package io.github.keypoints.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's count of minor page faults so far (field 10, {@code minflt}, of Linux's {@code
 * /proc/self/stat}): how often the kernel had to map a page the process touched, for the first time
 * or again after the allocator gave it back. On the project's AMD EPYC virtual machine one costs
 * 13–15 µs (docs/performance.md, "Page faults"), so the count per timed pass says whether a
 * benchmark measures kernels or page faults, and unlike a time it does not move with the load.
 */
final class MinorFaults {

    private static final Path STAT = Path.of("/proc/self/stat");

    private MinorFaults() {}

    /**
     * Returns the process's minor page faults so far, or {@code -1} where {@code /proc/self/stat}
     * cannot be read (not Linux).
     *
     * @return the count, or -1
     */
    static long sinceStart() {
        try {
            return parse(new String(Files.readAllBytes(STAT), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The faults between two readings of {@link #sinceStart} divided by the number of runs between
     * them, or {@code NaN} when either reading failed.
     *
     * @param before the reading before the runs
     * @param after the reading after them
     * @param runs how many runs there were, at least 1
     * @return faults per run, or NaN
     */
    static double perRun(long before, long after, int runs) {
        return before < 0 || after < 0 ? Double.NaN : (after - before) / (double) runs;
    }

    /**
     * Reads {@code minflt} from the text of a {@code /proc/PID/stat} file. The second field, the
     * command name in parentheses, may itself hold spaces and parentheses, so fields are counted
     * from the last closing parenthesis.
     *
     * @param stat the file's text
     * @return the tenth field
     * @throws IllegalArgumentException if the text does not have that shape
     */
    static long parse(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        // After ") ": field 3 (state), 4 (ppid), ... so minflt, field 10, is the 8th.
        String[] f = stat.substring(close + 1).strip().split("\\s+");
        if (f.length < 8) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        return Long.parseLong(f[7]);
    }
}
