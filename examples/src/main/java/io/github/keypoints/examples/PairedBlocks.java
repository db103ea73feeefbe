package io.github.keypoints.examples;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The Java side and a served Python reference timed in alternating blocks, the {@code --pairs} of
 * {@code bench infer} and {@code bench train}: the machine's speed drifts by tens of percent within
 * seconds, and blocks a fraction of a second apart see the same machine. Pair {@code i} runs the
 * Java block first when {@code i} is even (the first pair, the third, …) and the Python block first
 * otherwise, with a pause of {@link #SETTLE_MS} before each block so that the other side's idle
 * OpenMP threads have stopped spinning.
 *
 * @param java each pair's Java block, median ms
 * @param python each pair's Python block, median ms (its answer's {@code "ms"})
 * @param answers each pair's Python answer
 */
record PairedBlocks(double[] java, double[] python, List<JsonObject> answers) {

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
        if (pairs < 1) {
            throw new IllegalArgumentException("need at least 1 pair, got " + pairs);
        }
        double[] java = new double[pairs];
        double[] python = new double[pairs];
        List<JsonObject> answers = new ArrayList<>();
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
        }
        return new PairedBlocks(java, python, List.copyOf(answers));
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
