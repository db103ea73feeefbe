package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

/** {@code keypoints bench onednn} on one level with a few passes: the table and its JSON. */
class BenchOneDnnCommandTest {

    @Test
    void oneLevelIsProbedIdleAndLoadedInChildJvmsAndComparedInFull() {
        CliRun r =
                CliRun.of(
                        "bench",
                        "onednn",
                        "--isas",
                        "SSE41",
                        "--repeats",
                        "1",
                        "--passes",
                        "3",
                        "--threads",
                        "1",
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("isa", "layout", "conv wrong", "other layout", "SSE41");
        JsonObject j = r.json();
        assertThat(j.get("cpu").getAsString()).isNotBlank();
        JsonArray rows = j.getAsJsonArray("rows");
        assertThat(rows).hasSize(2);
        // Every output (batch 2, 32 filters, 56x76) of each of the 8 channel counts and 2048
        // input and 2048 weight gradients each; then 2048 outputs and 1024 weight and 1024 input
        // gradients of each of ResNet-18's 11 shapes at 224x224, the recipes' heatmap networks' 13,
        // the stack networks' own 18 (nose-tip, 58 points at 120x90 and 240x180, landmark-cnn) and
        // ResNet-18's 11 at 96x96 - except the input gradients of the 7 convolutions that take a
        // network's input - in the library's layout at SSE41 (the default one for every kind).
        int perShape = 2048 + 2 * 1024;
        int outputs = 8 * (2 * 32 * 56 * 76 + 2 * 2048) + (11 + 13 + 18 + 11) * perShape - 7 * 1024;
        for (int i = 0; i < 2; i++) {
            JsonObject row = rows.get(i).getAsJsonObject();
            assertThat(row.get("isa").getAsString()).isEqualTo("SSE41");
            assertThat(row.get("load").getAsString()).isEqualTo(i == 0 ? "idle" : "loaded");
            assertThat(row.get("conv_checked").getAsLong()).isEqualTo(outputs);
            assertThat(row.get("layout").getAsString()).isEqualTo("default");
            assertThat(row.get("other_layout_checked").getAsLong()).isEqualTo(outputs);
            assertThat(row.get("other_layout_wrong").getAsLong()).isZero();
            assertThat(row.get("forwards").getAsLong()).isEqualTo(6);
            assertThat(row.get("conv_wrong").getAsLong()).isZero();
            assertThat(row.get("non_finite").getAsLong()).isZero();
            assertThat(row.get("imm58_forward_ms").getAsDouble()).isPositive();
            assertThat(row.get("startup_check_ms").getAsDouble()).isPositive();
            assertThat(row.get("startup_check_resnet18_ms").getAsDouble()).isPositive();
        }
        assertThat(j.get("fastest_clean").getAsString()).isEqualTo("SSE41");
    }

    @Test
    void badCountsAreRejected() {
        CliRun r = CliRun.of("bench", "onednn", "--repeats", "0");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--repeats");
    }
}
