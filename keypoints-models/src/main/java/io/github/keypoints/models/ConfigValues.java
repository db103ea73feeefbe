package io.github.keypoints.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads typed builder parameters from a JSON-derived configuration map, with clear errors. */
final class ConfigValues {

    private ConfigValues() {}

    static int intValue(Map<String, ?> config, String key, int fallback) {
        Object v = config.get(key);
        if (v == null) {
            return fallback;
        }
        return toInt(key, v);
    }

    static double doubleValue(Map<String, ?> config, String key, double fallback) {
        Object v = config.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException(
                    "Config value '" + key + "' must be a number, found " + v);
        }
        return ((Number) v).doubleValue();
    }

    static int requiredInt(Map<String, ?> config, String key) {
        Object v = config.get(key);
        if (v == null) {
            throw new IllegalArgumentException("Config value '" + key + "' is missing");
        }
        return toInt(key, v);
    }

    static int[] intArray(Map<String, ?> config, String key, int[] fallback) {
        Object v = config.get(key);
        if (v == null) {
            return fallback.clone();
        }
        if (!(v instanceof List)) {
            throw new IllegalArgumentException(
                    "Config value '" + key + "' must be a list of integers, found " + v);
        }
        List<?> list = (List<?>) v;
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = toInt(key + "[" + i + "]", list.get(i));
        }
        return out;
    }

    static List<Integer> list(int[] values) {
        List<Integer> out = new ArrayList<>(values.length);
        for (int v : values) {
            out.add(v);
        }
        return List.copyOf(out);
    }

    private static int toInt(String key, Object v) {
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException(
                    "Config value '" + key + "' must be an integer, found " + v);
        }
        double d = ((Number) v).doubleValue();
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "Config value '" + key + "' must be an integer, found " + v);
        }
        return (int) d;
    }

    static void positive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }
}
