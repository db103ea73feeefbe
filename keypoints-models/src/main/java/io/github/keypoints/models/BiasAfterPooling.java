package io.github.keypoints.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;

/**
 * A training pass's convolution whose output goes straight into a 2×2 max pooling, run without its
 * bias, the bias added to the pooled output instead. Adding the same number to every element of a
 * channel does not change which element of a window is largest, and rounding keeps that order
 * ({@code a ≤ b} implies {@code fl(a + c) ≤ fl(b + c)}), so {@code pool(conv(x) + b)} and {@code
 * pool(conv(x)) + b} are the same values up to where the kernel adds its bias; the gradients of the
 * weights and of the input are those of the written order, and the bias's gradient is the same sum
 * taken over the pooled gradient (the pooling passes each window's gradient to one element) in
 * another order.
 *
 * <p>Why: oneDNN's weight-gradient kernel computes a convolution's bias gradient in the same pass,
 * and on the 58-point network's second convolution (32 → 64 channels at 238×178, batch 32, libtorch
 * 2.7.1, AVX-512) that made it take 243 ms instead of 175 ms, while the bias's sum over the same
 * gradient on its own took about 14 ms (docs/performance-training.md, "The bias after the
 * pooling"). Here the bias gradient is a sum over a quarter of the elements, and the bias's add
 * touches a quarter of them too.
 *
 * <p>Applies on PyTorch to a {@link Conv2d} with a bias directly followed, in the order a training
 * pass runs its layers, by a 2×2 max pooling ({@link MaxPooling#isTwoByTwo}); inference passes are
 * untouched. Not on MXNet: there the separate add runs outside oneDNN's blocked layouts, and the
 * 58-point network's step took 1.3–1.6× as long. The system property {@value #PROPERTY}{@code
 * =false} turns it off. The parameters are the layer's own, so saved models do not change.
 */
final class BiasAfterPooling {

    /** The system property that, set to {@code false}, keeps the bias in the convolution. */
    static final String PROPERTY = "keypoints.biasAfterPooling";

    private static final String PYTORCH = "PyTorch";

    private BiasAfterPooling() {}

    /**
     * Whether the bias may move: {@value #PROPERTY} is unset or not {@code false}.
     *
     * @return whether it is turned on
     */
    static boolean isEnabled() {
        return Switches.isOn(PROPERTY);
    }

    /**
     * Whether a training pass whose input is {@code x} may move biases: {@value #PROPERTY} is not
     * {@code false} and {@code x} is on PyTorch.
     *
     * @param x the pass's input
     * @return whether to look for convolutions followed by a pooling
     */
    static boolean appliesTo(NDArray x) {
        return isEnabled() && PYTORCH.equals(x.getManager().getEngine().getEngineName());
    }

    /**
     * Whether {@code layer} followed by {@code next} is such a pair: a convolution with a bias,
     * then a 2×2 max pooling.
     *
     * @param layer a layer
     * @param next the layer that runs right after it
     * @return whether the bias can go after the pooling
     */
    static boolean appliesTo(Block layer, Block next) {
        return layer instanceof Conv2d conv
                && conv.isIncludeBias()
                && conv.getParameters().contains("bias")
                && MaxPooling.isTwoByTwo(next);
    }

    /**
     * Runs the convolution without its bias, then the pooling, then adds the bias.
     *
     * @param conv the convolution ({@link #appliesTo} holds for it and {@code pooling})
     * @param pooling the 2×2 max pooling after it
     * @param store the pass's parameter store
     * @param x the convolution's input
     * @return the pooling's output with the bias added, as the two layers would give it
     */
    static NDArray forward(Conv2d conv, Block pooling, ParameterStore store, NDArray x) {
        Device device = x.getDevice();
        NDArray weight = store.getValue(conv.getParameters().get("weight"), device, true);
        NDArray bias = store.getValue(conv.getParameters().get("bias"), device, true);
        NDArray y =
                Conv2d.conv2d(
                                x,
                                weight,
                                null,
                                conv.getStride(),
                                conv.getPadding(),
                                conv.getDilation(),
                                conv.getGroups())
                        .singletonOrThrow();
        NDArray pooled = pooling.forward(store, new NDList(y), true).singletonOrThrow();
        // A view of the parameter goes with the parameter's long-lived manager; it belongs to
        // this pass (PassOwnershipTest).
        NDArray perChannel = bias.reshape(1, bias.getShape().get(0), 1, 1);
        perChannel.attach(x.getManager());
        return pooled.add(perChannel);
    }
}
