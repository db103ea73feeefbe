package io.github.keypoints.train;

/** Which validation figure picks the {@code best} checkpoint (lower is better for both). */
public enum BestBy {
    /** The validation loss. */
    VAL_LOSS,
    /** The validation mean point error in original pixels. */
    VAL_MEAN_PX;

    /**
     * Returns the figure of an epoch this criterion compares.
     *
     * @param r the epoch
     * @return the value, lower is better
     */
    public double of(EpochRecord r) {
        return this == VAL_LOSS ? r.valLoss() : r.valMeanPx();
    }
}
