package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import io.github.keypoints.train.EpochRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PairedEpochs} driven as {@code KeypointTrainer} calls its listeners: where the Python
 * epochs fall between the Java epochs, that the Java clock does not count them, and a reference
 * that fails or answers without a time.
 */
class PairedEpochsTest {

    private static EpochRecord record(int epoch) {
        return new EpochRecord(epoch, 1e-3, 1, 1, 1, 1, Double.NaN, 0.1);
    }

    private static BenchEpochCommand.EpochClock clock() {
        return new BenchEpochCommand.EpochClock(
                "test",
                4,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** Runs {@code epochs} epochs of one 1-step batch each, each Java step taking about stepMs. */
    private static void train(PairedEpochs l, int epochs, List<String> order, long stepMs)
            throws InterruptedException {
        for (int e = 0; e < epochs; e++) {
            l.onEpochStart(e);
            order.add("J" + e);
            Thread.sleep(stepMs);
            l.onBatchTiming(1, 1, 0, stepMs * 1_000_000L);
            l.onEpochEnd(record(e), false);
        }
    }

    @Test
    void pythonEpochsAlternateAroundTheTimedJavaEpochsAndAreNotCounted() throws Exception {
        List<String> order = new ArrayList<>();
        int[] n = {0};
        PairedEpochs l =
                new PairedEpochs(
                        clock(),
                        () -> {
                            order.add("P" + n[0]);
                            JsonObject o = new JsonObject();
                            o.addProperty("ms", 40.0 + 10 * n[0]++);
                            try {
                                // A slow Python epoch: the Java clock must not see it.
                                Thread.sleep(200);
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                            return o;
                        });
        train(l, 4, order, 20);
        // Warm-up J0 then the reference's untimed epoch; pairs (J1 P1) (P2 J2) (J3 P3).
        assertThat(order).containsExactly("J0", "P0", "J1", "P1", "P2", "J2", "J3", "P3");
        assertThat(l.warmUp().get("ms").getAsDouble()).isEqualTo(40.0);
        PairedBlocks b = l.blocks(4);
        assertThat(b.python()).containsExactly(50.0, 60.0, 70.0);
        assertThat(b.java()).hasSize(3);
        for (double ms : b.java()) {
            assertThat(ms)
                    .as("a Java epoch of one 20 ms step, without the 200 ms Python epochs")
                    .isBetween(19.0, 150.0);
        }
        assertThat(l.javaEpochs(4)).hasSize(3).allMatch(e -> e.samples() == 4);
    }

    @Test
    void eachPairIsReadAroundItsPythonEpochAndOnTheOtherSideOfItsJavaEpoch() throws Exception {
        List<String> order = new ArrayList<>();
        int[] n = {0};
        // Readings: two around the warm-up's Python epoch, then three per pair.
        double[] ratios = {1.0, 1.0, 1.0, 1.0, 1.0, 1.9, 1.8, 1.0, 1.9, 1.9, 1.9};
        int[] k = {0};
        PairedEpochs l =
                new PairedEpochs(
                        clock(),
                        () -> {
                            order.add("P" + n[0]++);
                            JsonObject o = new JsonObject();
                            o.addProperty("ms", 10.0);
                            return o;
                        },
                        () -> {
                            order.add("r");
                            return new VcpuPairProbe.Reading(1.0, ratios[k[0]++]);
                        });
        train(l, 4, order, 1);
        assertThat(order)
                .containsExactly(
                        "J0", "r", "P0", "r", "r", "J1", "r", "P1", "r", "r", "P2", "r", "J2", "r",
                        "r", "J3", "r", "P3", "r");
        PairedBlocks b = l.blocks(4);
        assertThat(b.states())
                .containsExactly(
                        PairedBlocks.INDEPENDENT, PairedBlocks.CHANGED, PairedBlocks.SHARED);
        assertThat(b.probeRatios().get(0)).containsExactly(1.0, 1.0, 1.0);
    }

    @Test
    void aFailingOrSilentReferenceStopsTraining() {
        PairedEpochs failing =
                new PairedEpochs(
                        clock(),
                        () -> {
                            throw new IOException(
                                    "bench/epoch_reference.py ended with exit code 1");
                        });
        assertThatThrownBy(() -> train(failing, 2, new ArrayList<>(), 1))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("exit code 1");

        PairedEpochs silent = new PairedEpochs(clock(), JsonObject::new);
        assertThatThrownBy(() -> train(silent, 2, new ArrayList<>(), 1))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("no \"ms\"");
    }

    @Test
    void aRunStoppedBetweenAPairsTwoEpochsIsRefused() throws Exception {
        PairedEpochs l =
                new PairedEpochs(
                        clock(),
                        () -> {
                            JsonObject o = new JsonObject();
                            o.addProperty("ms", 1.0);
                            return o;
                        });
        train(l, 4, new ArrayList<>(), 1);
        assertThat(l.blocks(4).java()).hasSize(3);
        // Pair 4 runs the Python epoch first; the trainer stops before its Java epoch ends.
        l.onEpochStart(4);
        assertThatThrownBy(() -> l.blocks(4))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("3 timed Java epochs but 4 Python epochs");
    }
}
