package io.github.keypoints.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * PyTorch's channels-last memory layout ({@code N × H × W × C} in memory, still {@code N × C × H ×
 * W} in shape) for the input of a convolution stack.
 *
 * <p>libtorch 2.7.1 runs a convolution whose input has channels-last strides on oneDNN's {@code
 * nhwc} kernels and hands back a channels-last output, which ReLU and max pooling keep; in the
 * default layout every convolution reorders its input into oneDNN's blocked layout and its output
 * back, forward and backward. On the small-channel, large-image networks {@link NoseTipNet} and
 * {@link Imm58Net} skipping those reorders made a PyTorch training step 18–48 % faster on the
 * project's machine (docs/performance-training.md, "Channels-last activations"), so they start in
 * this layout. The values are equal up to rounding: only the order of the floating-point sums
 * inside the kernels changes. The first flatten copies the activation back into the logical order,
 * so a network's output is an ordinary array.
 *
 * <p>Only PyTorch has the notion; on other engines the input is returned as it is.
 */
final class ChannelsLast {
    private ChannelsLast() {}

    /**
     * Returns {@code x} with channels-last strides, or {@code x} itself when the engine is not
     * PyTorch or {@code x} is not four-dimensional.
     *
     * @param x an {@code N × C × H × W} array
     * @return a view (a copy when {@code C > 1}) of the same values, channels last in memory
     */
    static NDArray of(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || !"PyTorch".equals(x.getManager().getEngine().getEngineName())) {
            return x;
        }
        // N×H×W×C in memory: a permuted view, flattened (a copy unless C = 1), shaped back and
        // permuted to N×C×H×W, which leaves the strides channels-last.
        try (NDArray nhwcView = x.transpose(0, 2, 3, 1);
                NDArray flat = nhwcView.flatten();
                NDArray nhwc = flat.reshape(s.get(0), s.get(2), s.get(3), s.get(1))) {
            return nhwc.transpose(0, 3, 1, 2);
        }
    }
}
