package io.github.keypoints.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.evaluator.Evaluator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DJL {@link Evaluator} for the mean point error in network-input pixels, for use inside DJL's
 * own training loops. It sees only tensors, not sample indices, so it cannot map back to the
 * original image; {@link LandmarkErrors} does that at the end of each epoch.
 */
public final class InputPixelError extends Evaluator {

    private final float width;
    private final float height;
    private final ConcurrentHashMap<String, double[]> totals = new ConcurrentHashMap<>();

    /**
     * Creates the evaluator.
     *
     * @param inputWidth the network input width in pixels
     * @param inputHeight the network input height in pixels
     */
    public InputPixelError(int inputWidth, int inputHeight) {
        super("input_px");
        this.width = inputWidth;
        this.height = inputHeight;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray pred = predictions.singletonOrThrow();
        long batch = pred.getShape().get(0);
        NDArray diff = labels.singletonOrThrow().reshape(pred.getShape()).sub(pred);
        NDArray xy = diff.reshape(batch, -1, 2);
        NDArray scale = pred.getManager().create(new float[] {width, height});
        NDArray d = xy.mul(scale);
        return d.mul(d).sum(new int[] {2}).sqrt().mean(new int[] {1});
    }

    /** {@inheritDoc} */
    @Override
    public void addAccumulator(String key) {
        totals.put(key, new double[2]);
    }

    /** {@inheritDoc} */
    @Override
    public void updateAccumulator(String key, NDList labels, NDList predictions) {
        updateAccumulators(new String[] {key}, labels, predictions);
    }

    /** {@inheritDoc} */
    @Override
    public void updateAccumulators(String[] keys, NDList labels, NDList predictions) {
        try (NDArray perSample = evaluate(labels, predictions)) {
            double sum =
                    perSample
                            .sum()
                            .toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                            .getDouble();
            long n = perSample.size();
            for (String key : keys) {
                totals.compute(
                        key,
                        (k, v) -> {
                            double[] t = v == null ? new double[2] : v;
                            t[0] += sum;
                            t[1] += n;
                            return t;
                        });
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public void resetAccumulator(String key) {
        totals.put(key, new double[2]);
    }

    /** {@inheritDoc} */
    @Override
    public float getAccumulator(String key) {
        double[] t = totals.get(key);
        if (t == null) {
            throw new IllegalArgumentException("No accumulator named " + key);
        }
        return t[1] == 0 ? Float.NaN : (float) (t[0] / t[1]);
    }
}
