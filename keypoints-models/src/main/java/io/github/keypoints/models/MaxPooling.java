package io.github.keypoints.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Optional;

/**
 * Square max pooling as the zoo networks use it — 2×2 windows with stride 2 ({@link Imm58Net},
 * {@link NoseTipNet}, {@link LandmarkCnn}; in ceil mode in {@link HeatmapNet}) and 3×3 windows with
 * stride 2 and padding 1 ({@link ResNet18}) — computed without indices where that is faster.
 *
 * <p>The result is always {@code Pool.maxPool2d(x, k×k, s×s, p×p, ceilMode)}, element for element;
 * what changes is how it is computed. On the PyTorch engine, in an inference forward pass ({@code
 * training} false) whose input is not itself a variable with a gradient, it is the element-wise
 * maximum of strided slices, first along the width, then along the height (padding, where needed,
 * is −∞, as in the engine's own pooling): libtorch 2.7.1's {@code max_pool2d} also computes the
 * index of every maximum for a backward pass that will not come (with the slices the 58-point
 * network's batch-1 pass takes about a quarter less time, docs/performance-inference.md).
 * Everywhere else — training forward passes, and MXNet, whose own pooling is faster than the slices
 * — it calls {@code Pool.maxPool2d}, so training gradients are exactly the engine's.
 *
 * <p>The {@code training} flag decides, not {@link NDArray#hasGradient()}: on PyTorch that is true
 * only for leaf variables (DJL asks {@code requires_grad() && (is_leaf() || retains_grad())}), so
 * an activation inside a training graph answers false. A forward pass with {@code training} false
 * inside a gradient collector (a saliency map, say) still differentiates correctly through the
 * slices, only more slowly, and an element tied for a window's maximum shares its gradient with the
 * others where the engine's pooling gives it to one.
 *
 * <p>The blocks are {@link LambdaBlock}s named {@code maxPool2d}, like {@code Pool.maxPool2dBlock},
 * so saved parameters read and write the same bytes.
 */
final class MaxPooling {
    private MaxPooling() {}

    /**
     * Returns a block that pools its single input over 2×2 windows with stride 2 (floor mode).
     *
     * @return the block
     */
    static Block twoByTwoBlock() {
        return new TwoByTwo();
    }

    /**
     * Whether {@code block} is one of {@link #twoByTwoBlock()}'s.
     *
     * @param block a block
     * @return whether it pools over 2×2 windows with stride 2 (floor mode)
     */
    static boolean isTwoByTwo(Block block) {
        return block instanceof TwoByTwo;
    }

    /**
     * The 2×2 pooling block: a {@link LambdaBlock} that hands its {@code training} flag on and
     * computes its output shape ({@link ShapedLambda}).
     */
    private static final class TwoByTwo extends ShapedLambda {
        TwoByTwo() {
            // forwardInternal passes the flag; the lambda is the training pass.
            super(
                    list -> new NDList(pool(list.singletonOrThrow(), 2, 2, 0, false, true)),
                    "maxPool2d",
                    s ->
                            new Shape(
                                    s.get(0),
                                    s.get(1),
                                    outputSize(s.get(2), 2, 2, 0, false),
                                    outputSize(s.get(3), 2, 2, 0, false)));
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            return new NDList(pool(inputs.singletonOrThrow(), 2, 2, 0, false, training));
        }
    }

