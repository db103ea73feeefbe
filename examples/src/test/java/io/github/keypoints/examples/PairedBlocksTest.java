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
        double[] javaMs = {2, 3, 10};
        double[] pythonMs = {4, 2, 5};
        int[] j = {0};
        int[] p = {0};
        PairedBlocks b =
                PairedBlocks.time(
                        3,
                        () -> {
                            order.add("J");
                            return javaMs[j[0]++];
                        },
                        () -> {
                            order.add("P");
                            JsonObject o = new JsonObject();
                            o.addProperty("ms", pythonMs[p[0]++]);
                            return o;
                        });
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
