package io.github.keypoints.models;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A deliberately wrong convolution for the convolution check's tests: the real one run on its input
 * scaled by a factor, so that its outputs, input gradients and weight gradients are all off by that
 * factor wherever the input is not zero, as no right engine is. It has no parameters of its own;
 * the check compares with the real convolution's weights.
 */
final class WrongConvolution extends AbstractBlock {

    private final Block convolution;
    private final float factor;
    private final long channels;

    private WrongConvolution(Block convolution, float factor, long channels) {
        this.convolution = convolution;
        this.factor = factor;
        this.channels = channels;
    }

    /**
     * {@code convolution}, a tenth off whatever its input.
     *
     * @param convolution the real convolution
     * @return the wrong one
     */
    static Block of(Block convolution) {
        return new WrongConvolution(convolution, 1.1f, -1);
    }

    /**
     * {@code convolution}, a tenth off when its input has {@code channels} channels and right
     * otherwise, as oneDNN's wrong kernels were wrong for some channel counts only.
     *
     * @param convolution the real convolution
     * @param channels the input channels it is wrong with
     * @return the wrong one
     */
    static Block onlyWith(Block convolution, int channels) {
        return new WrongConvolution(convolution, 1.1f, channels);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        boolean wrong = channels < 0 || inputs.head().getShape().get(1) == channels;
        NDList in = wrong ? new NDList(inputs.head().mul(factor)) : inputs;
        return convolution.forward(ps, in, training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return convolution.getOutputShapes(inputShapes);
    }
}