    /**
     * Pools an NCHW array over square windows.
     *
     * @param x the input, {@code N × C × H × W}
     * @param kernel the window's side
     * @param stride the step between windows, in both directions
     * @param padding the padding on each side
     * @param ceilMode whether the output size rounds up, as in {@code Pool.maxPool2d}
     * @param training whether this is a training forward pass (then always the engine's pooling)
     * @return the pooled array
     */
    static NDArray pool(
            NDArray x, int kernel, int stride, int padding, boolean ceilMode, boolean training) {
        Shape shape = new Shape(kernel, kernel);
        Shape steps = new Shape(stride, stride);
        Shape pad = new Shape(padding, padding);
        Shape s = x.getShape();
        if (training
                || s.dimension() != 4
                || !"PyTorch".equals(x.getManager().getEngine().getEngineName())
                || x.hasGradient()) {
            return Pool.maxPool2d(x, shape, steps, pad, ceilMode);
        }
        Optional<Windows> plan = windows(s, kernel, stride, padding, ceilMode);
        if (plan.isEmpty()) {
            return Pool.maxPool2d(x, shape, steps, pad, ceilMode); // let the engine say why
        }
        long oh = plan.get().rows();
        long ow = plan.get().columns();
        long bottom = plan.get().bottom();
        long right = plan.get().right();
        NDArray padded =
                padding == 0 && bottom == 0 && right == 0
                        ? x
                        : x.pad(
                                new Shape(padding, right, padding, bottom),
                                Double.NEGATIVE_INFINITY);
        try {
            NDArray columns = slidingMax(padded, 3, kernel, stride, ow);
            try {
                return slidingMax(columns, 2, kernel, stride, oh);
            } finally {
                columns.close();
            }
        } finally {
            if (padded != x) {
                padded.close();
            }
        }
    }

    /**
     * How {@link #pool} covers an input with its windows: the output's rows and columns, and the −∞
     * rows below and columns right of the input that the last windows reach, beyond the {@code
     * padding} on every side (ceil mode can reach further; floor mode may leave input rows over).
     *
     * @param rows the output's height
     * @param columns the output's width
     * @param bottom the rows of padding below the input
     * @param right the columns of padding right of it
     */
    record Windows(long rows, long columns, long bottom, long right) {}

    /**
     * The windows that pool an NCHW input of shape {@code s} as PyTorch's {@code max_pool2d} does,
     * or empty where {@link #pool} leaves the input to the engine's own pooling: no window fits, or
     * the padding is over half the window (the engine refuses it with its own message).
     *
     * @param s the input's shape, {@code N × C × H × W}
     * @param kernel the window's side
     * @param stride the step between windows
     * @param padding the padding on each side
     * @param ceilMode whether the output size rounds up
     * @return the windows, if the slices compute them
     */
    static Optional<Windows> windows(
            Shape s, int kernel, int stride, int padding, boolean ceilMode) {
        long oh = outputSize(s.get(2), kernel, stride, padding, ceilMode);
        long ow = outputSize(s.get(3), kernel, stride, padding, ceilMode);
        if (oh < 1 || ow < 1 || 2L * padding > kernel) {
            return Optional.empty();
        }
        // Rows and columns the windows reach, from the first padded one.
        long needH = (oh - 1) * stride + kernel;
        long needW = (ow - 1) * stride + kernel;
        return Optional.of(
                new Windows(
                        oh,
                        ow,
                        Math.max(0, needH - s.get(2) - padding),
                        Math.max(0, needW - s.get(3) - padding)));
    }

    /** The maximum over {@code kernel} strided slices along {@code axis}, {@code n} outputs. */
    private static NDArray slidingMax(NDArray a, int axis, int kernel, int stride, long n) {
        NDArray result = null;
        for (int offset = 0; offset < kernel; offset++) {
            // Built, not parsed: DJL parses an index string with regular expressions on every call.
            NDIndex index =
                    new NDIndex()
                            .addAllDim(axis)
                            .addSliceDim(offset, offset + (n - 1) * stride + 1, stride);
            NDArray slice = a.get(index);
            if (result == null) {
                result = slice;
            } else {
                NDArray next = result.maximum(slice);
                result.close();
                slice.close();
                result = next;
            }
        }
        return result;
    }

    /** The output length along one axis, by the formula and ceil-mode rule of PyTorch. */
    static long outputSize(long size, int kernel, int stride, int padding, boolean ceilMode) {
        long span = size + 2L * padding - kernel;
        if (span < 0) {
            return 0;
        }
        long out = (ceilMode ? Math.floorDiv(span + stride - 1, stride) : span / stride) + 1;
        if (ceilMode && (out - 1) * stride >= size + padding) {
            out--; // the last window would start in the right padding
        }
        return out;
    }
}
