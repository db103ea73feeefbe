package io.github.keypoints.train;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import java.util.Map;

/**
 * The {@link TrainingListener.BatchData} a {@link KeypointTrainer} hands its listeners for a
 * training batch, with the batch's loss already read and where the batch sits in the run, so a
 * listener need not evaluate the loss again.
 */
public final class LossBatchData extends TrainingListener.BatchData {

    private final double loss;
    private final int epoch;
    private final long batchNumber;
    private final long batches;

    LossBatchData(
            Batch batch,
            Map<Device, NDList> labels,
            Map<Device, NDList> predictions,
            double loss,
            int epoch,
            long batchNumber,
            long batches) {
        super(batch, labels, predictions);
        this.loss = loss;
        this.epoch = epoch;
        this.batchNumber = batchNumber;
        this.batches = batches;
    }

    /**
     * Returns the batch's loss, the mean over its samples.
     *
     * @return the loss, possibly not finite
     */
    public double loss() {
        return loss;
    }

    /**
     * Returns the epoch index.
     *
     * @return the epoch, from 0
     */
    public int epoch() {
        return epoch;
    }

    /**
     * Returns the batch's number in its epoch.
     *
     * @return the number, from 1
     */
    public long batchNumber() {
        return batchNumber;
    }

    /**
     * Returns the number of batches in the epoch.
     *
     * @return the count
     */
    public long batches() {
        return batches;
    }
}
