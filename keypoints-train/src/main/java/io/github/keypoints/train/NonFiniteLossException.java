package io.github.keypoints.train;

/**
 * Thrown when a training or validation loss is NaN or infinite, or a training loss is finite but
 * absurd (over {@link NonFiniteGuard#ABSURD_FACTOR} times the recent median, which only corrupted
 * arithmetic produces): the run stops at once, naming the epoch, the batch and its samples, so the
 * checkpoints on disk keep the last sound epoch instead of being overwritten with unusable weights.
 * A {@link KeypointTrainer} with a run folder first repeats the epoch from that checkpoint ({@link
 * KeypointTrainer.Builder#optRecoveries}); the exception reaches the caller when the same batch
 * fails again, or when there is nothing to repeat from.
 */
public final class NonFiniteLossException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The {@link #batch()} of a validation loss. */
    public static final long VALIDATION = 0;

    private final int epoch;
    private final long batch;

    /**
     * Creates the exception without a place (epoch and batch unknown: {@code -1}).
     *
     * @param message where the loss stopped being finite
     */
    public NonFiniteLossException(String message) {
        this(message, -1, -1);
    }

    /**
     * Creates the exception for a place in the run.
     *
     * @param message where the loss stopped being finite
     * @param epoch the epoch, counted from 1
     * @param batch the training batch, counted from 1, or {@link #VALIDATION}
     */
    public NonFiniteLossException(String message, int epoch, long batch) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
    }

    /**
     * Returns the epoch the loss was in, counted from 1 ({@code -1} if unknown).
     *
     * @return the epoch
     */
    public int epoch() {
        return epoch;
    }

    /**
     * Returns the training batch, counted from 1, {@link #VALIDATION} for the epoch's validation
     * loss, or {@code -1} if unknown.
     *
     * @return the batch
     */
    public long batch() {
        return batch;
    }

    /**
     * Returns whether both name the same known place: the same epoch and batch.
     *
     * @param other another exception
     * @return true if the place is known and equal
     */
    public boolean samePlace(NonFiniteLossException other) {
        return epoch >= 0 && epoch == other.epoch && batch == other.batch;
    }
}
