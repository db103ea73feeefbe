package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bench train} checks before it starts, and its paired blocks on the nose tip where
 * {@code /usr/bin/python3} has torch (the full measurement takes minutes; its commands and figures
 * are in docs/performance-training.md).
 */
class BenchTrainCommandTest {

    @Test
    void helpNamesTheRoundsOption() {
        CliRun r = CliRun.of("bench", "train", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains(
                        "--rounds",
                        "--warmup",
                        "--profile",
                        "--gradients",
                        "java_gradients",
                        "--cases",
                        "--threads",
                        "alternating",
                        "java_adam_fused_share",
                        "keypoints.fusedAdam=false",
                        "process of its own");
    }

    @Test
    void refusesZeroRoundsAndAnUnknownCaseBeforeMeasuring() {
        CliRun zero = CliRun.of("bench", "train", "--rounds", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--rounds must be >= 1, got 0");
        CliRun negative = CliRun.of("bench", "train", "--warmup", "-1");
        assertThat(negative.code()).isEqualTo(2);
        assertThat(negative.err()).contains("--warmup must be >= 0, got -1");
        CliRun pairs = CliRun.of("bench", "train", "--pairs", "-2");
        assertThat(pairs.code()).isEqualTo(2);
        assertThat(pairs.err()).contains("--pairs must be >= 0, got -2");
        CliRun where = CliRun.of("bench", "train", "--gradients", "sideways");
        assertThat(where.code()).isEqualTo(2);
        assertThat(where.err())
                .contains("--gradients must be fresh or accumulated, got 'sideways'");
        CliRun unknown = CliRun.of("bench", "train", "--cases", "vgg16");
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.err()).contains("unknown case 'vgg16'");
    }

    @Test
    void pairedBlocksReportTheMedianOfThePerPairRatios() throws Exception {
        Assumptions.assumeTrue(
                BenchInferCommandTest.pythonHasTorch(),
                "/usr/bin/python3 has no torch (or no OpenBLAS): the Python side is not tested here");
        CliRun r =
                CliRun.of(
                        "bench",
                        "train",
                        "--cases",
                        "nose-tip",
                        "--engines",
                        "PyTorch",
                        "--threads",
                        "1",
                        "--warmup",
                        "1",
                        "--pairs",
                        "3",
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("paired blocks: 3 pairs per case");
        JsonObject c = r.json().getAsJsonArray("cases").get(0).getAsJsonObject();
        JsonArray pairs = c.getAsJsonArray("ratio_pairs");
        assertThat(pairs).hasSize(3);
        double[] ratios = new double[3];
        for (int i = 0; i < 3; i++) {
            ratios[i] = pairs.get(i).getAsDouble();
            assertThat(ratios[i]).isPositive();
        }
        assertThat(c.get("ratio_paired").getAsDouble())
                .as("the median of the per-pair ratios")
                .isEqualTo(ForwardTiming.median(ratios));
        assertThat(c.get("java_ms_paired").getAsDouble()).isPositive();
        assertThat(c.get("python_ms_paired").getAsDouble()).isPositive();
        assertThat(c.get("ratio").getAsDouble()).as("the round's ratio beside it").isPositive();
        assertThat(c.get("java_gradients").getAsString())
                .as("PyTorch's step keeps fresh gradients by default")
                .isEqualTo("fresh");
        long roundPid = c.get("python_pid").getAsLong();
        long pairedPid = c.get("python_pid_paired").getAsLong();
        assertThat(roundPid).as("the process that timed the round").isPositive();
        assertThat(pairedPid)
                .as("the pairs are timed by a Python process started for this case")
                .isPositive()
                .isNotEqualTo(roundPid);
    }

    @Test
    void aProfiledTrainingStepLeavesATraceWithItsBackwardOperators(@TempDir Path dir)
            throws Exception {
        Path trace = dir.resolve("java-tiny_4x4_train-3p.json");
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray w = m.randomNormal(new Shape(4, 4));
            w.setRequiresGradient(true);
            NDArray x = m.randomNormal(new Shape(4, 4));
            TorchOpProfile.record(
                    () -> {
                        try (GradientCollector gc =
                                Engine.getEngine("PyTorch").newGradientCollector()) {
                            gc.backward(w.mul(x).sum());
                        }
                    },
                    3,
                    trace);
        }
        String text = Files.readString(trace);
        assertThat(text).contains("aten::mul", "aten::sum").containsPattern("MulBackward\\d");
    }
}
