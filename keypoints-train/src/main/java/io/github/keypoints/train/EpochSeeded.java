package io.github.keypoints.train;

/**
 * A training dataset whose random augmentation can be re-seeded per epoch. {@link KeypointTrainer}
 * calls {@link #setEpochSeed(long)} before each epoch with a seed derived from the run seed and the
 * epoch index, so an epoch's augmentation stream does not depend on what ran before it and a
 * resumed run sees the same samples as an uninterrupted one.
 */
public interface EpochSeeded {

    /**
     * Re-seeds the augmentation for the coming epoch.
     *
     * @param seed the epoch's seed
     */
    void setEpochSeed(long seed);
}
