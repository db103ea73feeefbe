package io.github.keypoints.examples;

import com.google.gson.GsonBuilder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
     * Returns the object as one line of strict JSON: a metric that is not defined (NaN, such as the
     * NME of a one-point scheme) or infinite is written as {@code null}, since JSON has no literal
     * for it and scripts must be able to parse the line.
     *
     * @return compact JSON
     */
    public String toJson() {
        return new GsonBuilder()
                .serializeNulls()
                .disableHtmlEscaping()
                .create()
                .toJson(finite(fields));
    }

    private static Object finite(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? value : null;
        }
        if (value instanceof Map<?, ?>) {
            Map<Object, Object> out = new LinkedHashMap<>();
            ((Map<?, ?>) value).forEach((k, v) -> out.put(k, finite(v)));
            return out;
        }
        if (value instanceof Iterable<?>) {
            List<Object> out = new ArrayList<>();
            for (Object v : (Iterable<?>) value) {
                out.add(finite(v));
            }
            return out;
        }
        if (value instanceof double[]) {
            List<Object> out = new ArrayList<>();
            for (double v : (double[]) value) {
                out.add(finite(v));
            }
            return out;
        }
        return value;
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
