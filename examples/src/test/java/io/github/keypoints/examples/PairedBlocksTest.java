package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link PairedBlocks}: the order of the blocks within each pair, the per-pair ratios and their
 * median, a failing reference, and finding a pair's row.
 */
class PairedBlocksTest {

    @Test
    void pairsAlternateWhichSideGoesFirstAndRatioIsThePerPairMedian() throws Exception {
        List<String> order = new ArrayList<>();
        PairedBlocks b =
                PairedBlocks.time(3, javaBlocks(order, 2, 3, 10), pythonBlocks(order, 4, 2, 5));
        assertThat(order).containsExactly("J", "P", "P", "J", "J", "P");
        assertThat(b.ratios()).containsExactly(0.5, 1.5, 2.0);
        assertThat(b.ratio())
                .as("the median of the per-pair ratios, not the ratio of the medians (3 / 4)")
                .isEqualTo(1.5);
        assertThat(b.javaMs()).isEqualTo(3.0);
        assertThat(b.pythonMs()).isEqualTo(4.0);
        assertThat(b.answers()).hasSize(3);
    }

    @Test
    void aFailingReferenceStopsThePairsAndNoPairsIsRefused() {
        assertThatThrownBy(
                        () ->
                                PairedBlocks.time(
                                        2,
                                        () -> 1.0,
                                        () -> {
                                            throw new IOException("reference ended");
                                        }))
                .isInstanceOf(IOException.class)
                .hasMessage("reference ended");
        assertThatThrownBy(() -> PairedBlocks.time(0, () -> 1.0, JsonObject::new))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0");
    }

    @Test
    void theProbeIsReadBeforeTheFirstPairAndAfterEachPairAndSortsThePairsByState()
            throws Exception {
        List<String> order = new ArrayList<>();
        // Before pair 0, after pair 0, after pair 1, after pair 2, after pair 3.
        double[] probeRatios = {1.0, 1.05, 1.8, 1.9, 1.0};
        int[] k = {0};
        PairedBlocks b =
                PairedBlocks.time(
                        4,
                        javaBlocks(order, 2, 3, 10, 4),
                        pythonBlocks(order, 4, 2, 5, 4),
                        () -> {
                            order.add("r");
                            return new VcpuPairProbe.Reading(2.0, 2.0 * probeRatios[k[0]++]);
                        });
        assertThat(order)
                .containsExactly("r", "J", "P", "r", "P", "J", "r", "J", "P", "r", "P", "J", "r");
        assertThat(b.states())
                .containsExactly(
                        PairedBlocks.INDEPENDENT,
                        PairedBlocks.CHANGED,
                        PairedBlocks.SHARED,
                        PairedBlocks.CHANGED);
        assertThat(b.ratios()).containsExactly(0.5, 1.5, 2.0, 1.0);
        assertThat(b.ratio(PairedBlocks.INDEPENDENT)).isEqualTo(0.5);
        assertThat(b.ratio(PairedBlocks.SHARED)).isEqualTo(2.0);
        assertThat(b.ratio(PairedBlocks.CHANGED)).as("upper median of 1.5 and 1.0").isEqualTo(1.5);
        assertThat(b.count(PairedBlocks.CHANGED)).isEqualTo(2);
        assertThat(b.probeRatios().get(1)).containsExactly(1.05, 1.8);
        assertThat(b.stateSummary())
                .isEqualTo("independent 1: 0.50, shared 1: 2.00, changed 2: 1.50");
        Map<String, Object> row = new LinkedHashMap<>();
        b.putStates(row, "ratio");
        assertThat(row)
                .containsEntry("pairs_independent", 1)
                .containsEntry("pairs_shared", 1)
                .containsEntry("pairs_changed", 2)
                .containsEntry("ratio_paired_independent", 0.5)
                .containsEntry("ratio_paired_shared", 2.0)
                .containsEntry("ratio_paired_changed", 1.5)
                .containsEntry("java_ms_pairs", List.of(2.0, 3.0, 10.0, 4.0))
                .containsEntry("python_ms_pairs", List.of(4.0, 2.0, 5.0, 4.0));
    }

    @Test
    void withoutAProbeEveryPairIsUnprobedAndNoStateHasARatio() throws Exception {
        PairedBlocks b = PairedBlocks.time(2, () -> 1.0, PairedBlocksTest::oneMs);
        assertThat(b.states()).containsExactly(PairedBlocks.UNPROBED, PairedBlocks.UNPROBED);
        assertThat(b.ratio(PairedBlocks.INDEPENDENT)).isNaN();
        assertThat(b.stateSummary()).isEqualTo("no probe readings");
        Map<String, Object> row = new LinkedHashMap<>();
        b.putStates(row, "ratio");
        assertThat(row)
                .containsEntry("pairs_independent", 0)
                .doesNotContainKey("ratio_paired_shared");
        assertThatThrownBy(
                        () ->
                                new PairedBlocks(
                                        new double[] {1, 2},
                                        new double[] {1, 2},
                                        List.of(),
                                        List.of(List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 sets of readings");
    }

    @Test
    void aReadingIsSharedFromTheThresholdOn() {
        assertThat(new VcpuPairProbe.Reading(2.0, 2.0 * VcpuPairProbe.SHARED_AT).shared()).isTrue();
        assertThat(new VcpuPairProbe.Reading(2.0, 2.0 * VcpuPairProbe.SHARED_AT - 0.01).shared())
                .isFalse();
    }

    @Test
    void theProbeMeasuresTheLoopAloneAndTogetherInAFewMilliseconds() {
        VcpuPairProbe probe = VcpuPairProbe.get();
        probe.read(); // compiles the loop and calibrates
        long t0 = System.nanoTime();
        VcpuPairProbe.Reading r = probe.read();
        double ms = (System.nanoTime() - t0) / 1e6;
        assertThat(r.aloneMs()).isGreaterThan(0.05).isLessThan(200.0);
        assertThat(r.togetherMs()).isGreaterThan(0.05).isLessThan(2000.0);
        assertThat(r.ratio()).isFinite().isPositive();
        assertThat(ms).as("a reading's length").isLessThan(5_000.0);
    }

    /** Java blocks that take {@code ms} in turn, each noting "J" in {@code order}. */
    private static java.util.function.DoubleSupplier javaBlocks(List<String> order, double... ms) {
        int[] i = {0};
        return () -> {
            order.add("J");
            return ms[i[0]++];
        };
    }

    /** Python blocks that answer {@code ms} in turn, each noting "P" in {@code order}. */
    private static PairedBlocks.PythonBlock pythonBlocks(List<String> order, double... ms) {
        int[] i = {0};
        return () -> {
            order.add("P");
            JsonObject o = new JsonObject();
            o.addProperty("ms", ms[i[0]++]);
            return o;
        };
    }

    private static JsonObject oneMs() {
        JsonObject o = new JsonObject();
        o.addProperty("ms", 1.0);
        return o;
    }

    @Test
    void theRowIsTheOneWhoseFieldsAllMatch() {
        Map<String, Object> a = new LinkedHashMap<>(Map.of("model", "heatmap", "engine", "MXNet"));
        Map<String, Object> b =
                new LinkedHashMap<>(Map.of("model", "heatmap", "engine", "PyTorch"));
        List<Map<String, Object>> rows = List.of(a, b);
        assertThat(PairedBlocks.row(rows, Map.of("model", "heatmap", "engine", "PyTorch")))
                .isSameAs(b);
        assertThatThrownBy(() -> PairedBlocks.row(rows, Map.of("model", "imm58")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("imm58");
    }
}
