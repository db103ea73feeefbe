package io.github.keypoints.examples;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The Java side and a served Python reference timed in alternating blocks, the {@code --pairs} of
 * {@code bench infer} and {@code bench train}: the machine's speed drifts by tens of percent within
 * seconds, and blocks a fraction of a second apart see the same machine. Pair {@code i} runs the
 * Java block first when {@code i} is even (the first pair, the third, …) and the Python block first
 * otherwise, with a pause of {@link #SETTLE_MS} before each block so that the other side's idle
 * OpenMP threads have stopped spinning.
 *
 * <p>With a {@link VcpuPairProbe}, each pair also says in which state of the machine it ran: the
 * probe is read after the pause before the first pair and after the pause that follows each pair's
 * second block, and a pair is {@value #INDEPENDENT} when the readings before and after it found two
 * free cores, {@value #SHARED} when both found the two threads sharing one, and {@value #CHANGED}
 * otherwise. {@link #ratio(String)} is then the median ratio of the pairs in one state.
 *
 * @param java each pair's Java block, median ms
 * @param python each pair's Python block, median ms (its answer's {@code "ms"})
 * @param answers each pair's Python answer
 * @param readings each pair's probe readings (before and after it), or empty lists without a probe
 */
record PairedBlocks(
        double[] java,
        double[] python,
        List<JsonObject> answers,
        List<List<VcpuPairProbe.Reading>> readings) {

    /** A pair whose readings all found two free cores. */
    static final String INDEPENDENT = "independent";

    /** A pair whose readings all found the two threads sharing a core. */
    static final String SHARED = "shared";

    /** A pair whose readings disagree. */
    static final String CHANGED = "changed";

    /** A pair without readings. */
    static final String UNPROBED = "unprobed";

    /**
     * Checks that every pair has its Python time and its readings.
     *
     * @throws IllegalArgumentException if the lengths differ
     */
    PairedBlocks {
        if (python.length != java.length || readings.size() != java.length) {
            throw new IllegalArgumentException(
                    java.length
                            + " Java blocks, "
                            + python.length
                            + " Python blocks and "
                            + readings.size()
                            + " sets of readings: one of each per pair");
        }
    }

    /**
     * Pairs without probe readings.
     *
     * @param java each pair's Java block, median ms
     * @param python each pair's Python block, median ms
     * @param answers each pair's Python answer
     */
    PairedBlocks(double[] java, double[] python, List<JsonObject> answers) {
        this(java, python, answers, noReadings(java.length));
    }

    private static List<List<VcpuPairProbe.Reading>> noReadings(int pairs) {
        List<List<VcpuPairProbe.Reading>> none = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            none.add(List.of());
        }
        return List.copyOf(none);
    }

    /** Pause before each block, in ms. */
    static final long SETTLE_MS = 50;

    /** One block of the Python side: the reference's JSON answer, with its median in "ms". */
    interface PythonBlock {
        /**
         * Runs the block.
         *
         * @return the reference's answer
         * @throws IOException if the reference failed
         */
        JsonObject run() throws IOException;
    }

    /**
     * Times {@code pairs} pairs of blocks.
     *
     * @param pairs the number of pairs, at least 1
     * @param javaBlock one Java block, returning its median ms
     * @param pythonBlock one Python block
     * @return the blocks' medians and the answers
     * @throws IOException if the reference failed
     * @throws InterruptedException if interrupted during a pause
     */
    static PairedBlocks time(int pairs, DoubleSupplier javaBlock, PythonBlock pythonBlock)
            throws IOException, InterruptedException {
        return time(pairs, javaBlock, pythonBlock, null);
    }

    /**
     * Times {@code pairs} pairs of blocks, reading {@code probe} before the first pair and after
     * each pair (after the pause that follows its second block).
     *
     * @param pairs the number of pairs, at least 1
     * @param javaBlock one Java block, returning its median ms
     * @param pythonBlock one Python block
     * @param probe the machine's state ({@link VcpuPairProbe#read}), or {@code null} for none
     * @return the blocks' medians, the answers and the readings
     * @throws IOException if the reference failed
     * @throws InterruptedException if interrupted during a pause
     */
    static PairedBlocks time(
            int pairs,
            DoubleSupplier javaBlock,
            PythonBlock pythonBlock,
            Supplier<VcpuPairProbe.Reading> probe)
            throws IOException, InterruptedException {
        if (pairs < 1) {
            throw new IllegalArgumentException("need at least 1 pair, got " + pairs);
        }
        double[] java = new double[pairs];
        double[] python = new double[pairs];
        List<JsonObject> answers = new ArrayList<>();
        List<List<VcpuPairProbe.Reading>> readings = new ArrayList<>();
        VcpuPairProbe.Reading before = null;
        if (probe != null) {
            Thread.sleep(SETTLE_MS);
            before = probe.get();
        }
        for (int i = 0; i < pairs; i++) {
            JsonObject answer;
            if (i % 2 == 0) {
                Thread.sleep(SETTLE_MS);
                java[i] = javaBlock.getAsDouble();
                Thread.sleep(SETTLE_MS);
                answer = pythonBlock.run();
            } else {
                Thread.sleep(SETTLE_MS);
                answer = pythonBlock.run();
                Thread.sleep(SETTLE_MS);
                java[i] = javaBlock.getAsDouble();
            }
            python[i] = answer.get("ms").getAsDouble();
            answers.add(answer);
            if (probe != null) {
                Thread.sleep(SETTLE_MS);
                VcpuPairProbe.Reading after = probe.get();
                readings.add(List.of(before, after));
                before = after;
            } else {
                readings.add(List.of());
            }
        }
        return new PairedBlocks(java, python, List.copyOf(answers), List.copyOf(readings));
    }

    /**
     * The state each pair ran in, in pair order: {@value #INDEPENDENT}, {@value #SHARED}, {@value
     * #CHANGED} or {@value #UNPROBED}.
     *
     * @return one state per pair
     */
    List<String> states() {
        List<String> states = new ArrayList<>();
        for (List<VcpuPairProbe.Reading> r : readings) {
            states.add(state(r));
        }
        return states;
    }

    /**
     * The state a pair with these readings ran in.
     *
     * @param r the readings taken around it
     * @return {@value #INDEPENDENT}, {@value #SHARED}, {@value #CHANGED} or {@value #UNPROBED}
     */
    static String state(List<VcpuPairProbe.Reading> r) {
        if (r.isEmpty()) {
            return UNPROBED;
        }
        long shared = r.stream().filter(VcpuPairProbe.Reading::shared).count();
        return shared == 0 ? INDEPENDENT : shared == r.size() ? SHARED : CHANGED;
    }

    /**
     * How many pairs ran in {@code state}.
     *
     * @param state one of {@link #states()}' values
     * @return the count
     */
    int count(String state) {
        return (int) states().stream().filter(state::equals).count();
    }

    /**
     * The median (the upper one for an even count) of the per-pair ratios of the pairs that ran in
     * {@code state}.
     *
     * @param state one of {@link #states()}' values
     * @return the median, or NaN if no pair ran in that state
     */
    double ratio(String state) {
        List<String> states = states();
        List<Double> all = ratios();
        double[] kept =
                IntStream.range(0, all.size())
                        .filter(i -> states.get(i).equals(state))
                        .mapToDouble(all::get)
                        .toArray();
        return kept.length == 0 ? Double.NaN : ForwardTiming.median(kept);
    }

    /**
     * Each pair's probe ratios ({@link VcpuPairProbe.Reading#ratio()}), in pair order.
     *
     * @return the ratios of the readings around each pair
     */
    List<List<Double>> probeRatios() {
        List<List<Double>> all = new ArrayList<>();
        for (List<VcpuPairProbe.Reading> r : readings) {
            all.add(r.stream().map(VcpuPairProbe.Reading::ratio).toList());
        }
        return all;
    }

    /**
     * Adds the per-pair and per-state figures to a result row: each pair's Java and Python block
     * ({@code java_ms_pairs}, {@code python_ms_pairs}), its state ({@code pair_states}) and probe
     * ratios ({@code pair_probe_ratios}), each state's count ({@code pairs_STATE}) and median ratio
     * ({@code PREFIX_paired_STATE}, for states with pairs).
     *
     * @param row the row
     * @param prefix the start of the ratio keys ({@code "ratio"} or {@code "ratio_ms_b1"})
     */
    void putStates(Map<String, Object> row, String prefix) {
        row.put("java_ms_pairs", Arrays.stream(java).boxed().toList());
        row.put("python_ms_pairs", Arrays.stream(python).boxed().toList());
        row.put("pair_states", states());
        row.put("pair_probe_ratios", probeRatios());
        for (String s : List.of(INDEPENDENT, SHARED, CHANGED)) {
            row.put("pairs_" + s, count(s));
            double r = ratio(s);
            if (!Double.isNaN(r)) {
                row.put(prefix + "_paired_" + s, r);
            }
        }
    }

    /**
     * The per-state summary for a printed line: each state's count and median ratio.
     *
     * @return such as {@code "independent 6: 0.91, shared 2: 0.95, changed 1: 0.93"}
     */
    String stateSummary() {
        List<String> parts = new ArrayList<>();
        for (String s : List.of(INDEPENDENT, SHARED, CHANGED)) {
            int n = count(s);
            if (n > 0) {
                parts.add(String.format(Locale.ROOT, "%s %d: %.2f", s, n, ratio(s)));
            }
        }
        return parts.isEmpty() ? "no probe readings" : String.join(", ", parts);
    }

    /** Each pair's Java / Python ratio, in pair order. */
    List<Double> ratios() {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < java.length; i++) {
            r.add(java[i] / python[i]);
        }
        return r;
    }

    /** The median (the upper one for an even count) of the per-pair ratios. */
    double ratio() {
        return ForwardTiming.median(ratios().stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The median of the Java blocks' medians. */
    double javaMs() {
        return ForwardTiming.median(java);
    }

    /** The median of the Python blocks' medians. */
    double pythonMs() {
        return ForwardTiming.median(python);
    }

    /**
     * The row of {@code rows} whose fields equal {@code key}'s.
     *
     * @param rows the rounds' rows
     * @param key field values, such as model, input and engine
     * @return the row
     * @throws IllegalStateException if there is none
     */
    static Map<String, Object> row(List<Map<String, Object>> rows, Map<String, String> key) {
        for (Map<String, Object> r : rows) {
            boolean match = true;
            for (Map.Entry<String, String> e : key.entrySet()) {
                match &= e.getValue().equals(r.get(e.getKey()));
            }
            if (match) {
                return r;
            }
        }
        throw new IllegalStateException("no row for " + key);
    }
}
