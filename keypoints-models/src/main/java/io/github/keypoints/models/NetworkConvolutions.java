package io.github.keypoints.models;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The convolutions an initialised (or loaded) network really runs, read from its block tree: for
 * every {@link Conv2d} its input shape (DJL records it when the block is initialised or loaded),
 * filters, kernel, stride and padding, in the form of {@link ConvolutionCheck#shapes()}, plus a
 * ninth value: 1 if training computes the gradient with respect to the convolution's input, 0 for a
 * convolution that takes the network's own input (images ask for no gradient; on the project's AMD
 * EPYC oneDNN's input gradient of a one-channel convolution is wrong at {@code AVX512_CORE}, and no
 * training step ever computes it). The convolution check compares exactly these, so a wrong oneDNN
 * kernel for any shape a network has — a 1×1 head with 68 filters, a shortcut, a first layer on a
 * large image — is found before the network is trusted, whatever the network.
 *
 * <p>Only square kernels, strides and paddings with dilation 1 and one group are expressed (every
 * convolution of the zoo's networks); others are left out and counted ({@link #skipped(Block)}).
 */
final class NetworkConvolutions {

    private NetworkConvolutions() {}

    /**
     * The distinct convolutions of {@code block}, at batch {@code batch}, each {@code {batch,
     * channels, height, width, filters, kernel, stride, padding, input gradient}}, in the order of
     * the block tree; empty when the block is not initialised (its input shapes are then unknown).
     *
     * @param block a network
     * @param batch the batch size to check them at
     * @return the shapes, without repeats
     */
    static int[][] of(Block block, int batch) {
        List<int[]> shapes = new ArrayList<>();
        if (block.isInitialized()) {
            collect(block, block.getInputShapes()[0], batch, shapes, new int[1]);
        }
        return shapes.toArray(new int[0][]);
    }

    /**
     * How many convolutions of an initialised {@code block} {@link #of} cannot express (dilated,
     * grouped, or not square).
     *
     * @param block a network
     * @return the count
     */
    static int skipped(Block block) {
        int[] skipped = new int[1];
        if (block.isInitialized()) {
            collect(block, block.getInputShapes()[0], 1, new ArrayList<>(), skipped);
        }
        return skipped[0];
    }

    private static void collect(
            Block block, Shape networkInput, int batch, List<int[]> shapes, int[] skipped) {
        if (block instanceof Conv2d conv) {
            int[] s = describe(conv, networkInput, batch);
            if (s == null) {
                skipped[0]++;
            } else if (shapes.stream().noneMatch(t -> Arrays.equals(t, s))) {
                shapes.add(s);
            }
            return;
        }
        for (Block child : block.getChildren().values()) {
            collect(child, networkInput, batch, shapes, skipped);
        }
    }

    private static int[] describe(Conv2d conv, Shape networkInput, int batch) {
        Shape k = conv.getKernelShape();
        Shape st = conv.getStride();
        Shape p = conv.getPadding();
        Shape d = conv.getDilation();
        if (!conv.isInitialized()
                || conv.getGroups() != 1
                || k.get(0) != k.get(1)
                || st.get(0) != st.get(1)
                || p.get(0) != p.get(1)
                || d.get(0) != 1
                || d.get(1) != 1) {
            return null;
        }
        Shape in = conv.getInputShapes()[0];
        return new int[] {
            batch,
            (int) in.get(1),
            (int) in.get(2),
            (int) in.get(3),
            conv.getFilters(),
            (int) k.get(0),
            (int) st.get(0),
            (int) p.get(0),
            in.equals(networkInput) ? 0 : 1
        };
    }
}
