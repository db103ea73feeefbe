package io.github.keypoints.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Combines the result rows of several alternating benchmark rounds into one row per case: the
 * benchmarks with {@code --rounds} ({@code bench infer}, {@code bench train}) run the Java and the
 * Python side in turn several times, because the machine's speed drifts between processes and
 * alternating keeps a drift from landing on one side only.
 */
final class RoundMedians {

    private RoundMedians() {}

    /**
     * Combines the rows of several rounds (the same cases in the same order): each listed timing
     * field becomes the median over the rounds (the upper one for an even count); a field whose
     * name starts with {@code ratio} also keeps its per-round values under {@code <field>_rounds},
     * so the reported ratio is the median of the per-round ratios, not the ratio of the medians;
     * and {@code rounds} says how many there were. A timing field that the first round's row does
     * not have stays absent; one round's rows come back unchanged.
     *
     * @param perRound the rows of each round
     * @param timings the numeric fields to combine
     * @return the combined rows
     * @throws IllegalArgumentException if the rounds do not have the same number of rows
     */
    static List<Map<String, Object>> combine(
            List<List<Map<String, Object>>> perRound, List<String> timings) {
        if (perRound.size() == 1) {
            return perRound.get(0);
        }
        List<String> ratios = timings.stream().filter(f -> f.startsWith("ratio")).toList();
        return combine(perRound, timings, ratios, "rounds");
    }

    /**
     * Combines the rows of several runs (the same cases in the same order; rounds, or fresh
     * processes): each listed timing field becomes the median over the runs (the upper one for an
     * even count, nulls left out); each field in {@code kept} also keeps its per-run values under
     * {@code <field>_<unit>}; and {@code <unit>} says how many runs there were. The other fields
     * are the first run's. A timing field that the first run's row does not have stays absent.
     *
     * @param perRun the rows of each run
     * @param timings the numeric fields to combine
     * @param kept the timing fields whose per-run values are kept too
     * @param unit what a run is, such as {@code rounds} or {@code processes}
     * @return the combined rows
     * @throws IllegalArgumentException if the runs do not have the same cases
     */
    static List<Map<String, Object>> combine(
            List<List<Map<String, Object>>> perRun,
            List<String> timings,
            List<String> kept,
            String unit) {
        List<Map<String, Object>> first = perRun.get(0);
        for (List<Map<String, Object>> run : perRun) {
            if (run.size() != first.size()) {
                throw new IllegalArgumentException(
                        unit + " differ in their cases: " + first.size() + " and " + run.size());
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>(first.get(i));
            for (List<Map<String, Object>> run : perRun) {
                for (String key : List.of("model", "input", "engine")) {
                    if (!Objects.equals(row.get(key), run.get(i).get(key))) {
                        throw new IllegalArgumentException(
                                unit
                                        + " differ in their cases: row "
                                        + i
                                        + " has "
                                        + key
                                        + " "
                                        + row.get(key)
                                        + " and "
                                        + run.get(i).get(key));
                    }
                }
            }
            for (String field : timings) {
                if (!row.containsKey(field)) {
                    continue;
                }
                List<Double> values = new ArrayList<>();
                for (List<Map<String, Object>> run : perRun) {
                    Object v = run.get(i).get(field);
                    if (v != null) {
                        values.add(((Number) v).doubleValue());
                    }
                }
                row.put(field, values.isEmpty() ? null : median(values));
                if (kept.contains(field)) {
                    row.put(field + "_" + unit, values.isEmpty() ? null : values);
                }
            }
            row.put(unit, perRun.size());
            out.add(row);
        }
        return out;
    }

    /**
     * Formats a field's per-round values as {@code "1.02 0.97 1.10"}.
     *
     * @param values the {@code <field>_rounds} list of a combined row
     * @return the values with two decimals, separated by spaces
     */
    @SuppressWarnings("unchecked")
    static String format(Object values) {
        StringBuilder b = new StringBuilder();
        for (Double v : (List<Double>) values) {
            b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f", v));
        }
        return b.toString();
    }

    private static double median(List<Double> values) {
        double[] a = new double[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return ForwardTiming.median(a);
    }
}
