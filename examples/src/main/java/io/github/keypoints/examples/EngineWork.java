package io.github.keypoints.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * Waits until an engine has finished the work queued on a network's parameters. MXNet runs
 * operators asynchronously: a training step's backward pass and optimiser update may still be
 * running when the Java thread has queued them and moved on, so a benchmark that stops its clock
 * there counts less than the step, and the rest runs during whatever is timed next (in the paired
 * blocks, the Python reference's block). Reading one value of every parameter waits for every
 * update of it, and so for the backward pass the updates need. PyTorch runs on the calling thread
 * and has nothing to wait for.
 */
final class EngineWork {

    private EngineWork() {}

    /**
     * Returns once every initialised parameter of {@code block} has been written by all the work
     * queued so far (on MXNet; at once on other engines).
     *
     * @param block a network
     */
    static void finish(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter parameter = p.getValue();
            if (!parameter.isInitialized()) {
                continue;
            }
            NDArray array = parameter.getArray();
            if (!"MXNet".equals(array.getManager().getEngine().getEngineName())) {
                return;
            }
            try (NDArray first = array.get(new NDIndex(new long[array.getShape().dimension()]))) {
                first.getFloat();
            }
        }
    }
}
