package io.github.keypoints.train;

/**
 * Thrown when a training or validation loss is NaN or infinite, or a training loss is finite but
 * absurd (over {@link NonFiniteGuard#ABSURD_FACTOR} times the recent median, which only corrupted
 * arithmetic produces): the run stops at once, naming the epoch, the batch and its samples, so the
 * checkpoints on disk keep the last sound epoch instead of being overwritten with unusable weights.
 */
public final class NonFiniteLossException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message where the loss stopped being finite
     */
    public NonFiniteLossException(String message) {
        super(message);
    }
}
