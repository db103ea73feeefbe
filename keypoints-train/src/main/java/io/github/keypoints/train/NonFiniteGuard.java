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
 * CheckpointSaver} has kept the last finite epoch.
 */
public final class NonFiniteGuard implements KeypointTrainingListener {

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
                            sampleIds(batchData.getBatch().getIndices())));
        }
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
                            record.valLoss()));
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
