package io.github.keypoints.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One run of the command line inside the test JVM, with what it printed on each stream.
 *
 * @param code the exit code
 * @param out standard output
 * @param err standard error
 */
record CliRun(int code, String out, String err) {

    /**
     * Runs {@code keypoints args…}, capturing both streams. Synchronised because it swaps the
     * JVM-wide {@code System.out} and {@code System.err}.
     *
     * @param args the arguments
     * @return the run
     */
    static synchronized CliRun of(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = KeypointsCommand.execute(args);
            return new CliRun(
                    code,
                    out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /**
     * Returns the last line of standard output.
     *
     * @return the line
     */
    String lastLine() {
        List<String> lines = out.lines().toList();
        return lines.get(lines.size() - 1);
    }

    /**
     * Parses the last line of standard output, the {@code --json} summary.
     *
     * @return the summary object
     */
    JsonObject json() {
        return JsonParser.parseString(lastLine()).getAsJsonObject();
    }
}
