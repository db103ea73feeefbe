package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bench train} checks before it starts (the measurement itself needs Python's torch and
 * minutes; its commands and figures are in docs/performance-training.md).
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
                        "--cases",
                        "--threads",
                        "alternating",
                        "java_adam_fused_share",
                        "keypoints.fusedAdam=false");
    }

    @Test
    void refusesZeroRoundsAndAnUnknownCaseBeforeMeasuring() {
        CliRun zero = CliRun.of("bench", "train", "--rounds", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--rounds must be >= 1, got 0");
        CliRun negative = CliRun.of("bench", "train", "--warmup", "-1");
        assertThat(negative.code()).isEqualTo(2);
        assertThat(negative.err()).contains("--warmup must be >= 0, got -1");
        CliRun unknown = CliRun.of("bench", "train", "--cases", "vgg16");
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.err()).contains("unknown case 'vgg16'");
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
