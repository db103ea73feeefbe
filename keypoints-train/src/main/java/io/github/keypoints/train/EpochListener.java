package io.github.keypoints.train;

/**
 * Hears about epochs of a {@link KeypointTrainer} run with the figures DJL's {@code
 * TrainingListener} does not carry (validation metrics in original pixels).
 */
public interface EpochListener {

    /**
     * Called before the first batch of an epoch.
     *
     * @param epoch the epoch index
     */
    default void onEpochStart(int epoch) {}

    /**
     * Called after each training batch's optimiser step.
     *
     * @param batch the batch number in the epoch, from 1
     * @param batches the number of batches in the epoch
     * @param loss the batch's training loss
     */
    default void onBatchEnd(long batch, long batches, double loss) {}

    /**
     * Called after each training batch's optimiser step, before {@link #onBatchEnd}, with where the
     * batch's time went. {@code dataNanos} is the whole time the step loop waited for data: with
     * prefetching only what preparing the batch ahead did not hide.
     *
     * @param batch the batch number in the epoch, from 1
     * @param batches the number of batches in the epoch
     * @param dataNanos nanoseconds from the loop asking for the batch to the batch being ready:
     *     reading the samples (image cache, augmentation, normalisation) and stacking them
     * @param stepNanos nanoseconds of the step: forward, loss, backward, reading the loss value and
     *     the optimiser update
     */
    default void onBatchTiming(long batch, long batches, long dataNanos, long stepNanos) {}

    /**
     * Called after an epoch's validation and checkpoint.
     *
     * @param record the epoch's figures
     * @param best whether it is the best epoch so far
     */
    default void onEpochEnd(EpochRecord record, boolean best) {}
}
