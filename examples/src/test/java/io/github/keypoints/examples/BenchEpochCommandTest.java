package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.examples.BenchEpochCommand.EpochTiming;
import io.github.keypoints.examples.BenchEpochCommand.JavaRun;
import io.github.keypoints.examples.BenchEpochCommand.Summary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keypoints bench epoch}: the epoch accounting and the JSON rows on made-up timings, the
 * checks that both sides did the same work, argument errors, and short runs on six synthetic
 * IMM-format faces (Java only everywhere; with the Python reference where {@code /usr/bin/python3}
 * has torch and OpenCV).
 */
class BenchEpochCommandTest {

    private static final String PYTHON = SystemPython.PATH;

    private static final long MS = 1_000_000L;

    /** A warm-up epoch and two timed ones with different wait shares (0.5 and 0.1). */
    private static List<EpochTiming> threeEpochs() {
        return List.of(
                new EpochTiming(0, 9000 * MS, 8000 * MS, 900 * MS, 700 * MS, 2, 40),
                new EpochTiming(1, 1000 * MS, 500 * MS, 480 * MS, 200 * MS, 2, 40),
                new EpochTiming(2, 3000 * MS, 300 * MS, 2650 * MS, 400 * MS, 2, 40));
    }

    @Test
    void theSummaryLeavesOutTheWarmUpAndWeighsTheWaitShareByTime() {
        Summary s = Summary.of(threeEpochs());
        assertThat(s.epochMs()).isCloseTo((1000 + 3000) / 2.0, within(1e-9));
        assertThat(s.dataWaitMs()).isCloseTo((500 + 300) / 2.0, within(1e-9));
        assertThat(s.stepMs()).isCloseTo((480 + 2650) / 2.0, within(1e-9));
        // Total wait over total time (0.2), not the mean of the per-epoch shares (0.3).
        assertThat(s.dataWaitShare()).isCloseTo(800.0 / 4000.0, within(1e-12));
        assertThat(s.samplesPerS()).isCloseTo(80 / 4.0, within(1e-9));
        assertThat(s.validationMs()).isCloseTo((200 + 400) / 2.0, within(1e-9));
        assertThat(s.epochWithValidationMs()).isCloseTo((1200 + 3400) / 2.0, within(1e-9));
        assertThat(s.warmupEpochMs()).isCloseTo(9000, within(1e-9));
        assertThat(s.epochMsMedian()).isCloseTo(3000, within(1e-9)); // upper of 1000, 3000
    }

    @Test
    void theMedianEpochIsNotMovedByOneSlowEpoch() {
        List<EpochTiming> four = new java.util.ArrayList<>(threeEpochs());
        four.add(new EpochTiming(3, 1200 * MS, 100 * MS, 1000 * MS, 200 * MS, 2, 40));
        four.add(new EpochTiming(4, 9900 * MS, 100 * MS, 9700 * MS, 200 * MS, 2, 40));
        Summary s = Summary.of(four); // timed: 1000, 3000, 1200, 9900
        assertThat(s.epochMsMedian()).isCloseTo(3000, within(1e-9)); // the upper middle
        assertThat(s.epochMs()).isCloseTo((1000 + 3000 + 1200 + 9900) / 4.0, within(1e-9));
    }

