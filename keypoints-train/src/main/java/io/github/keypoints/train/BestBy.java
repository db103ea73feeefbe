package io.github.keypoints.train;

/** Which validation figure picks the {@code best} checkpoint (lower is better for each). */
public enum BestBy {
    /** The validation loss. */
    VAL_LOSS,
    /** The validation mean point error in original pixels. */
    VAL_MEAN_PX,
    /** The validation mean normalised error (by the scheme's normaliser points). */
    VAL_NME;

    /**
     * Returns the figure of an epoch this criterion compares.
     *
     * @param r the epoch
     * @return the value, lower is better
     */
    public double of(EpochRecord r) {
        return switch (this) {
            case VAL_LOSS -> r.valLoss();
            case VAL_MEAN_PX -> r.valMeanPx();
            case VAL_NME -> r.valNme();
        };
    }
}
