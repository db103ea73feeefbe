package io.github.keypoints.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * Counts a block's parameters the way PyTorch's {@code sum(p.numel() for p in m.parameters())}
 * does: trainable tensors only, so BatchNorm running statistics (buffers in PyTorch, parameters
 * without gradient in DJL) are not counted.
 */
public final class ParameterCount {

    private ParameterCount() {}

    /**
     * Returns the number of trainable scalars (parameters that require a gradient).
     *
     * @param block an initialised block
     * @return the count
     * @throws IllegalStateException naming the first parameter whose shape is not known yet
     */
    public static long trainable(Block block) {
        return count(block, true);
    }

    /**
     * Returns the number of scalars in every parameter, including BatchNorm running statistics.
     *
     * @param block an initialised block
     * @return the count
     * @throws IllegalStateException naming the first parameter whose shape is not known yet
     */
    public static long all(Block block) {
        return count(block, false);
    }

    private static long count(Block block, boolean trainableOnly) {
        long total = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter param = p.getValue();
            if (trainableOnly && !param.requiresGradient()) {
                continue;
            }
            Shape shape = param.getShape();
            if (shape == null) {
                throw new IllegalStateException(
                        "Parameter "
                                + p.getKey()
                                + " has no shape yet: initialise the block with an input shape"
                                + " first");
            }
            total += shape.size();
        }
        return total;
    }
}
