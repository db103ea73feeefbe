package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import io.github.keypoints.models.KeypointModel;
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

/**
 * The exponential moving average of the weights ({@link KeypointTrainer.Builder#optWeightAverage}).
 */
class WeightAverageTest {

    /** Small enough that both the warm-up and the configured decay act within 12 steps. */
    private static final float DECAY = 0.5f;

    private static final LearningRateSchedule RATE = LearningRateSchedule.fixed(1e-2f);

    /** Every parameter of a block, flattened, in the block's order. */
    private static List<float[]> values(Block block) {
        ParameterList params = block.getParameters();
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            out.add(params.valueAt(i).getArray().toFloatArray());
        }
        return out;
    }

    /** The values of parameter bytes ({@code saveParameters}) loaded into a fresh tiny network. */
    private static List<float[]> values(byte[] parameters, String engine) throws Exception {
        try (KeypointModel m =
                KeypointModel.fromParameters(
                        TinyNets.spec(TinyNets.keypointNet()),
                        parameters,
                        engine,
                        ai.djl.Device.cpu())) {
            return values(m.block());
        }
    }

    private static void assertClose(List<float[]> actual, List<float[]> expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int p = 0; p < expected.size(); p++) {
            assertThat(actual.get(p))
                    .as("%s, parameter %d", what, p)
                    .hasSameSizeAs(expected.get(p));
            for (int i = 0; i < expected.get(p).length; i++) {
                float e = expected.get(p)[i];
                assertThat(actual.get(p)[i])
                        .as("%s, parameter %d value %d", what, p, i)
                        .isCloseTo(e, within(1e-5f + 1e-5f * Math.abs(e)));
            }
        }
    }

    /**
     * The returned model is the average the formula gives over the weights the network had after
     * each of its 12 steps, BatchNorm's running statistics included; the training itself is the run
     * without an average, step for step.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void theModelIsTheAverageOfTheWeightsAfterEveryStep(String engine, @TempDir Path dir)
            throws Exception {
        var net = TinyNets.keypointNet();
        List<List<float[]>> seen = new ArrayList<>();
        EpochListener watch =
                new EpochListener() {
                    @Override
                    public void onEpochStart(int epoch) {
                        if (epoch == 0) {
                            seen.add(values(net));
                        }
                    }

                    @Override
                    public void onBatchEnd(long batch, long batches, double loss) {
                        seen.add(values(net));
                    }
                };
        List<EpochRecord> plain;
        try (TrainedModel t =
                KeypointTrainerTest.tiny(engine, dir.resolve("plain"), 3)
                        .optSchedule(RATE)
                        .build()
                        .fit()) {
            plain = t.history();
        }
        try (TrainedModel averaged =
                KeypointTrainerTest.tiny(engine, dir.resolve("avg"), 3)
                        .setBlock(net)
                        .optModelSpec(TinyNets.spec(net))
                        .optSchedule(RATE)
                        .optWeightAverage(DECAY)
                        .addEpochListener(watch)
                        .build()
                        .fit()) {
            assertThat(seen).hasSize(1 + 12);
            List<float[]> expected = new ArrayList<>();
            for (float[] v : seen.get(0)) {
                expected.add(v.clone());
            }
            for (int t = 0; t < 12; t++) {
                float d = WeightAverage.decayAt(DECAY, t);
                for (int p = 0; p < expected.size(); p++) {
                    float[] a = expected.get(p);
                    float[] w = seen.get(t + 1).get(p);
                    for (int i = 0; i < a.length; i++) {
                        a[i] = d * a[i] + (1 - d) * w[i];
                    }
                }
            }
            assertClose(values(averaged.model().block()), expected, "returned model");
            // The average is not the last weights: the test could tell them apart.
            assertThat(values(averaged.model().block()).get(0)).isNotEqualTo(seen.get(12).get(0));
            for (int e = 0; e < 3; e++) {
                assertThat(averaged.history().get(e).trainLoss())
                        .as("train loss epoch %d", e)
                        .isCloseTo(
                                plain.get(e).trainLoss(), within(1e-6 * plain.get(e).trainLoss()));
            }
            assertThat(averaged.provenance().extra())
                    .containsKey(KeypointTrainer.WEIGHT_AVERAGE_KEY);

            // The last checkpoint: the model is the average, the training weights beside it.
            Checkpoint last =
                    Checkpoint.load(
                            KeypointTrainer.checkpointDirectory(dir.resolve("avg"))
                                    .resolve(CheckpointSaver.LAST));
            assertClose(values(last.parameters(), engine), expected, "checkpoint's model");
            assertThat(last.trainingParameters()).isPresent();
            assertClose(values(last.trainingParameters().get(), engine), seen.get(12), "training");
        }
    }

    /** Validation, the figures reported and the saved model are the average's. */
    @Test
    void validationAndTheSavedModelAreTheAverages(@TempDir Path run) throws Exception {
        try (TrainedModel report =
                        KeypointTrainerTest.tiny("PyTorch", run, 3)
                                .optSchedule(RATE)
                                .optWeightAverage(DECAY)
                                .optKeepBest(true)
                                .optBestBy(BestBy.VAL_NME)
                                .build()
                                .fit();
                KeypointModel saved = KeypointModel.load(report.directory().orElseThrow())) {
            Pair<Double, EvaluationResult> eval =
                    KeypointTrainer.evaluate(
                            saved.block(),
                            new SyntheticLandmarks(8, 12, 2, null),
                            6,
                            "PyTorch",
                            null);
            assertThat(eval.getValue().nme()).isCloseTo(report.validation().nme(), within(1e-7));
            assertThat(eval.getValue().nme()).isCloseTo(report.reported().valNme(), within(1e-7));
            assertThat(eval.getKey()).isCloseTo(report.reported().valLoss(), within(1e-7));
            assertThat(saved.spec().provenance()).containsKey(KeypointTrainer.WEIGHT_AVERAGE_KEY);
            // The training weights score otherwise.
            Checkpoint last =
                    Checkpoint.load(
                            KeypointTrainer.checkpointDirectory(run).resolve(CheckpointSaver.LAST));
            try (KeypointModel training =
                    KeypointModel.fromParameters(
                            saved.spec(),
                            last.trainingParameters().orElseThrow(),
                            "PyTorch",
                            ai.djl.Device.cpu())) {
                double trainingNme =
                        KeypointTrainer.evaluate(
                                        training.block(),
                                        new SyntheticLandmarks(8, 12, 2, null),
                                        6,
                                        "PyTorch",
                                        null)
                                .getValue()
                                .nme();
                assertThat(trainingNme)
                        .isNotCloseTo(report.history().get(2).valNme(), within(1e-6));
            }
        }
    }

    /**
     * A run that crashes after its second of four epochs and is resumed ends with the average of
     * the uninterrupted run: the training weights, the average and its update count all resume.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aResumedRunEndsWithTheAverageOfAnUninterruptedOne(String engine, @TempDir Path dir)
            throws Exception {
        List<float[]> straight;
        try (TrainedModel t =
                KeypointTrainerTest.tiny(engine, dir.resolve("straight"), 4)
                        .optSchedule(RATE)
                        .optWeightAverage(DECAY)
                        .build()
                        .fit()) {
            straight = values(t.model().block());
        }
        Path split = dir.resolve("split");
        assertThatThrownBy(
                        () ->
                                KeypointTrainerTest.tiny(engine, split, 4)
                                        .optSchedule(RATE)
                                        .optWeightAverage(DECAY)
                                        .addEpochListener(KeypointTrainerTest.crashAfterTwo())
                                        .build()
                                        .fit())
                .hasMessageContaining("simulated crash");
        try (TrainedModel resumed =
                KeypointTrainerTest.tiny(engine, split, 4)
                        .optSchedule(RATE)
                        .optWeightAverage(DECAY)
                        .optResume(true)
                        .build()
                        .fit()) {
            assertThat(resumed.history()).hasSize(4);
            assertClose(values(resumed.model().block()), straight, "resumed run's average");
        }
    }

    @Test
    void theDecayMustBeBelowOne() {
        KeypointTrainer.Builder b = KeypointTrainer.builder();
        assertThatThrownBy(() -> b.optWeightAverage(1f)).hasMessageContaining("got 1.0");
        assertThatThrownBy(() -> b.optWeightAverage(-0.1f)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> b.optWeightAverage(Float.NaN)).hasMessageContaining("NaN");
    }

    @Test
    void theWarmUpFollowsTheUpdatesAndStopsAtTheDecay() {
        assertThat(WeightAverage.decayAt(0.998f, 0)).isEqualTo(0.1f);
        assertThat(WeightAverage.decayAt(0.998f, 8)).isCloseTo(0.5f, within(1e-7f));
        assertThat(WeightAverage.decayAt(0.5f, 8)).isEqualTo(0.5f);
        assertThat(WeightAverage.decayAt(0.998f, 1_000_000)).isEqualTo(0.998f);
    }

    @Test
    void theDecayTakesOverAtTheFirstUpdateWhereTheWarmUpReachesIt() {
        for (float d : new float[] {0.5f, 0.9f, 0.998f, 0.999f}) {
            long t = WeightAverage.decayTakesOver(d);
            assertThat(WeightAverage.decayAt(1f, t)).as("decay %s", d).isGreaterThanOrEqualTo(d);
            assertThat(WeightAverage.decayAt(1f, t - 1)).as("decay %s", d).isLessThan(d);
        }
        assertThat(WeightAverage.decayTakesOver(0.998f)).isEqualTo(4_490);
        assertThat(WeightAverage.decayTakesOver(0.999f)).isEqualTo(8_990);
    }

    @Test
    void aRunTooShortForItsDecaySaysSo(@TempDir Path run) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (TrainedModel t =
                KeypointTrainerTest.tiny("PyTorch", run, 1)
                        .optWeightAverage(0.9f)
                        .optLog(new PrintStream(log, true, "UTF-8"))
                        .build()
                        .fit()) {
            assertThat(log.toString("UTF-8"))
                    .contains("decay 0.9 takes over from the warm-up after 80 steps")
                    .contains("this run has 4");
        }
    }

    @Test
    void aCheckpointWithoutTrainingWeightsLoadsAsBefore(@TempDir Path run) throws Exception {
        try (TrainedModel t = KeypointTrainerTest.tiny("PyTorch", run, 1).build().fit()) {
            Path last = KeypointTrainer.checkpointDirectory(run).resolve(CheckpointSaver.LAST);
            assertThat(Files.exists(last.resolve(Checkpoint.TRAINING_PARAMS_FILE))).isFalse();
            assertThat(Checkpoint.load(last).trainingParameters()).isEmpty();
        }
    }
}
