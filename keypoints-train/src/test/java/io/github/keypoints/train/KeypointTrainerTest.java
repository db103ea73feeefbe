package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.DivergenceCheckTrainingListener;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.load.SplitRule;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.LandmarkCnn;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.NoseTipNet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeypointTrainerTest {

    static KeypointTrainer.Builder tiny(String engine, Path run, int epochs) {
        LandmarkCnn net = TinyNets.keypointNet();
        return KeypointTrainer.builder()
                .setBlock(net)
                .optModelSpec(TinyNets.spec(net))
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

    /** A listener that throws after the second epoch, as a crash would end a run there. */
    static EpochListener crashAfterTwo() {
        return new EpochListener() {
            @Override
            public void onEpochEnd(EpochRecord record, boolean best) {
                if (record.epoch() == 1) {
                    throw new IllegalStateException("simulated crash after epoch 2");
                }
            }
        };
    }

    /**
     * Every epoch of {@code run} has the learning rate of {@code straight}'s, and its training and
     * validation losses within a relative 1e-6 (its mean pixel error within 1e-4 px).
     */
    private static void assertEndsLike(List<EpochRecord> run, List<EpochRecord> straight) {
        assertThat(run).hasSameSizeAs(straight);
        for (int e = 0; e < straight.size(); e++) {
            EpochRecord r = run.get(e);
            EpochRecord s = straight.get(e);
            assertThat(r.learningRate())
                    .as("learning rate epoch %d", e)
                    .isEqualTo(s.learningRate());
            assertThat(r.trainLoss())
                    .as("train loss epoch %d", e)
                    .isCloseTo(s.trainLoss(), within(1e-6 * s.trainLoss()));
            assertThat(r.valLoss())
                    .as("val loss epoch %d", e)
                    .isCloseTo(s.valLoss(), within(1e-6 * s.valLoss()));
            assertThat(r.valMeanPx())
                    .as("val px epoch %d", e)
                    .isCloseTo(s.valMeanPx(), within(1e-4));
        }
    }

    /** Fits, closes the model and returns the history. */
    private static List<EpochRecord> history(KeypointTrainer.Builder builder) throws Exception {
        try (TrainedModel trained = builder.build().fit()) {
            return trained.history();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void trainingLossFallsOnEachEngine(String engine, @TempDir Path run) throws Exception {
        try (TrainedModel report =
                tiny(engine, run, 6).optSchedule(LearningRateSchedule.fixed(3e-3f)).build().fit()) {
            List<EpochRecord> h = report.history();
            assertThat(h).hasSize(6);
            assertThat(h.get(5).trainLoss()).isLessThan(h.get(0).trainLoss() * 0.7);
            assertThat(h.get(5).valLoss()).isLessThan(h.get(0).valLoss());
            assertThat(report.validation().count()).isEqualTo(8);
            assertThat(report.parameters()).isEqualTo(TinyNets.KEYPOINT_NET_PARAMETERS);
            assertThat(report.model().spec().engine()).isEqualTo(engine);
        }
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
                history(tiny(engine, dir.resolve("straight"), 4).optSchedule(cosine));
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
                                history(
                                        tiny(engine, split, 4)
                                                .optSchedule(cosine)
                                                .addEpochListener(crashAfterTwo)))
                .hasMessageContaining("simulated crash");
        assertThat(
                        Checkpoint.load(
                                        KeypointTrainer.checkpointDirectory(split)
                                                .resolve(CheckpointSaver.LAST))
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
                history(
                        tiny(engine, split, 4)
                                .optSchedule(cosine)
                                .optResume(true)
                                .addEpochListener(starts));

        assertThat(started).as("epochs the resumed run trained").containsExactly(2, 3);
        assertThat(resumed).hasSize(4);
        // The first two records are the crashed run's own, loaded from the checkpoint (their
        // wall-clock seconds too, which a re-run would not reproduce).
        assertThat(resumed.subList(0, 2)).isEqualTo(beforeCrash);
        assertEndsLike(resumed, straight);
    }

    @Test
    void runFolderHoldsReportCheckpointsAndModel(@TempDir Path run) throws Exception {
        Path images = Files.createDirectories(run.resolve("images"));
        SyntheticLandmarks val = new SyntheticLandmarks(8, 12, 2, images);
        val.writeImages();
        Path out = run.resolve("out");
        try (TrainedModel report =
                tiny("PyTorch", out, 2)
                        .setValidationData(val)
                        .optKeepBest(true)
                        .optBestBy(BestBy.VAL_MEAN_PX)
                        .build()
                        .fit()) {
            for (String f :
                    List.of(
                            "history.csv",
                            "loss-curve.png",
                            "gallery.png",
                            "filters.png",
                            "model/model.json",
                            "model/model.params",
                            "checkpoints/last/model.json",
                            "checkpoints/last/optimizer.bin",
                            "checkpoints/last/history.csv",
                            "checkpoints/best/model.params")) {
                assertThat(out.resolve(f)).as(f).isRegularFile();
            }
            assertThat(Files.readAllLines(out.resolve("history.csv"))).hasSize(3);
            assertThat(report.directory()).contains(out.resolve(KeypointTrainer.MODEL_DIRECTORY));
            double bestPx =
                    Math.min(
                            report.history().get(0).valMeanPx(),
                            report.history().get(1).valMeanPx());
            assertThat(report.reported().valMeanPx()).isEqualTo(bestPx);
            assertThat(report.validation().meanPx()).isCloseTo(bestPx, within(1e-4));
            // A checkpoint is a model directory: it loads like any saved model.
            try (KeypointModel last =
                    KeypointModel.load(out.resolve("checkpoints").resolve(CheckpointSaver.LAST))) {
                assertThat(last.spec().provenance()).containsEntry("epoch", "2");
            }
            // No temporary files or folders left behind by the atomic writes.
            try (var files = Files.walk(out)) {
                assertThat(files.filter(p -> p.getFileName().toString().startsWith("."))).isEmpty();
            }
        }
    }

    @Test
    void theReturnedModelIsTheSavedOneAndEvaluateReproducesItsFigures(@TempDir Path run)
            throws Exception {
        try (TrainedModel report = tiny("PyTorch", run, 2).build().fit();
                KeypointModel saved = KeypointModel.load(report.directory().orElseThrow())) {
            for (KeypointModel m : List.of(report.model(), saved)) {
                Pair<Double, EvaluationResult> eval =
                        KeypointTrainer.evaluate(
                                m.block(),
                                new SyntheticLandmarks(8, 12, 2, null),
                                6,
                                "PyTorch",
                                null);
                assertThat(eval.getValue().meanPx())
                        .isCloseTo(report.validation().meanPx(), within(1e-5));
                assertThat(eval.getValue().maePx())
                        .isCloseTo(report.validation().maePx(), within(1e-5));
                assertThat(eval.getValue().nme())
                        .isCloseTo(report.validation().nme(), within(1e-7));
                assertThat(eval.getKey()).isCloseTo(report.reported().valLoss(), within(1e-7));
            }
            assertThat(saved.spec().provenance())
                    .containsEntry("epoch", "2")
                    .containsEntry("seed", "7")
                    .containsEntry("val_mean_px", Double.toString(report.validation().meanPx()));
        }
    }

    @Test
    void provenanceIsTypedAndRecordedInTheSavedModel(@TempDir Path run) throws Exception {
        SplitRule rule = SplitRule.parse("every-5th");
        LandmarkRecipe recipe = LandmarkRecipe.noseTip();
        try (TrainedModel trained =
                tiny("PyTorch", run, 1)
                        .optDataSource("synthetic squares")
                        .optSplit(rule)
                        .optRecipe(recipe)
                        .addMetadata("note", "test")
                        .build()
                        .fit()) {
            TrainingProvenance p = trained.provenance();
            assertThat(p.data()).isEqualTo("synthetic squares");
            assertThat(p.split()).contains(rule);
            assertThat(p.recipe()).contains(recipe);
            assertThat(p.seed()).isEqualTo(7);
            assertThat(p.engine()).isEqualTo("PyTorch");
            assertThat(p.batchSize()).isEqualTo(6);
            assertThat(p.trainingSamples()).isEqualTo(24);
            assertThat(p.validationSamples()).isEqualTo(8);
            assertThat(p.extra()).containsEntry("note", "test");
            ModelSpec saved = KeypointModel.readSpec(trained.directory().orElseThrow());
            assertThat(SplitRule.fromProvenance(saved.provenance())).contains(rule);
            assertThat(saved.provenance())
                    .containsEntry("recipe", recipe.toString())
                    .containsEntry("data", "synthetic squares")
                    .containsEntry("note", "test");
            assertThat(trained.model().spec().provenance()).isEqualTo(saved.provenance());
        }
    }

    @Test
    void sideJobsCanBeLeftOut(@TempDir Path run) throws Exception {
        Path bare = run.resolve("bare");
        try (TrainedModel trained = tiny("PyTorch", bare, 2).optJobs().build().fit()) {
            assertThat(trained.hasValidation()).isFalse();
            assertThatThrownBy(trained::validation).hasMessageContaining("ValidationMetrics");
            assertThat(trained.reported().valLoss()).isFinite();
            assertThat(trained.reported().valMeanPx()).isNaN();
        }
        try (var files = Files.list(bare)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactly(KeypointTrainer.MODEL_DIRECTORY);
        }
        Path metricsOnly = run.resolve("metrics");
        try (TrainedModel trained =
                tiny("PyTorch", metricsOnly, 2)
                        .optJobs(new ValidationMetrics(), new HistoryWriter(metricsOnly, false))
                        .build()
                        .fit()) {
            assertThat(trained.validation().count()).isEqualTo(8);
            assertThat(trained.reported().valMeanPx()).isEqualTo(trained.validation().meanPx());
        }
        assertThat(metricsOnly.resolve("history.csv")).isRegularFile();
        assertThat(metricsOnly.resolve("checkpoints")).doesNotExist();
        assertThat(metricsOnly.resolve("gallery.png")).doesNotExist();
        // Training itself does not depend on which jobs listen.
        assertThat(history(tiny("PyTorch", run.resolve("a"), 2).optJobs()))
                .extracting(EpochRecord::trainLoss)
                .isEqualTo(
                        history(tiny("PyTorch", run.resolve("b"), 2)).stream()
                                .map(EpochRecord::trainLoss)
                                .toList());
    }

    @Test
    void resumeNeedsACheckpointJobAndPixelCriteriaNeedMetrics(@TempDir Path run) {
        assertThatThrownBy(() -> tiny("PyTorch", run, 1).optResume(true).optJobs().build())
                .hasMessageContaining("CheckpointSaver");
        assertThatThrownBy(
                        () ->
                                tiny("PyTorch", run, 1)
                                        .optResume(true)
                                        .optJobs(new CheckpointSaver(run, false))
                                        .build())
                .hasMessageContaining("resume = true");
        assertThatThrownBy(
                        () ->
                                tiny("PyTorch", run, 1)
                                        .optBestBy(BestBy.VAL_NME)
                                        .optJobs(new NonFiniteGuard())
                                        .build())
                .hasMessageContaining("ValidationMetrics");
    }

    /**
     * MSE plus the number of evaluations so far: every validation loss is worse than the one
     * before, while the added constant leaves the gradients, and so the training, alone.
     */
    private static Loss growingLoss() {
        java.util.concurrent.atomic.AtomicInteger calls =
                new java.util.concurrent.atomic.AtomicInteger();
        MseLoss mse = new MseLoss(MseLoss.Reduction.MEAN);
        return new Loss("growing") {
            @Override
            public NDArray evaluate(NDList labels, NDList predictions) {
                return mse.evaluate(labels, predictions).add(calls.incrementAndGet());
            }
        };
    }

    /**
     * Keeping the best epoch when it came before a resume: the resumed run must return the best
     * checkpoint's weights, which it did not train itself. The loss is MSE plus the number of
     * evaluations so far, so every validation loss is worse than the one before (the first epoch is
     * the best) while the constant leaves the gradients, and so the weights' training, alone.
     */
    @Test
    void keepingTheBestEpochAcrossAResumeReturnsTheBestCheckpointsWeights(@TempDir Path run)
            throws Exception {
        Loss growing = growingLoss();
        EpochListener crashAfterTwo = crashAfterTwo();
        assertThatThrownBy(
                        () ->
                                history(
                                        tiny("PyTorch", run, 3)
                                                .optLoss(growing)
                                                .optKeepBest(true)
                                                .addEpochListener(crashAfterTwo)))
                .hasMessageContaining("simulated crash");
        Path checkpoints = KeypointTrainer.checkpointDirectory(run);
        Checkpoint best = Checkpoint.load(checkpoints.resolve(CheckpointSaver.BEST));
        Checkpoint last = Checkpoint.load(checkpoints.resolve(CheckpointSaver.LAST));
        assertThat(best.epochsDone()).isEqualTo(1);
        assertThat(last.parameters()).isNotEqualTo(best.parameters());
        try (TrainedModel resumed =
                tiny("PyTorch", run, 3)
                        .optLoss(growing)
                        .optKeepBest(true)
                        .optResume(true)
                        .build()
                        .fit()) {
            assertThat(resumed.history()).hasSize(3);
            assertThat(resumed.reported().epoch()).isZero();
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
                resumed.model().block().saveParameters(out);
            }
            assertThat(bytes.toByteArray()).isEqualTo(best.parameters());
        }
    }

    @Test
    void progressGoesToTheGivenStreamAndDoesNotChangeTraining(@TempDir Path run) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<EpochRecord> shown =
                history(
                        tiny("PyTorch", run.resolve("a"), 3)
                                .optProgress(new PrintStream(err, true)));
        List<EpochRecord> quiet = history(tiny("PyTorch", run.resolve("b"), 3));
        String text = err.toString();
        assertThat(text).contains("epoch 1/3").contains("ETA").contains("val mean");
        for (int e = 0; e < 3; e++) {
            assertThat(shown.get(e).trainLoss()).isFinite().isEqualTo(quiet.get(e).trainLoss());
        }
    }

    /**
     * Early stopping ends the run after the epoch that exhausts its patience, saves and returns the
     * model as usual, and says why; a resumed run counts the epochs before the resume. The loss
     * grows with every evaluation, so no epoch improves on the first.
     */
    @Test
    void earlyStoppingEndsTheRunAfterItsPatienceAndSaysWhy(@TempDir Path run) throws Exception {
        Loss growing = growingLoss();
        List<KeypointTrainingListener> jobs = TrainingJobs.standard(run);
        jobs.add(new EarlyStopping(BestBy.VAL_LOSS, 2, 0));
        try (TrainedModel trained =
                tiny("PyTorch", run, 8)
                        .optLoss(growing)
                        .optJobs(jobs)
                        .optKeepBest(true)
                        .build()
                        .fit()) {
            // Epoch 1 is the best; epochs 2 and 3 fail to improve: the run stops after epoch 3.
            assertThat(trained.history()).hasSize(3);
            assertThat(trained.stopReason())
                    .hasValueSatisfying(
                            r -> assertThat(r).contains("VAL_LOSS").contains("for 2 epochs"));
            assertThat(trained.reported().epoch()).isZero();
            assertThat(KeypointModel.readSpec(trained.directory().orElseThrow()).provenance())
                    .containsKey("stopped_early");
        }
        assertThat(
                        Checkpoint.load(
                                        KeypointTrainer.checkpointDirectory(run)
                                                .resolve(CheckpointSaver.LAST))
                                .epochsDone())
                .isEqualTo(3);
        // Resumed with a patience of 3: the three epochs before count, so one more epoch ends it.
        List<KeypointTrainingListener> again = TrainingJobs.standard(run, true, true);
        again.add(new EarlyStopping(BestBy.VAL_LOSS, 3, 0));
        try (TrainedModel resumed =
                tiny("PyTorch", run, 8).optLoss(growing).optJobs(again).build().fit()) {
            assertThat(resumed.history()).hasSize(4);
            assertThat(resumed.stopReason()).isPresent();
        }
        try (TrainedModel plain = tiny("PyTorch", run.resolve("plain"), 2).build().fit()) {
            assertThat(plain.stopReason()).isEmpty();
        }
        assertThatThrownBy(() -> new EarlyStopping(BestBy.VAL_LOSS, 0, 0))
                .hasMessageContaining("patience");
    }

    @Test
    void resumingFromAnotherNetworkOrAnOldCheckpointIsRefusedNamingIt(@TempDir Path run)
            throws Exception {
        history(tiny("PyTorch", run, 1));
        LandmarkCnn wider = LandmarkCnn.builder().setOutputs(4).optChannels(8).optHidden(0).build();
        assertThatThrownBy(
                        () ->
                                history(
                                        tiny("PyTorch", run, 2)
                                                .setBlock(wider)
                                                .optModelSpec(TinyNets.spec(wider))
                                                .optResume(true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("The checkpoint holds a landmark-cnn")
                .hasMessageContaining("[4]")
                .hasMessageContaining("[8]");
        Path old = run.resolve("old");
        Files.createDirectories(old.resolve("checkpoints"));
        Files.write(old.resolve("checkpoints").resolve("last.ckpt"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> history(tiny("PyTorch", old, 2).optResume(true)))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("last.ckpt")
                .hasMessageContaining("earlier version");
    }

    /** A builder with everything but the batch size, the spec and the jobs. */
    private static KeypointTrainer.Builder unsized(ai.djl.nn.Block block) {
        return KeypointTrainer.builder()
                .setBlock(block)
                .setTrainingData(new SyntheticLandmarks(4, 12, 1, null))
                .setValidationData(new SyntheticLandmarks(4, 12, 1, null))
                .setEpochs(1);
    }

    @Test
    void builderNamesWhatIsMissing() {
        assertThatThrownBy(() -> KeypointTrainer.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setBlock");
        assertThatThrownBy(() -> unsized(TinyNets.keypointNet()).build())
                .hasMessageContaining("setBatchSize");
        assertThatThrownBy(() -> unsized(TinyNets.keypointNet()).setBatchSize(2).build())
                .hasMessageContaining("optModelSpec");
        assertThatThrownBy(() -> unsized(TinyNets.convNet(4)).setBatchSize(2).build())
                .hasMessageContaining("must be a KeypointBlock");
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

    /**
     * Where the gradients go is a matter of speed only: a whole run with them accumulated into the
     * parameters, as a listener that reads them needs, has the same losses, to the last bit, as one
     * with fresh arrays; and the listener does read them, not zeros.
     */
    @Test
    void gradientsAccumulatedForAListenerGiveTheSameRunAsFreshOnes(@TempDir Path run)
            throws Exception {
        List<Double> norms = new ArrayList<>();
        TrainingListener reader =
                new TrainingListenerAdapter() {
                    @Override
                    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                        double sum = 0;
                        for (Pair<String, Parameter> p :
                                trainer.getModel().getBlock().getParameters()) {
                            if (p.getValue().requiresGradient()) {
                                try (NDArray g = p.getValue().getArray().getGradient();
                                        NDArray a = g.abs();
                                        NDArray t = a.sum()) {
                                    sum += t.getFloat();
                                }
                            }
                        }
                        norms.add(sum);
                    }
                };
        KeypointTrainer fresh = tiny("PyTorch", run.resolve("fresh"), 2).build();
        KeypointTrainer accumulated =
                tiny("PyTorch", run.resolve("accumulated"), 2)
                        .addTrainingListener(reader)
                        .optGradients(OptimizerStep.Gradients.ACCUMULATED)
                        .build();
        assertThat(fresh.gradients()).isEqualTo(OptimizerStep.Gradients.FRESH);
        List<EpochRecord> a;
        List<EpochRecord> f;
        try (TrainedModel t = accumulated.fit()) {
            a = t.history();
        }
        try (TrainedModel t = fresh.fit()) {
            f = t.history();
        }
        assertThat(norms).hasSize(8).allSatisfy(n -> assertThat(n).isPositive());
        for (int e = 0; e < 2; e++) {
            assertThat(f.get(e).trainLoss()).as("epoch %d", e).isEqualTo(a.get(e).trainLoss());
            assertThat(f.get(e).valLoss()).as("epoch %d", e).isEqualTo(a.get(e).valLoss());
        }
    }

    @Test
    void aListenerFromOutsideTheLibraryGetsAccumulatedGradientsUnlessToldOtherwise(
            @TempDir Path run) {
        assertThat(tiny("PyTorch", run, 1).build().gradients())
                .isEqualTo(OptimizerStep.Gradients.FRESH);
        assertThat(
                        tiny("PyTorch", run, 1)
                                .addTrainingListener(new DivergenceCheckTrainingListener())
                                .build()
                                .gradients())
                .isEqualTo(OptimizerStep.Gradients.ACCUMULATED);
        assertThat(
                        tiny("PyTorch", run, 1)
                                .addTrainingListener(new DivergenceCheckTrainingListener())
                                .optGradients(OptimizerStep.Gradients.FRESH)
                                .build()
                                .gradients())
                .isEqualTo(OptimizerStep.Gradients.FRESH);
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
        assertThatThrownBy(() -> history(tiny("PyTorch", run, 2).optLoss(nan)))
                .isInstanceOf(NonFiniteLossException.class)
                .hasMessageContaining("epoch 1, batch 1/4")
                .hasMessageContaining("samples: s");
        assertThat(run.resolve("checkpoints").resolve(CheckpointSaver.LAST)).doesNotExist();
    }

    /**
     * Mean squared error, multiplied by {@code factor} and raised by {@code add} on the 7th to 10th
     * evaluations (the first epoch's four batches and two validation batches come before).
     */
    private static Loss jumpingLoss(float factor, float add) {
        return faultyLoss(c -> c >= 7 && c <= 10, factor, add);
    }

    @Test
    void anAbsurdlyLargeFiniteLossStopsTheRunLikeANonFiniteOne(@TempDir Path run) throws Exception {
        // Sound for the first epoch, then 1e9 times larger for a few batches: finite, but no real
        // step. Epoch 2's first batch fails, and again when the epoch is repeated.
        assertThatThrownBy(() -> history(tiny("PyTorch", run, 3).optLoss(jumpingLoss(1e9f, 1e9f))))
                .isInstanceOf(NonFiniteLossException.class)
                .hasMessageContaining("epoch 2, batch 1/4")
                .hasMessageContaining("is over 1e+06 times the median")
                .hasMessageContaining("samples: s")
                .hasMessageContaining("the same batch failed again");
        // A loss that only grows tenfold is a bad step, not corruption: the run goes on.
        assertThat(history(tiny("PyTorch", run.resolve("b"), 3).optLoss(jumpingLoss(10f, 0f))))
                .hasSize(3);
    }

    /**
     * Mean squared error, multiplied by {@code factor} and raised by {@code add} on the evaluations
     * {@code when} accepts, counted from 1 over the whole test: four training batches and two
     * validation batches an epoch in {@link #tiny}, so evaluation 14 is epoch 3's second batch.
     */
    private static Loss faultyLoss(java.util.function.IntPredicate when, float factor, float add) {
        java.util.concurrent.atomic.AtomicInteger calls =
                new java.util.concurrent.atomic.AtomicInteger();
        return new Loss("faulty") {
            @Override
            public NDArray evaluate(NDList labels, NDList predictions) {
                NDArray l2 = predictions.head().sub(labels.head()).square().mean();
                return when.test(calls.incrementAndGet()) ? l2.mul(factor).add(add) : l2;
            }
        };
    }

    /**
     * Mean squared error made absurd (times 1e9, plus 1e9) on the evaluations {@code when} accepts.
     */
    private static Loss faultyLoss(java.util.function.IntPredicate when) {
        return faultyLoss(when, 1e9f, 1e9f);
    }

    /**
     * One corrupted step in epoch 3 (a loss a billion times too large, once): the run repeats the
     * epoch from epoch 2's checkpoint and ends with the losses of a run that never saw the fault,
     * under a cosine schedule, so a repeat that lost the optimiser's state, the weights or the
     * schedule's place would differ.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aStepCorruptedOnceIsRepeatedFromTheLastCheckpointAndTheRunEndsAsIfUndisturbed(
            String engine, @TempDir Path dir) throws Exception {
        LearningRateSchedule cosine = LearningRateSchedule.cosine(1e-2f, 1e-4f);
        List<EpochRecord> straight =
                history(
                        tiny(engine, dir.resolve("straight"), 4)
                                .optSchedule(cosine)
                                .optLoss(faultyLoss(c -> false)));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Integer> started = new ArrayList<>();
        List<EpochRecord> recovered =
                history(
                        tiny(engine, dir.resolve("fault"), 4)
                                .optSchedule(cosine)
                                .optLoss(faultyLoss(c -> c == 14))
                                .optLog(new PrintStream(log, true, StandardCharsets.UTF_8))
                                .addEpochListener(
                                        new EpochListener() {
                                            @Override
                                            public void onEpochStart(int epoch) {
                                                started.add(epoch);
                                            }
                                        }));
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("epoch 3, batch 2/4: training loss")
                .contains("repeating from the last checkpoint (recovery 1 of 2)");
        assertThat(started).as("epochs started").containsExactly(0, 1, 2, 2, 3);
        assertThat(recovered).hasSize(4);
        assertEndsLike(recovered, straight);
    }

    @Test
    void aFaultThatComesBackAtTheSameBatchStopsTheRunAfterItsRepeat(@TempDir Path dir)
            throws Exception {
        // Absurd from epoch 3's second batch on, for good: the first repeat fails at epoch 3's
        // first batch (another place, so it is repeated once more), the second at the same batch.
        assertThatThrownBy(
                        () ->
                                history(
                                        tiny("PyTorch", dir.resolve("a"), 4)
                                                .optLoss(faultyLoss(c -> c >= 14))))
                .isInstanceOf(NonFiniteLossException.class)
                .hasMessageContaining("epoch 3, batch 1/4")
                .hasMessageContaining("the same batch failed again")
                .satisfies(
                        e -> {
                            NonFiniteLossException n = (NonFiniteLossException) e;
                            assertThat(n.epoch()).isEqualTo(3);
                            assertThat(n.batch()).isEqualTo(1);
                        });
        assertThat(
                        Checkpoint.load(
                                        KeypointTrainer.checkpointDirectory(dir.resolve("a"))
                                                .resolve(CheckpointSaver.LAST))
                                .epochsDone())
                .as("the checkpoint keeps the last sound epoch")
                .isEqualTo(2);
        // With no recovery allowed the first fault stops the run, as before.
        assertThatThrownBy(
                        () ->
                                history(
                                        tiny("PyTorch", dir.resolve("b"), 4)
                                                .optRecoveries(0)
                                                .optLoss(faultyLoss(c -> c == 14))))
                .isInstanceOf(NonFiniteLossException.class)
                .hasMessageContaining("epoch 3, batch 2/4")
                .hasMessageNotContaining("again");
        // Nor is a run with jobs of the caller's repeated: the trainer cannot rebuild them.
        assertThatThrownBy(
                        () ->
                                history(
                                        tiny("PyTorch", dir.resolve("c"), 4)
                                                .optJobs(
                                                        TrainingJobs.standard(
                                                                dir.resolve("c"), false, true))
                                                .optLoss(faultyLoss(c -> c == 14))))
                .isInstanceOf(NonFiniteLossException.class)
                .hasMessageContaining("epoch 3, batch 2/4");
        // A maker of jobs lets such a run repeat: it is asked again, resuming.
        List<Boolean> asked = new ArrayList<>();
        Path d = dir.resolve("d");
        assertThat(
                        history(
                                tiny("PyTorch", d, 4)
                                        .optJobMaker(
                                                r -> {
                                                    asked.add(r);
                                                    return TrainingJobs.standard(d, r, true);
                                                })
                                        .optLoss(faultyLoss(c -> c == 14))))
                .hasSize(4);
        assertThat(asked).containsExactly(false, true);
        assertThatThrownBy(
                        () ->
                                tiny("PyTorch", d, 4)
                                        .optJobs(List.of())
                                        .optJobMaker(r -> List.of())
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not both");
        // Nor from a checkpoint another run left in the folder: a new run that fails in its first
        // epoch has nothing of its own to repeat from.
        Path e = dir.resolve("e");
        assertThat(history(tiny("PyTorch", e, 2))).hasSize(2);
        assertThatThrownBy(
                        () ->
                                history(
                                        tiny("PyTorch", e, 4)
                                                .optLoss(faultyLoss(c -> c == 2, Float.NaN, 0f))))
                .isInstanceOf(NonFiniteLossException.class)
                .hasMessageContaining("epoch 1, batch 2/4")
                .hasMessageNotContaining("again");
        assertThatThrownBy(() -> KeypointTrainer.builder().optRecoveries(-1))
                .isInstanceOf(IllegalArgumentException.class);
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
                .hasMessageContaining("'landmark-cnn'");
    }
}
