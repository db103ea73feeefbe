package io.github.keypoints.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Squared error between predicted and target coordinates, reduced either by the mean over every
 * element (PyTorch's {@code MSELoss()}) or by the sum over the coordinates of a sample averaged
 * over the batch (the per-image "sum" figure the reference project also reported).
 *
 * <p>Unlike DJL's {@code L2Loss} there is no factor ½, so the values match PyTorch.
 */
public final class MseLoss extends Loss {

    /** How squared errors are reduced to one number per batch. */
    public enum Reduction {
        /** Mean over every coordinate of every sample. */
        MEAN,
        /** Sum over the coordinates of each sample, then mean over the batch. */
        SUM
    }

    private final Reduction reduction;

    /**
     * Creates the loss.
     *
     * @param reduction how to reduce the squared errors
     */
    public MseLoss(Reduction reduction) {
        super(reduction == Reduction.MEAN ? "mse" : "mse_sum");
        this.reduction = reduction;
    }

    /**
     * Returns the reduction.
     *
     * @return the reduction
     */
    public Reduction reduction() {
        return reduction;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray pred = predictions.singletonOrThrow();
        NDArray diff = labels.singletonOrThrow().reshape(pred.getShape()).sub(pred);
        NDArray sq = diff.mul(diff);
        if (reduction == Reduction.MEAN) {
            return sq.mean();
        }
        long batch = pred.getShape().get(0);
        return sq.sum().div(batch);
    }
}
