package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.loss.Loss;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.LandmarkSchemeProvider;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.LandmarkCnn;
import io.github.keypoints.models.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's bookkeeping with a loss whose value is known in advance: the mean of the labels
 * (plus 1e-30 times the predictions: DJL refuses all-zero gradients, and Adam turns these into
 * steps of about 1e-26, so the weights do not move). Epoch losses must then be the sample-weighted
 * means over the whole sets, whatever the batch split, and no epoch can beat the first.
 */
class KeypointTrainerAccountingTest {

    private static final Loss LABEL_MEAN =
            new Loss("label-mean") {
                @Override
                public NDArray evaluate(NDList labels, NDList predictions) {
                    return labels.head().mean().add(predictions.head().sum().mul(1e-30f));
                }
            };

    private static double labelMean(SyntheticLandmarks data) {
        double sum = 0;
        long n = 0;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (long i = 0; i < data.size(); i++) {
                for (float v : data.get(m, i).getLabels().head().toFloatArray()) {
                    sum += v;
                    n++;
                }
            }
        }
        return sum / n;
    }

    @Test
    void epochLossesAreSampleWeightedOverUnevenBatches(@TempDir Path run) throws Exception {
        // 10 training samples in batches of 4 (4, 4, 2) and 5 validation samples (4, 1): an
        // unweighted mean of batch means differs from the mean over samples.
        SyntheticLandmarks train = new SyntheticLandmarks(10, 12, 1, null);
        SyntheticLandmarks val = new SyntheticLandmarks(5, 12, 2, null);
        List<Double> batchLosses = new ArrayList<>();
        List<long[]> batchCounts = new ArrayList<>();
        List<Boolean> bestFlags = new ArrayList<>();
        List<Integer> started = new ArrayList<>();
        LearningRateSchedule schedule = LearningRateSchedule.cosine(1e-3f, 1e-5f);
        long t0 = System.nanoTime();
        LandmarkCnn net = TinyNets.keypointNet();
        try (TrainedModel report =
                KeypointTrainer.builder()
                        .setBlock(net)
                        .optModelSpec(TinyNets.spec(net))
                        .setTrainingData(train)
                        .setValidationData(val)
                        .setEpochs(3)
                        .setBatchSize(4)
                        .optEngine("PyTorch")
                        .optDevices(new Device[] {Device.cpu()})
                        .optSeed(3)
                        .optLoss(LABEL_MEAN)
                        .optSchedule(schedule)
                        .optRunDirectory(run)
                        .optLog(new PrintStream(new ByteArrayOutputStream()))
                        .addEpochListener(
                                new EpochListener() {
                                    @Override
                                    public void onEpochStart(int epoch) {
                                        started.add(epoch);
                                    }

                                    @Override
                                    public void onBatchEnd(long batch, long batches, double loss) {
                                        batchLosses.add(loss);
                                        batchCounts.add(new long[] {batch, batches});
                                    }

                                    @Override
                                    public void onEpochEnd(EpochRecord record, boolean best) {
                                        bestFlags.add(best);
                                    }
                                })
                        .build()
                        .fit()) {
            double wall = (System.nanoTime() - t0) / 1e9;

            double trainMean = labelMean(train);
            double valMean = labelMean(val);
            assertThat(started).containsExactly(0, 1, 2);
            assertThat(batchCounts)
                    .extracting(c -> c[0] + "/" + c[1])
                    .containsExactly("1/3", "2/3", "3/3", "1/3", "2/3", "3/3", "1/3", "2/3", "3/3");
            for (int e = 0; e < 3; e++) {
                EpochRecord r = report.history().get(e);
                double weighted =
                        (4 * batchLosses.get(3 * e)
                                        + 4 * batchLosses.get(3 * e + 1)
                                        + 2 * batchLosses.get(3 * e + 2))
                                / 10;
                assertThat(r.trainLoss()).as("epoch %d", e).isCloseTo(weighted, within(1e-6));
                assertThat(r.trainLoss()).isCloseTo(trainMean, within(1e-5));
                assertThat(r.valLoss()).isCloseTo(valMean, within(1e-5));
                assertThat(r.learningRate())
                        .isCloseTo(schedule.rate((e + 1) * 3L - 1, 3, 3), within(1e-9));
                assertThat(r.seconds()).isPositive().isLessThan(wall);
            }
            // Equal losses: only the first epoch is ever best, and it is the one reported.
            assertThat(bestFlags).containsExactly(true, false, false);
            assertThat(report.seconds()).isPositive().isLessThanOrEqualTo(wall);
            assertThat(report.validation().count()).isEqualTo(5);
        }
    }

    @Test
    void batchTimingsSeparateTheWaitForDataFromTheStep() throws Exception {
        // Every training get() sleeps 20 ms, so each batch of 3 keeps the step loop waiting at
        // least 60 ms; that wait must be reported as data time, not step time, once per batch,
        // before the batch's onBatchEnd, and the parts cannot add up to more than the epoch.
        long delayMs = 20;
        int batchSize = 3;
        SyntheticLandmarks train = new SyntheticLandmarks(6, 12, 1, null).withGetDelay(delayMs);
        SyntheticLandmarks val = new SyntheticLandmarks(2, 12, 2, null);
        List<String> events = new ArrayList<>();
        List<long[]> timings = new ArrayList<>();
        LandmarkCnn net = TinyNets.keypointNet();
        try (TrainedModel report =
                KeypointTrainer.builder()
                        .setBlock(net)
                        .optModelSpec(TinyNets.spec(net))
                        .setTrainingData(train)
                        .setValidationData(val)
                        .setEpochs(2)
                        .setBatchSize(batchSize)
                        .optEngine("PyTorch")
                        .optDevices(new Device[] {Device.cpu()})
                        .optLog(new PrintStream(new ByteArrayOutputStream()))
                        .addEpochListener(
                                new EpochListener() {
                                    @Override
                                    public void onBatchTiming(
                                            long batch, long batches, long data, long step) {
                                        events.add("timing " + batch + "/" + batches);
                                        timings.add(new long[] {data, step});
                                    }

                                    @Override
                                    public void onBatchEnd(long batch, long batches, double loss) {
                                        events.add("end " + batch + "/" + batches);
                                    }
                                })
                        .build()
                        .fit()) {

            assertThat(events)
                    .containsExactly(
                            "timing 1/2",
                            "end 1/2",
                            "timing 2/2",
                            "end 2/2",
                            "timing 1/2",
                            "end 1/2",
                            "timing 2/2",
                            "end 2/2");
            long minWait = batchSize * delayMs * 1_000_000L;
            for (long[] t : timings) {
                assertThat(t[0]).as("data wait").isGreaterThanOrEqualTo(minWait);
                assertThat(t[1]).as("step").isPositive();
            }
            for (int e = 0; e < 2; e++) {
                long parts = 0;
                for (long[] t : timings.subList(2 * e, 2 * e + 2)) {
                    parts += t[0] + t[1];
                }
                assertThat(parts / 1e9)
                        .as("epoch %d", e)
                        .isLessThanOrEqualTo(report.history().get(e).seconds());
            }
        }
    }

    /** Lets the saved model's scheme load again by name. */
    public static final class Schemes implements LandmarkSchemeProvider {
        @Override
        public List<LandmarkScheme> schemes() {
            return List.of(SyntheticLandmarks.SCHEME);
        }
    }

    @Test
    void keepBestRestoresTheFirstOfEqualEpochsAndSavesItAsAModelDirectory(@TempDir Path run)
            throws Exception {
        // Equal losses every epoch: the first epoch is the best and the last is not, so the
        // best checkpoint must be restored and reported, and the model directory says so.
        LandmarkCnn net = LandmarkCnn.builder().setOutputs(4).optChannels(4).optHidden(0).build();
        ModelSpec spec =
                ModelSpec.builder()
                        .setBlock(net)
                        .setScheme(SyntheticLandmarks.SCHEME)
                        .setInputSize(12, 12)
                        .build();
        try (TrainedModel report =
                KeypointTrainer.builder()
                        .setBlock(net)
                        .setTrainingData(new SyntheticLandmarks(6, 12, 1, null))
                        .setValidationData(new SyntheticLandmarks(4, 12, 2, null))
                        .setEpochs(3)
                        .setBatchSize(3)
                        .optEngine("PyTorch")
                        .optDevices(new Device[] {Device.cpu()})
                        .optLoss(LABEL_MEAN)
                        .optKeepBest(true)
                        .optBestBy(BestBy.VAL_LOSS)
                        .optModelSpec(spec)
                        .optRunDirectory(run)
                        .optLog(new PrintStream(new ByteArrayOutputStream()))
                        .build()
                        .fit()) {
            assertThat(report.reported().epoch()).isZero();
            assertThat(report.directory()).contains(run.resolve(KeypointTrainer.MODEL_DIRECTORY));
            ModelSpec saved = KeypointModel.readSpec(report.directory().orElseThrow());
            assertThat(saved.provenance())
                    .containsEntry("epoch", "1")
                    .containsEntry("val_mean_px", Double.toString(report.validation().meanPx()));
            assertThat(saved.architecture()).isEqualTo(LandmarkCnn.NAME);
            try (KeypointModel model = KeypointModel.load(report.directory().orElseThrow())) {
                assertThat(model.spec().landmarkScheme()).isSameAs(SyntheticLandmarks.SCHEME);
            }
        }
    }
}
