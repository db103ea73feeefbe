package io.github.keypoints.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.pooling.Pool;

/**
 * Max pooling over 2×2 windows with stride 2 and no padding (floor mode), the pooling of {@link
 * Imm58Net}, {@link NoseTipNet} and {@link LandmarkCnn}.
 *
 * <p>The result is always {@code Pool.maxPool2d(x, 2×2, 2×2, 0, false)}, element for element; what
 * changes is how it is computed. On the PyTorch engine, when the input takes no part in a gradient
 * (inference, frozen parameters), it is the element-wise maximum of the window's four strided
 * slices: libtorch 2.7.1's {@code max_pool2d} also computes the index of every maximum for a
 * backward pass that will not come, and took 2–2.7× as long on the 58-point network's activations
 * (4.3 vs 2.1 ms for 32×178×238 at 2 threads, 8.3 vs 3.1 ms at 1). Everywhere else — training, and
 * MXNet, whose own pooling is faster than the slices — it calls {@code Pool.maxPool2d}, so
 * gradients are exactly the engine's. The block is a {@link LambdaBlock} named {@code maxPool2d},
 * like {@code Pool.maxPool2dBlock}, so saved parameters read and write the same bytes.
 */
final class MaxPool2x2 {
    private static final Shape TWO = new Shape(2, 2);
    private static final Shape NONE = new Shape(0, 0);

    private MaxPool2x2() {}

    /**
     * Returns a block that pools its single input.
     *
     * @return the block
     */
    static Block block() {
        return LambdaBlock.singleton(MaxPool2x2::pool, "maxPool2d");
    }

    /**
     * Pools an NCHW array.
     *
     * @param x the input, {@code N × C × H × W}
     * @return the pooled array, {@code N × C × ⌊H/2⌋ × ⌊W/2⌋}
     */
    static NDArray pool(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4
                || s.get(2) < 2
                || s.get(3) < 2
                || !"PyTorch".equals(x.getManager().getEngine().getEngineName())
                || x.hasGradient()) {
            return Pool.maxPool2d(x, TWO, TWO, NONE, false);
        }
        long h = s.get(2) / 2 * 2;
        long w = s.get(3) / 2 * 2;
        String top = ":, :, 0:" + h + ":2, ";
        String bottom = ":, :, 1:" + h + ":2, ";
        String left = "0:" + w + ":2";
        String right = "1:" + w + ":2";
        try (NDArray tl = x.get(top + left);
                NDArray tr = x.get(top + right);
                NDArray bl = x.get(bottom + left);
                NDArray br = x.get(bottom + right);
                NDArray upper = tl.maximum(tr);
                NDArray lower = bl.maximum(br)) {
            return upper.maximum(lower);
        }
    }
}
