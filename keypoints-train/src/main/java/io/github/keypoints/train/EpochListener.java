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
     * Called after an epoch's validation and checkpoint.
     *
     * @param record the epoch's figures
     * @param best whether it is the best epoch so far
     */
    default void onEpochEnd(EpochRecord record, boolean best) {}
}
