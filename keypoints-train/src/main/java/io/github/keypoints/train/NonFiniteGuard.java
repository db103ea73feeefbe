package io.github.keypoints.train;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.training.Trainer;
import io.github.keypoints.data.LandmarkDataset;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The non-finite guard side job: a training batch whose loss is not finite stops the run before the
 * optimiser step with a {@link NonFiniteLossException} naming the epoch, the batch and its samples,
 * and an epoch whose validation loss is not finite stops it after the epoch. Either way the {@link
 * CheckpointSaver} has kept the last finite epoch, from which a {@link KeypointTrainer} with a run
 * folder repeats the epoch before it gives up ({@link KeypointTrainer#fit}).
 *
 * <p>A finite loss more than {@value #ABSURD_FACTOR} times the median of the last {@value #WINDOW}
 * batches' losses (once {@value #MIN_HISTORY} have been seen) stops the run the same way: no
 * legitimate step jumps by six orders of magnitude, while one corrupted forward pass (seen once: a
 * 300-W run on MXNet whose 56th epoch averaged 3.8e18, identical to an earlier run of the same seed
 * to the last digit until then, while a build loaded the machine) wrecks the weights for every
 * epoch after it without ever producing a NaN.
 */
public final class NonFiniteGuard implements KeypointTrainingListener {

    /** How many times the recent median a finite batch loss may reach before the run stops. */
    public static final double ABSURD_FACTOR = 1e6;

    /** How many recent batch losses the median is taken over. */
    static final int WINDOW = 100;

    /** How many batch losses must have been seen before the median is trusted. */
    static final int MIN_HISTORY = 4;

    private final java.util.ArrayDeque<Double> recent = new java.util.ArrayDeque<>();
    private LandmarkDataset train;
    private int epoch;
    private int epochs;

    /** Creates the guard. */
    public NonFiniteGuard() {}

    @Override
    public void onRunStart(TrainingRun run) {
        this.train = run.trainingSamples();
        this.epochs = run.epochs();
    }

    @Override
    public void onEpochStart(int epoch) {
        this.epoch = epoch;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        double loss;
        long number;
        long batches;
        if (batchData instanceof LossBatchData l) {
            loss = l.loss();
            number = l.batchNumber();
            batches = l.batches();
        } else {
            loss = 0;
            for (Map.Entry<Device, NDList> e : batchData.getLabels().entrySet()) {
                NDList predictions = batchData.getPredictions().get(e.getKey());
                loss += trainer.getLoss().evaluate(e.getValue(), predictions).getFloat();
            }
            number = batchData.getBatch().getProgress();
            batches = batchData.getBatch().getProgressTotal();
        }
        if (!Double.isFinite(loss)) {
            throw new NonFiniteLossException(
                    String.format(
                            Locale.ROOT,
                            "epoch %d, batch %d/%d: training loss is %s (samples: %s); stopped so"
                                    + " the checkpoints keep the last finite epoch",
                            epoch + 1,
                            number,
                            batches,
                            loss,
                            sampleIds(batchData.getBatch().getIndices())),
                    epoch + 1,
                    number);
        }
        if (recent.size() >= MIN_HISTORY) {
            double median = median(recent);
            if (median > 0 && loss > ABSURD_FACTOR * median) {
                throw new NonFiniteLossException(
                        String.format(
                                Locale.ROOT,
                                "epoch %d, batch %d/%d: training loss %s is over %.0e times the"
                                        + " median %s of the last %d batches (samples: %s): a"
                                        + " corrupted step (a wrong kernel result) or a diverging"
                                        + " run; stopped before the optimiser step so the"
                                        + " checkpoints keep the last sound epoch",
                                epoch + 1,
                                number,
                                batches,
                                loss,
                                ABSURD_FACTOR,
                                median,
                                recent.size(),
                                sampleIds(batchData.getBatch().getIndices())),
                        epoch + 1,
                        number);
            }
        }
        recent.addLast(loss);
        if (recent.size() > WINDOW) {
            recent.removeFirst();
        }
    }

    /**
     * Takes over another guard's recent losses, so a run repeated from its last checkpoint ({@link
     * KeypointTrainer#fit}) judges its first batches as the stopped run would have.
     */
    void continueFrom(NonFiniteGuard previous) {
        recent.clear();
        recent.addAll(previous.recent);
    }

    private static double median(java.util.Collection<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    @Override
    public void onEpochEnd(EpochRecord record, boolean best) {
        if (!Double.isFinite(record.valLoss())) {
            throw new NonFiniteLossException(
                    String.format(
                            Locale.ROOT,
                            "epoch %d/%d: validation loss is %s after a finite training loss;"
                                    + " the checkpoints keep the last finite epoch",
                            record.epoch() + 1,
                            epochs,
                            record.valLoss()),
                    record.epoch() + 1,
                    NonFiniteLossException.VALIDATION);
        }
    }

    private String sampleIds(List<?> indices) {
        StringBuilder ids = new StringBuilder();
        for (Object i : indices) {
            if (ids.length() > 0) {
                ids.append(", ");
            }
            ids.append(train == null ? i.toString() : train.sample(((Number) i).intValue()).id());
        }
        return ids.toString();
    }
}
