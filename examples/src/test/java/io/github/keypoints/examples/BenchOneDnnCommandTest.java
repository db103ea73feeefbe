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
            // the nose-tip network's training pass, three times with the same weights: the same
            // gradients each time (they would add up if a pass did not start from zero)
            assertThat(row.get("training_passes").getAsLong()).isEqualTo(3);
            assertThat(row.get("gradient_non_finite").getAsLong()).isZero();
            assertThat(row.get("gradient_differing").getAsLong()).isZero();
        }
        assertThat(j.get("engine").getAsString()).isEqualTo("PyTorch");
        assertThat(j.get("variable").getAsString()).isEqualTo("ONEDNN_MAX_CPU_ISA");
        assertThat(j.get("fastest_clean").getAsString()).isEqualTo("SSE41");
    }

    @Test
    void mxnetIsProbedThroughItsOwnVariableInTheDefaultLayoutOnly() {
        CliRun r =
                CliRun.of(
                        "bench",
                        "onednn",
                        "--engine",
                        "MXNet",
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
        assertThat(r.out()).contains("MXNet, levels by DNNL_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA=SSE41");
        JsonObject j = r.json();
        assertThat(j.get("engine").getAsString()).isEqualTo("MXNet");
        assertThat(j.get("variable").getAsString()).isEqualTo("DNNL_MAX_CPU_ISA");
        // the same comparisons as PyTorch's at SSE41, all in the default layout, and no other
        int perShape = 2048 + 2 * 1024;
        int outputs = 8 * (2 * 32 * 56 * 76 + 2 * 2048) + (11 + 13 + 18 + 11) * perShape - 7 * 1024;
        for (var e : j.getAsJsonArray("rows")) {
            JsonObject row = e.getAsJsonObject();
            assertThat(row.get("layout").getAsString()).isEqualTo("default");
            assertThat(row.get("conv_checked").getAsLong()).isEqualTo(outputs);
            assertThat(row.get("conv_wrong").getAsLong()).isZero();
            assertThat(row.get("other_layout_checked").getAsLong()).isZero();
            assertThat(row.get("forwards").getAsLong()).isEqualTo(6);
            assertThat(row.get("training_passes").getAsLong()).isEqualTo(3);
            assertThat(row.get("gradient_differing").getAsLong()).isZero();
            // MXNet has no start-up check to time
            assertThat(row.get("startup_check_ms").isJsonNull()).isTrue();
        }
        assertThat(j.get("fastest_clean").getAsString()).isEqualTo("SSE41");
    }

    @Test
    void badCountsAreRejected() {
        CliRun r = CliRun.of("bench", "onednn", "--repeats", "0");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--repeats");
        CliRun e = CliRun.of("bench", "onednn", "--engine", "TensorFlow");
        assertThat(e.code()).isNotZero();
        assertThat(e.err()).contains("--engine must be PyTorch or MXNet, got TensorFlow");
    }
}
