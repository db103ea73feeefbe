package io.github.keypoints.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * Zero filters for MXNet's training passes: a convolution whose filter count is not a multiple of
 * {@value #LANES} runs with zero filters (and zero biases) added up to the next multiple, and the
 * convolution its output reaches runs with matching zero input channels. The extra channels are
 * zero after every layer between the two, and their weights in the second convolution are zero, so
 * the outputs, and the gradients of the network's own weights, are those of the unpadded network up
 * to the order in which the kernels sum; the saved parameters keep their shapes.
 *
 * <p>Why: MXNet 1.9.1's oneDNN lays activations out in blocks of 16 channels. A convolution with 24
 * input channels (the nose-tip network's second) gets its AVX2 kernels with blocks of 8 instead,
 * and a one-channel convolution with 24 filters (its first) computes its weight gradient by im2col
 * and a matrix product; with 32 channels both get their AVX-512 kernels. On an AMD EPYC of CPU
 * family 26 that took MXNet's paired nose-tip training step from 31.2 and 32.2 ms to 26.9 and 25.0
 * ms (docs/performance-training.md, "Zero filters on MXNet"). libtorch's kernels take 24 channels,
 * and a network with 32 filters there stepped 1.09× slower, so PyTorch passes are never padded.
 *
 * <p>Only pairs that nothing can spoil are padded: two {@link Conv2d} without groups, with only
 * ReLUs and 2×2 max poolings between them, each of which maps an all-zero channel to an all-zero
 * channel (a batch norm would not). The system property {@value #PROPERTY}{@code =false} turns the
 * padding off.
 */
final class ChannelPadding {

    /** The system property that, set to {@code false}, turns the padding off. */
    static final String PROPERTY = "keypoints.mxnetPadChannels";

    /** The channel block of MXNet's oneDNN layouts on AVX-512. */
    static final int LANES = 16;

    private static final String MXNET = "MXNet";

    private final int[] extraFilters;
    private final int[] extraInputs;

    private ChannelPadding(int[] extraFilters, int[] extraInputs) {
        this.extraFilters = extraFilters;
        this.extraInputs = extraInputs;
    }

    /**
     * The padding of the layers in the order a training pass runs them.
     *
     * @param order the layers, in the order they run
     * @return per layer, the zero filters and zero input channels it gets (mostly none)
     */
    static ChannelPadding of(List<Block> order) {
        int n = order.size();
        int[] filters = new int[n];
        int[] inputs = new int[n];
        for (int i = 0; i < n; i++) {
            if (!(order.get(i) instanceof Conv2d conv)
                    || conv.getGroups() != 1
                    || conv.getFilters() % LANES == 0) {
                continue;
            }
            int j = i + 1;
            while (j < n
                    && (ShapedLambda.isRelu(order.get(j)) || MaxPooling.isTwoByTwo(order.get(j)))) {
                j++;
            }
            if (j < n && order.get(j) instanceof Conv2d next && next.getGroups() == 1) {
                int extra = LANES - conv.getFilters() % LANES;
                filters[i] = extra;
                inputs[j] = extra;
            }
        }
        return new ChannelPadding(filters, inputs);
    }

    /**
     * Whether a training pass on {@code x}'s engine is padded: on MXNet, unless {@value #PROPERTY}
     * is {@code false}.
     *
     * @param x the pass's input
     * @return whether to pad
     */
    static boolean appliesTo(NDArray x) {
        return MXNET.equals(x.getManager().getEngine().getEngineName()) && Switches.isOn(PROPERTY);
    }

    /**
     * Whether layer {@code index} runs padded.
     *
     * @param index the layer's position in the order given to {@link #of}
     * @return whether it gets zero filters or zero input channels
     */
    boolean pads(int index) {
        return extraFilters[index] > 0 || extraInputs[index] > 0;
    }

    /**
     * The zero filters layer {@code index} gets.
     *
     * @param index the layer's position
     * @return the count, 0 for none
     */
    int extraFilters(int index) {
        return extraFilters[index];
    }

    /**
     * The zero input channels layer {@code index} gets.
     *
     * @param index the layer's position
     * @return the count, 0 for none
     */
    int extraInputs(int index) {
        return extraInputs[index];
    }

    /**
     * Runs convolution {@code index} ({@link #pads} must hold) on {@code x} with its weights
     * padded: zero input channels first, then zero filters with zero biases.
     *
     * @param index the layer's position
     * @param conv the layer
     * @param store the pass's parameter store
     * @param x the input, with the extra input channels if the layer gets any
     * @return the output, with the extra filters' channels if the layer gets any
     */
    NDArray forward(int index, Conv2d conv, ParameterStore store, NDArray x) {
        Device device = x.getDevice();
        NDManager manager = x.getManager();
        NDArray weight = store.getValue(parameter(conv, "weight"), device, true);
        NDArray bias =
                conv.isIncludeBias() ? store.getValue(parameter(conv, "bias"), device, true) : null;
        Shape w = weight.getShape();
        // DJL's MXNet concat puts its result with its first operand, here the parameter's own
        // long-lived manager: each pass would leave its padded copies there until the model
        // closes (about 38 kB of native memory a nose-tip step). They belong to this pass.
        if (extraInputs[index] > 0) {
            Shape zeros = new Shape(w.get(0), extraInputs[index], w.get(2), w.get(3));
            weight = weight.concat(manager.zeros(zeros, weight.getDataType()), 1);
            weight.attach(manager);
            w = weight.getShape();
        }
        if (extraFilters[index] > 0) {
            Shape zeros = new Shape(extraFilters[index], w.get(1), w.get(2), w.get(3));
            weight = weight.concat(manager.zeros(zeros, weight.getDataType()), 0);
            weight.attach(manager);
            if (bias != null) {
                Shape none = new Shape(extraFilters[index]);
                bias = bias.concat(manager.zeros(none, bias.getDataType()), 0);
                bias.attach(manager);
            }
        }
        return Conv2d.conv2d(
                        x,
                        weight,
                        bias,
                        conv.getStride(),
                        conv.getPadding(),
                        conv.getDilation(),
                        conv.getGroups())
                .singletonOrThrow();
    }

    private static Parameter parameter(Conv2d conv, String name) {
        return conv.getParameters().get(name);
    }
}
