package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.NoseTipNet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeypointTrainerTest {

    private static KeypointTrainer.Builder tiny(String engine, Path run, int epochs) {
        return KeypointTrainer.builder()
                .setBlock(TinyNets.convNet(4))
                .setTrainingData(new SyntheticLandmarks(24, 12, 1, null))
                .setValidationData(new SyntheticLandmarks(8, 12, 2, null))
                .setEpochs(epochs)
                .setBatchSize(6)
                .optEngine(engine)
                .optDevices(new Device[] {Device.cpu()})
                .optSeed(7)
                .optRunDirectory(run)
                .optLog(new PrintStream(new ByteArrayOutputStream()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void trainingLossFallsOnEachEngine(String engine, @TempDir Path run) throws Exception {
        TrainingReport report =
                tiny(engine, run, 6).optSchedule(LearningRateSchedule.fixed(3e-3f)).build().fit();
        List<EpochRecord> h = report.history();
        assertThat(h).hasSize(6);
        assertThat(h.get(5).trainLoss()).isLessThan(h.get(0).trainLoss() * 0.7);
        assertThat(h.get(5).valLoss()).isLessThan(h.get(0).valLoss());
        assertThat(report.validation().count()).isEqualTo(8);
        assertThat(report.parameters()).isEqualTo(4 * 9 + 4 + 4 * 5 * 5 * 4 + 4);
    }

    /**
     * A run that crashes after its second of four epochs and is resumed must run only epochs 3 and
     * 4, keep the first two records it saved, and end where an uninterrupted run ends — with a
     * cosine schedule whose rate changes at every epoch, so a resume that restarted the schedule,
     * dropped the optimiser state or the weights, or simply trained again from scratch, fails.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void resumedRunRunsOnlyTheRemainingEpochsAndEndsLikeAnUninterruptedOne(
            String engine, @TempDir Path dir) throws Exception {
        LearningRateSchedule cosine = LearningRateSchedule.cosine(1e-2f, 1e-4f);
        List<EpochRecord> straight =
                tiny(engine, dir.resolve("straight"), 4)
                        .optSchedule(cosine)
                        .build()
                        .fit()
                        .history();
        assertThat(straight.get(2).learningRate()).isLessThan(straight.get(1).learningRate());

        Path split = dir.resolve("split");
        List<EpochRecord> beforeCrash = new ArrayList<>();
        EpochListener crashAfterTwo =
                new EpochListener() {
                    @Override
                    public void onEpochEnd(EpochRecord record, boolean best) {
                        beforeCrash.add(record);
                        if (record.epoch() == 1) {
                            throw new IllegalStateException("simulated crash after epoch 2");
                        }
                    }
                };
        assertThatThrownBy(
                        () ->
                                tiny(engine, split, 4)
                                        .optSchedule(cosine)
                                        .addEpochListener(crashAfterTwo)
                                        .build()
                                        .fit())
                .hasMessageContaining("simulated crash");
        assertThat(
                        Checkpoint.load(
                                        KeypointTrainer.checkpointDirectory(split)
                                                .resolve("last.ckpt"))
                                .epochsDone())
                .isEqualTo(2);

        List<Integer> started = new ArrayList<>();
        EpochListener starts =
                new EpochListener() {
                    @Override
                    public void onEpochStart(int epoch) {
                        started.add(epoch);
                    }
                };
        List<EpochRecord> resumed =
                tiny(engine, split, 4)
                        .optSchedule(cosine)
                        .optResume(true)
                        .addEpochListener(starts)
                        .build()
                        .fit()
                        .history();

        assertThat(started).as("epochs the resumed run trained").containsExactly(2, 3);
        assertThat(resumed).hasSize(4);
        // The first two records are the crashed run's own, loaded from the checkpoint (their
        // wall-clock seconds too, which a re-run would not reproduce).
        assertThat(resumed.subList(0, 2)).isEqualTo(beforeCrash);
        for (int e = 0; e < 4; e++) {
            assertThat(resumed.get(e).learningRate())
                    .as("learning rate epoch %d", e)
                    .isEqualTo(straight.get(e).learningRate());
            assertThat(resumed.get(e).trainLoss())
                    .as("train loss epoch %d", e)
                    .isCloseTo(
                            straight.get(e).trainLoss(),
                            within(1e-6 * straight.get(e).trainLoss()));
            assertThat(resumed.get(e).valLoss())
                    .as("val loss epoch %d", e)
                    .isCloseTo(straight.get(e).valLoss(), within(1e-6 * straight.get(e).valLoss()));
            assertThat(resumed.get(e).valMeanPx())
                    .isCloseTo(straight.get(e).valMeanPx(), within(1e-4));
        }
    }

    @Test
    void runFolderHoldsReportCheckpointsAndModel(@TempDir Path run) throws Exception {
        Path images = Files.createDirectories(run.resolve("images"));
        SyntheticLandmarks val = new SyntheticLandmarks(8, 12, 2, images);
        val.writeImages();
        TrainingReport report =
                tiny("PyTorch", run.resolve("out"), 2)
                        .setValidationData(val)
                        .optKeepBest(true)
                        .optBestBy(BestBy.VAL_MEAN_PX)
                        .build()
                        .fit();
        Path out = run.resolve("out");
        for (String f :
                List.of(
                        "history.csv",
                        "loss-curve.png",
                        "gallery.png",
                        "filters.png",
                        "model.kpt",
                        "checkpoints/last.ckpt",
                        "checkpoints/best.ckpt")) {
            assertThat(out.resolve(f)).as(f).isRegularFile();
        }
        assertThat(Files.readAllLines(out.resolve("history.csv"))).hasSize(3);
        assertThat(report.model()).isEqualTo(out.resolve("model.kpt"));
        double bestPx =
                Math.min(report.history().get(0).valMeanPx(), report.history().get(1).valMeanPx());
        assertThat(report.reported().valMeanPx()).isEqualTo(bestPx);
        assertThat(report.validation().meanPx()).isCloseTo(bestPx, within(1e-4));
        try (PrintStream ignored = null) {
            // no temp files left behind by the atomic writes
            try (var files = Files.walk(out)) {
                assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp")))
                        .isEmpty();
            }
        }
    }

    @Test
    void evaluateReproducesTheReportedValidationFigures(@TempDir Path run) throws Exception {
        TrainingReport report = tiny("PyTorch", run, 2).build().fit();
        Checkpoint model = Checkpoint.load(report.model());
        ai.djl.nn.Block block = TinyNets.convNet(4);
        try (ai.djl.ndarray.NDManager m =
                ai.djl.ndarray.NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            block.initialize(
                    m,
                    ai.djl.ndarray.types.DataType.FLOAT32,
                    new ai.djl.ndarray.types.Shape(1, 1, 12, 12));
            model.restoreParameters(block, m);
            Pair<Double, EvaluationResult> eval =
                    KeypointTrainer.evaluate(
                            block, new SyntheticLandmarks(8, 12, 2, null), 6, "PyTorch", null);
            assertThat(eval.getValue().meanPx())
                    .isCloseTo(report.validation().meanPx(), within(1e-5));
            assertThat(eval.getValue().maePx())
                    .isCloseTo(report.validation().maePx(), within(1e-5));
            assertThat(eval.getValue().nme()).isCloseTo(report.validation().nme(), within(1e-7));
            assertThat(eval.getKey()).isCloseTo(report.reported().valLoss(), within(1e-7));
        }
    }

    @Test
    void progressGoesToTheGivenStreamAndDoesNotChangeTraining(@TempDir Path run) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<EpochRecord> shown =
                tiny("PyTorch", run.resolve("a"), 3)
                        .optProgress(new PrintStream(err, true))
                        .build()
                        .fit()
                        .history();
        List<EpochRecord> quiet = tiny("PyTorch", run.resolve("b"), 3).build().fit().history();
        String text = err.toString();
        assertThat(text).contains("epoch 1/3").contains("ETA").contains("val mean");
        for (int e = 0; e < 3; e++) {
            assertThat(shown.get(e).trainLoss()).isFinite().isEqualTo(quiet.get(e).trainLoss());
        }
    }

    @Test
    void builderNamesWhatIsMissing() {
        assertThatThrownBy(() -> KeypointTrainer.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setBlock");
        assertThatThrownBy(
                        () ->
                                KeypointTrainer.builder()
                                        .setBlock(TinyNets.convNet(4))
                                        .setTrainingData(new SyntheticLandmarks(4, 12, 1, null))
                                        .setValidationData(new SyntheticLandmarks(4, 12, 1, null))
                                        .setEpochs(1)
                                        .build())
                .hasMessageContaining("setBatchSize");
    }

    @Test
    void epochOrderDependsOnlyOnSeedAndEpoch() {
        assertThat(KeypointTrainer.epochOrder(50, 3, 4))
                .isEqualTo(KeypointTrainer.epochOrder(50, 3, 4));
        assertThat(KeypointTrainer.epochOrder(50, 3, 4))
                .isNotEqualTo(KeypointTrainer.epochOrder(50, 3, 5));
        assertThat(KeypointTrainer.epochOrder(50, 3, 4))
                .containsExactlyInAnyOrderElementsOf(KeypointTrainer.epochOrder(50, 9, 4));
    }

    @Test
    void nonFiniteLossStopsTheRunNamingEpochBatchAndSamples(@TempDir Path run) {
        Loss nan =
                new Loss("nan") {
                    @Override
                    public NDArray evaluate(NDList labels, NDList predictions) {
                        return predictions.head().sum().mul(Float.NaN);
                    }
                };
        assertThatThrownBy(() -> tiny("PyTorch", run, 2).optLoss(nan).build().fit())
                .isInstanceOf(NonFiniteLossException.class)
                .hasMessageContaining("epoch 1, batch 1/4")
                .hasMessageContaining("samples: ");
        assertThat(run.resolve("checkpoints/last.ckpt")).doesNotExist();
    }

    @Test
    void aModelSpecForAnotherNetworkIsRefusedBeforeTraining(@TempDir Path run) {
        ModelSpec spec =
                ModelSpec.builder()
                        .setBlock(NoseTipNet.builder().setOutputs(2).build())
                        .setScheme(LandmarkScheme.NOSE_TIP)
                        .setInputSize(80, 60)
                        .build();
        assertThatThrownBy(() -> tiny("PyTorch", run, 1).optModelSpec(spec).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nose-tip'")
                .hasMessageContaining("not a KeypointBlock");
    }
}
