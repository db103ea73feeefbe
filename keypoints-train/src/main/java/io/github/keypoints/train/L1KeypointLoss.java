package io.github.keypoints.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/** Mean absolute error over every predicted coordinate (PyTorch's {@code L1Loss()}). */
public final class L1KeypointLoss extends Loss {

    /** Creates the loss. */
    public L1KeypointLoss() {
        super("l1");
    }

    /** {@inheritDoc} */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray pred = predictions.singletonOrThrow();
        return labels.singletonOrThrow().reshape(pred.getShape()).sub(pred).abs().mean();
    }
}
