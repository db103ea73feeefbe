package io.github.keypoints.examples;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark command run again in fresh JVMs, one after the other, each printing its JSON summary:
 * on this machine a process keeps a speed of its own for minutes (the same network's batch-1 pass
 * took 5.7 ms in some JVMs and 7.8 ms in others, and the Python reference's 6.5–9.0 ms), so one
 * process pair is a sample of one, and a ratio over several fresh pairs is what a user of either
 * side can expect. Each child runs on this JVM's class path, with its JVM options and environment
 * (the launcher's native settings included).
 */
final class FreshProcesses {

    private FreshProcesses() {}

    /**
     * One child's summary and its process id.
     *
     * @param pid the child JVM's process id
     * @param summary the JSON object the child printed last
     */
    record Child(long pid, JsonObject summary) {}

    /**
     * Runs {@code keypoints COMMAND... ARGS... --json} in {@code count} fresh JVMs in turn, copying
     * each child's printed lines to standard error (prefixed with its number) and keeping its last
     * line, which must be the JSON summary.
     *
     * @param command the subcommand path, such as {@code bench infer}
     * @param args the subcommand's arguments for each child, without the option that asked for
     *     children; {@code --json} is added when missing
     * @param count how many children
     * @return each child's summary, in order
     * @throws IOException if a child cannot start
     * @throws IllegalStateException if a child fails or prints no JSON summary: which one, its exit
     *     code and last line
     * @throws InterruptedException if interrupted while waiting (the running child is killed)
     */
    static List<Child> run(List<String> command, List<String> args, int count)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KeypointsCommand.class.getName());
        cmd.addAll(command);
        cmd.addAll(args);
        if (!args.contains("--json")) {
            cmd.add("--json");
        }
        String name = String.join(" ", command);
        List<Child> children = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            System.err.printf(
                    Locale.ROOT, "%s: fresh process %d of %d: %s%n", name, i, count, args);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            Process p = pb.start();
            String last = "";
            try (BufferedReader out =
                    new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (!line.isBlank()) {
                        last = line;
                        if (!line.startsWith("{")) {
                            System.err.printf(Locale.ROOT, "[%d/%d] %s%n", i, count, line);
                        }
                    }
                }
            } catch (IOException e) {
                p.destroyForcibly();
                throw e;
            }
            int code;
            try {
                code = p.waitFor();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                throw e;
            }
            children.add(new Child(p.pid(), summary(name, i, code, last)));
        }
        return children;
    }

    private static JsonObject summary(String name, int i, int code, String last) {
        if (code == 0 && last.startsWith("{")) {
            try {
                return JsonParser.parseString(last).getAsJsonObject();
            } catch (JsonSyntaxException | IllegalStateException e) {
                // falls through to the error below
            }
        }
        throw new IllegalStateException(
                String.format(
                        Locale.ROOT,
                        "%s: fresh process %d failed (exit %d); its last line, where the JSON"
                                + " summary should be: %s",
                        name,
                        i,
                        code,
                        last.isEmpty() ? "(nothing printed)" : last));
    }

    /**
     * The arguments without an option that takes one value ({@code --name VALUE} or {@code
     * --name=VALUE}).
     *
     * @param args the arguments, as picocli expanded them
     * @param name the option's name
     * @return the arguments without it
     */
    static List<String> withoutOption(List<String> args, String name) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(name)) {
                i++;
            } else if (!a.startsWith(name + "=")) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * The rows of a JSON array field of every child's summary, as maps (whole numbers written
     * without a point as {@code Long}, others as {@code Double}, arrays as lists), ready for {@link
     * RoundMedians#combine}.
     *
     * @param children the children's summaries
     * @param field the array field, such as {@code cases}
     * @return per child, its rows
     */
    static List<List<Map<String, Object>>> rows(List<Child> children, String field) {
        Gson gson =
                new GsonBuilder().setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();
        List<List<Map<String, Object>>> out = new ArrayList<>();
        for (Child c : children) {
            List<Map<String, Object>> rows =
                    gson.fromJson(
                            c.summary().get(field),
                            new TypeToken<List<LinkedHashMap<String, Object>>>() {}.getType());
            out.add(rows == null ? List.of() : rows);
        }
        return out;
    }
}
