package io.github.keypoints.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/** One training pass of a block, for tests that compare two ways of running it. */
final class TrainingPasses {

    private TrainingPasses() {}

    /**
     * A training pass's output and every parameter's gradient (of the sum of the squared outputs),
     * through either way into a block.
     *
     * @param manager the manager the block was initialised on
     * @param block the block
     * @param x the input
     * @param withLabels whether to go in as DJL's trainer does, with labels, or with {@code
     *     forward(…, true)}
     * @return the output, then the gradients in parameter order
     */
    static List<float[]> outputAndGradients(
            NDManager manager, Block block, NDArray x, boolean withLabels) {
        try (NDManager sub = manager.newSubManager();
                GradientCollector gc = manager.getEngine().newGradientCollector()) {
            gc.zeroGradients();
            ParameterStore ps = new ParameterStore(sub, false);
            NDList out =
                    withLabels
                            ? block.forward(ps, new NDList(x), new NDList(x), null)
                            : block.forward(ps, new NDList(x), true);
            gc.backward(out.head().mul(out.head()).sum());
            List<float[]> arrays = new ArrayList<>();
            arrays.add(out.head().toFloatArray());
            for (var p : block.getParameters()) {
                NDArray value = p.getValue().getArray();
                if (value.hasGradient()) {
                    arrays.add(value.getGradient().toFloatArray());
                }
            }
            return arrays;
        }
    }
}
