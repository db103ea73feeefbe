package io.github.keypoints.examples;

import com.google.gson.JsonObject;
import io.github.keypoints.train.EpochListener;
import io.github.keypoints.train.EpochRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The epochs of {@code bench epoch --pairs}: a listener on the trainer that runs one epoch of a
 * served Python reference beside each timed Java epoch, so that the two sides of a pair are seconds
 * apart instead of a whole run. The Java epochs are the trainer's own, one after the other as
 * {@code keypoints train} runs them; the Python epoch of a pair runs on the trainer's thread while
 * the trainer waits, before the Java epoch's clock starts or after it stopped. After the Java
 * warm-up epoch (epoch 0) the reference runs one untimed epoch of its own; pair {@code i} (epoch
 * {@code i + 1}) then runs the Java epoch first when {@code i} is even and the Python epoch first
 * otherwise, with {@link PairedBlocks#SETTLE_MS} pauses around each Python epoch, as {@link
 * PairedBlocks} orders blocks. With a {@link VcpuPairProbe}, each pair is read three times, each
 * after a pause, outside both sides' clocks: before and after its Python epoch, and before its Java
 * epoch (Java first) or after it (Python first); {@link PairedBlocks#states()} says from them in
 * which state of the machine each pair ran.
 */
final class PairedEpochs implements EpochListener {

    private final BenchEpochCommand.EpochClock clock;
    private final PairedBlocks.PythonBlock python;
    private final Supplier<VcpuPairProbe.Reading> probe;
    private final List<JsonObject> answers = new ArrayList<>();
    private final List<List<VcpuPairProbe.Reading>> readings = new ArrayList<>();
    private List<VcpuPairProbe.Reading> current = new ArrayList<>();
    private JsonObject warmUp;

    /**
     * Creates the listener.
     *
     * @param clock the Java side's clock, which this listener calls in the right order around the
     *     Python epochs (register only this listener, not the clock too)
     * @param python one epoch of the reference; its answer's {@code "ms"} is its training pass
     */
    PairedEpochs(BenchEpochCommand.EpochClock clock, PairedBlocks.PythonBlock python) {
        this(clock, python, null);
    }

    /**
     * Creates the listener, reading {@code probe} around each pair.
     *
     * @param clock the Java side's clock (register only this listener, not the clock too)
     * @param python one epoch of the reference; its answer's {@code "ms"} is its training pass
     * @param probe the machine's state ({@link VcpuPairProbe#read}), or {@code null} for none
     */
    PairedEpochs(
            BenchEpochCommand.EpochClock clock,
            PairedBlocks.PythonBlock python,
            Supplier<VcpuPairProbe.Reading> probe) {
        this.clock = clock;
        this.python = python;
        this.probe = probe;
    }

    @Override
    public void onEpochStart(int epoch) {
        if (epoch >= 1) {
            current = new ArrayList<>();
            if ((epoch - 1) % 2 == 1) {
                answers.add(pythonEpoch(current));
            } else {
                read(current);
            }
        }
        clock.onEpochStart(epoch);
    }

    @Override
    public void onBatchTiming(long batch, long batches, long dataNanos, long stepNanos) {
        clock.onBatchTiming(batch, batches, dataNanos, stepNanos);
    }

    @Override
    public void onEpochEnd(EpochRecord record, boolean best) {
        clock.onEpochEnd(record, best);
        int epoch = record.epoch();
        if (epoch == 0) {
            warmUp = pythonEpoch(new ArrayList<>());
        } else {
            if ((epoch - 1) % 2 == 0) {
                answers.add(pythonEpoch(current));
            } else {
                read(current);
            }
            readings.add(List.copyOf(current));
        }
    }

    /** One Python epoch between pauses, the probe read after each pause into {@code into}. */
    private JsonObject pythonEpoch(List<VcpuPairProbe.Reading> into) {
        try {
            read(into);
            JsonObject answer = python.run();
            if (answer.get("ms") == null || !answer.get("ms").isJsonPrimitive()) {
                throw new IOException("the reference's epoch answer has no \"ms\": " + answer);
            }
            read(into);
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pause, then (with a probe) a reading into {@code into}. */
    private void read(List<VcpuPairProbe.Reading> into) {
        try {
            Thread.sleep(PairedBlocks.SETTLE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted between paired epochs", e);
        }
        if (probe != null) {
            into.add(probe.get());
        }
    }

    /** The reference's untimed epoch after the Java warm-up, or {@code null} before it ran. */
    JsonObject warmUp() {
        return warmUp;
    }

    /**
     * The pairs so far: each timed Java epoch's training pass against the Python epoch run beside
     * it.
     *
     * @param samples the training samples per epoch, for the Java side's timings
     * @return the pairs, Java and Python ms per pair
     * @throws IllegalStateException if the two sides ran a different number of timed epochs
     */
    PairedBlocks blocks(long samples) {
        List<BenchEpochCommand.EpochTiming> java = javaEpochs(samples);
        if (java.size() != answers.size()) {
            throw new IllegalStateException(
                    java.size() + " timed Java epochs but " + answers.size() + " Python epochs");
        }
        double[] j = new double[java.size()];
        double[] p = new double[java.size()];
        for (int i = 0; i < j.length; i++) {
            j[i] = java.get(i).trainNanos() / 1e6;
            p[i] = answers.get(i).get("ms").getAsDouble();
        }
        return new PairedBlocks(j, p, List.copyOf(answers), List.copyOf(readings));
    }

    /** The timed Java epochs (without the warm-up). */
    List<BenchEpochCommand.EpochTiming> javaEpochs(long samples) {
        List<BenchEpochCommand.EpochTiming> all = clock.epochs(samples);
        return all.isEmpty() ? all : all.subList(1, all.size());
    }
}
