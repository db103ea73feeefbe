package io.github.keypoints.examples;

import com.google.gson.GsonBuilder;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one-line JSON object a subcommand prints last under {@code --json}, built key by key in
 * insertion order. Mutable while a command fills it; printed once.
 */
public final class JsonSummary {

    private final Map<String, Object> fields = new LinkedHashMap<>();

    /**
     * Adds a field; values may be numbers, strings, booleans, lists and maps of those.
     *
     * @param key the field name
     * @param value the value
     * @return this summary
     */
    public JsonSummary put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    /**
     * Returns the fields so far.
     *
     * @return an unmodifiable view
     */
    public Map<String, Object> fields() {
        return java.util.Collections.unmodifiableMap(fields);
    }

    /**
     * Returns the object as one line of JSON.
     *
     * @return compact JSON
     */
    public String toJson() {
        return new GsonBuilder()
                .serializeSpecialFloatingPointValues()
                .disableHtmlEscaping()
                .create()
                .toJson(fields);
    }

    /**
     * Prints the object as the last line of a command's output.
     *
     * @param out the stream, normally standard output
     */
    public void print(PrintStream out) {
        out.println(toJson());
        out.flush();
    }
}
