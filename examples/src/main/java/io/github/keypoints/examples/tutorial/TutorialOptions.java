package io.github.keypoints.examples.tutorial;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} options of a tutorial program, so each tutorial's {@code main} stays
 * about the library and not about argument parsing. Unknown names and missing values are errors
 * naming the option.
 */
final class TutorialOptions {

    private final Map<String, String> values = new HashMap<>();

    private TutorialOptions() {}

    /**
     * Parses {@code --name value} pairs.
     *
     * @param args the program arguments
     * @param known the option names the program accepts, without dashes
     * @return the options
     * @throws IllegalArgumentException naming an unknown option or one without a value
     */
    static TutorialOptions parse(String[] args, Set<String> known) {
        TutorialOptions o = new TutorialOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !known.contains(a.substring(2))) {
                throw new IllegalArgumentException(
                        "unknown argument '"
                                + a
                                + "'; expected one of --"
                                + String.join(", --", known));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            o.values.put(a.substring(2), args[++i]);
        }
        return o;
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    Path path(String name, String fallback) {
        String v = values.getOrDefault(name, fallback);
        return v == null ? null : Path.of(v);
    }

    int integer(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--" + name + " expects a whole number, found '" + v + "'");
        }
    }
}
