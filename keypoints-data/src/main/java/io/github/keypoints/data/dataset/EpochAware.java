package io.github.keypoints.data.dataset;

/**
 * A dataset whose samples depend on the training epoch, such as one that augments: the one way an
 * epoch reaches a dataset. {@code KeypointTrainer} calls {@link #setEpoch(int)} before each epoch,
 * and for DJL's own training loop {@link FaceLandmarkDataset#epochListener()} does the same from a
 * {@code TrainingListener}. Draws must depend only on the epoch (and the dataset's own seed), not
 * on what ran before, so a resumed run sees the samples an uninterrupted one saw.
 */
public interface EpochAware {

    /**
     * Sets the epoch whose samples the coming reads give.
     *
     * @param epoch the epoch, from 0
     */
    void setEpoch(int epoch);
}