    @Test
    void aRunWithoutATimedEpochIsRefused() {
        assertThatThrownBy(() -> Summary.of(threeEpochs().subList(0, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one timed epoch");
    }

    /** The figures part of a reference JSON line, as bench/epoch_reference.py prints them. */
    private static JsonObject fakePython(double epochMs, double withValidationMs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch_ms", epochMs);
        m.put("data_wait_ms", 3.0);
        m.put("step_ms", epochMs - 3.0);
        m.put("data_wait_share", 3.0 / epochMs);
        m.put("samples_per_s", 192 / (epochMs / 1000));
        m.put("validation_ms", withValidationMs - epochMs);
        m.put("epoch_with_validation_ms", withValidationMs);
        m.put("warmup", Map.of("epoch_ms", 2 * epochMs));
        // One slow epoch: the mean is epochMs, the median 0.9 of it.
        m.put(
                "epochs",
                List.of(
                        Map.of("epoch_ms", 0.9 * epochMs),
                        Map.of("epoch_ms", 0.9 * epochMs),
                        Map.of("epoch_ms", 1.2 * epochMs)));
        return new Gson().toJsonTree(m).getAsJsonObject();
    }

    @Test
    void theRowsRatiosAreJavaOverPythonAndEmptyWithoutPython() {
        JavaRun run = new JavaRun("MXNet", 236_404, threeEpochs());
        Summary java = Summary.of(run.epochs());
        Summary py = Summary.fromPython(fakePython(1600, 2500));
        assertThat(py.warmupEpochMs()).isEqualTo(3200);
        assertThat(py.epochMsMedian()).isCloseTo(0.9 * 1600, within(1e-9));

        Map<String, Object> row = BenchEpochCommand.row(run, py);
        assertThat(row.get("engine")).isEqualTo("MXNet");
        assertThat(row.get("timed_epochs")).isEqualTo(2);
        assertThat(row.get("samples_per_epoch")).isEqualTo(40L);
        assertThat(row.get("batches_per_epoch")).isEqualTo(2L);
        assertThat(row.get("epoch_ms")).isEqualTo(java.epochMs());
        assertThat(row.get("data_wait_share")).isEqualTo(java.dataWaitShare());
        assertThat((double) row.get("ratio")).isCloseTo(java.epochMs() / 1600, within(1e-12));
        assertThat((double) row.get("ratio_median"))
                .isCloseTo(java.epochMsMedian() / (0.9 * 1600), within(1e-12));
        assertThat((double) row.get("ratio_with_validation"))
                .isCloseTo(java.epochWithValidationMs() / 2500, within(1e-12));

        Map<String, Object> alone = BenchEpochCommand.row(run, null);
        assertThat(alone)
                .containsEntry("ratio", null)
                .containsEntry("ratio_median", null)
                .containsEntry("ratio_with_validation", null);
        assertThat(alone.get("epoch_ms")).isEqualTo(java.epochMs());
    }

    @Test
    void aReferenceLineWithoutAFigureIsNamed() {
        JsonObject py = fakePython(1600, 2500);
        py.remove("data_wait_share");
        assertThatThrownBy(() -> Summary.fromPython(py))
                .hasMessageContaining("epoch_reference.py")
                .hasMessageContaining("data_wait_share");
    }

    private static JsonObject work(List<String> ids, int valCount, long params, int[] flip) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("train_ids", ids);
        m.put("val_count", valCount);
        m.put("params", params);
        m.put("flip_map", flip);
        return new Gson().toJsonTree(m).getAsJsonObject();
    }

    @Test
    void bothSidesMustTrainTheSameFacesWithTheSameNetworkAndFlipMap() {
        List<String> ids = List.of("01-1m", "01-2m", "02-1m");
        int[] flip = LandmarkScheme.IMM_58.flipPermutation();
        BenchEpochCommand.checkSameWork(work(ids, 2, 236_404, flip), ids, 2, 236_404);

        assertThatThrownBy(
                        () ->
                                BenchEpochCommand.checkSameWork(
                                        work(List.of("01-1m", "01-2m", "33-1m"), 2, 236_404, flip),
                                        ids,
                                        2,
                                        236_404))
                .hasMessageContaining("only in Java: [02-1m]")
                .hasMessageContaining("only in Python: [33-1m]");
        assertThatThrownBy(
                        () ->
                                BenchEpochCommand.checkSameWork(
                                        work(List.of("01-2m", "01-1m", "02-1m"), 2, 236_404, flip),
                                        ids,
                                        2,
                                        236_404))
                .hasMessageContaining("another order");
        assertThatThrownBy(
                        () ->
                                BenchEpochCommand.checkSameWork(
                                        work(ids, 3, 236_404, flip), ids, 2, 236_404))
                .hasMessageContaining("validates on 3 faces, the Java side on 2");
        assertThatThrownBy(
                        () ->
                                BenchEpochCommand.checkSameWork(
                                        work(ids, 2, 1_000, flip), ids, 2, 236_404))
                .hasMessageContaining("not the same network");
        int[] swapped = flip.clone();
        swapped[13] = 13;
        swapped[21] = 21;
        assertThatThrownBy(
                        () ->
                                BenchEpochCommand.checkSameWork(
                                        work(ids, 2, 236_404, swapped), ids, 2, 236_404))
                .hasMessageContaining("mirrors the IMM points");
    }

    @Test
    void badArgumentsAreNamed(@TempDir Path dir) {
        CliRun zero = CliRun.of("bench", "epoch", "--epochs", "0", "--no-python");
        assertThat(zero.code()).isNotZero();
        assertThat(zero.err()).contains("--epochs", "0");

        CliRun negative = CliRun.of("bench", "epoch", "--pairs", "-1", "--no-python");
        assertThat(negative.code()).isNotZero();
        assertThat(negative.err()).contains("--pairs", "-1");

        CliRun pairsWithoutPython = CliRun.of("bench", "epoch", "--pairs", "2", "--no-python");
        assertThat(pairsWithoutPython.code()).isNotZero();
        assertThat(pairsWithoutPython.err()).contains("--pairs", "--no-python");

        Path missing = dir.resolve("no-such-folder");
        CliRun noData = CliRun.of("bench", "epoch", "--data", missing.toString(), "--no-python");
        assertThat(noData.code()).isNotZero();
        assertThat(noData.err()).contains("--data", missing.toString());
    }

    private static String[] run(Path data, String... more) {
        String[] base = {
            "bench",
            "epoch",
            "--data",
            data.toString(),
            "--engines",
            "PyTorch",
            "--threads",
            "1",
            "--json"
        };
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return args;
    }

    @Test
    void aJavaOnlyRunTimesEveryEpochThroughTheTrainer(@TempDir Path dir) throws Exception {
        // Six synthetic faces: persons 1 and 2 train (4 faces, one batch), person 33 validates.
        Path data = TrainCommandTest.smallImm(dir);
        CliRun r = CliRun.of(run(data, "--epochs", "2", "--no-python"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("epoch 1/3 (warm-up", "epoch 3/3");
        JsonObject j = r.json();
        assertThat(j.get("threads").getAsInt()).isEqualTo(1);
        assertThat(j.get("epochs").getAsInt()).isEqualTo(2);
        JsonObject recipe = j.getAsJsonObject("recipe");
        assertThat(recipe.get("input").getAsString()).isEqualTo("120x90");
        assertThat(recipe.get("batch").getAsInt()).isEqualTo(32);
        assertThat(recipe.get("train_faces").getAsInt()).isEqualTo(4);
        assertThat(recipe.get("validation_faces").getAsInt()).isEqualTo(2);
        assertThat(recipe.get("augmentation").getAsString())
                .contains("rotation(±15.0°", "shift(±5.0px)", "horizontalFlip");
        assertThat(j.get("python").isJsonNull()).isTrue();
        JsonObject row = j.getAsJsonArray("engines").get(0).getAsJsonObject();
        assertThat(row.get("engine").getAsString()).isEqualTo("PyTorch");
        assertThat(row.get("timed_epochs").getAsInt()).isEqualTo(2);
        assertThat(row.get("samples_per_epoch").getAsInt()).isEqualTo(4);
        assertThat(row.get("batches_per_epoch").getAsInt()).isEqualTo(1);
        double epoch = row.get("epoch_ms").getAsDouble();
        double wait = row.get("data_wait_ms").getAsDouble();
        double step = row.get("step_ms").getAsDouble();
        assertThat(wait).isPositive();
        assertThat(step).isPositive();
        assertThat(wait + step).isLessThanOrEqualTo(epoch);
        assertThat(row.get("data_wait_share").getAsDouble()).isCloseTo(wait / epoch, within(1e-9));
        assertThat(row.get("samples_per_s").getAsDouble())
                .isCloseTo(4 / (epoch / 1000), within(1e-6));
        assertThat(row.get("epoch_with_validation_ms").getAsDouble())
                .isCloseTo(epoch + row.get("validation_ms").getAsDouble(), within(1e-6));
        assertThat(row.get("ratio").isJsonNull()).isTrue();
    }

    private static boolean pythonHasTorchAndOpenCv() throws IOException, InterruptedException {
        return SystemPython.imports("torch", "cv2") && Files.exists(PythonTorchReference.OPENBLAS);
    }

    private static void assumePythonSide(String what) throws IOException, InterruptedException {
        Assumptions.assumeTrue(
                pythonHasTorchAndOpenCv(),
                PYTHON + " has no torch or cv2 (or no OpenBLAS): " + what + " is not tested here");
    }

    @Test
    void thePythonReferenceTrainsTheSameFacesAndTheRatioIsJavaOverPython(@TempDir Path dir)
            throws Exception {
        assumePythonSide("the Python side");
        Path data = TrainCommandTest.smallImm(dir);
        CliRun r = CliRun.of(run(data, "--workers", "1"));
        assertThat(r.code()).as(r.err()).isZero();
        JsonObject j = r.json();
        JsonObject py = j.getAsJsonObject("python");
        JsonObject row = j.getAsJsonArray("engines").get(0).getAsJsonObject();
        assertThat(py.get("params").getAsLong()).isEqualTo(row.get("params").getAsLong());
        assertThat(py.get("workers").getAsInt()).isEqualTo(1);
        assertThat(py.get("timed_epochs").getAsInt()).isEqualTo(1);
        assertThat(py.get("epoch_ms").getAsDouble()).isPositive();
        assertThat(py.get("decode_ms").getAsDouble()).isPositive();
        assertThat(py.get("data_wait_ms").getAsDouble() + py.get("step_ms").getAsDouble())
                .isLessThanOrEqualTo(py.get("epoch_ms").getAsDouble());
        assertThat(row.get("ratio").getAsDouble())
                .isCloseTo(
                        row.get("epoch_ms").getAsDouble() / py.get("epoch_ms").getAsDouble(),
                        within(1e-9));
        // One timed epoch: its median is the epoch itself, on both sides.
        assertThat(py.get("epoch_ms_median").getAsDouble())
                .isCloseTo(py.get("epoch_ms").getAsDouble(), within(1e-9));
        assertThat(row.get("ratio_median").getAsDouble())
                .isCloseTo(row.get("ratio").getAsDouble(), within(1e-9));
    }

    @Test
    void pairedEpochsRunBesideTheServedReference(@TempDir Path dir) throws Exception {
        assumePythonSide("the paired epochs");
        Path data = TrainCommandTest.smallImm(dir);
        CliRun r = CliRun.of(run(data, "--pairs", "3"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("paired  PyTorch");
        JsonObject j = r.json();
        assertThat(j.get("pairs").getAsInt()).isEqualTo(3);
        JsonObject row = j.getAsJsonArray("engines").get(0).getAsJsonObject();
        List<Double> ratios = new ArrayList<>();
        row.getAsJsonArray("ratio_pairs").forEach(e -> ratios.add(e.getAsDouble()));
        assertThat(ratios).hasSize(3).allMatch(x -> x > 0);
        assertThat(row.get("ratio_paired").getAsDouble())
                .isEqualTo(ratios.stream().sorted().toList().get(1));
        assertThat(row.get("java_ms_paired").getAsDouble()).isPositive();
        assertThat(row.get("python_ms_paired").getAsDouble()).isPositive();
        assertThat(row.get("data_wait_share_paired_java").getAsDouble()).isBetween(0.0, 1.0);
        assertThat(row.get("data_wait_share_paired_python").getAsDouble()).isBetween(0.0, 1.0);
        // The warm-up and three paired epochs on each side, after the unpaired run's two.
        assertThat(r.err()).contains("PyTorch paired epoch 4/4");
    }
}
