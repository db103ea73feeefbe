package io.github.keypoints.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import java.util.Map;

/**
 * torchvision's {@code BasicBlock}: two 3×3 convolutions without bias, each with BatchNorm, a ReLU
 * between them, and a residual connection through a 1×1 strided convolution + BatchNorm when the
 * shape changes; ReLU after the sum. Each convolution and its batch norm run as one folded
 * convolution in frozen inference ({@link BatchNormFold}).
 */
final class BasicBlock extends AbstractBlock {

    private final Conv2d conv1;
    private final BatchNorm bn1;
    private final Conv2d conv2;
    private final BatchNorm bn2;
    private final Conv2d downConv;
    private final BatchNorm downBn;
    private final BatchNormFold fold1;
    private final BatchNormFold fold2;
    private final BatchNormFold downFold;

    BasicBlock(int inChannels, int outChannels, int stride) {
        Shape s = new Shape(stride, stride);
        conv1 = addChildBlock("conv1", conv(outChannels, 3, s, 1));
        bn1 = addChildBlock("bn1", BatchNorm.builder().build());
        conv2 = addChildBlock("conv2", conv(outChannels, 3, new Shape(1, 1), 1));
        bn2 = addChildBlock("bn2", BatchNorm.builder().build());
        if (stride != 1 || inChannels != outChannels) {
            downConv = addChildBlock("downsample0", conv(outChannels, 1, s, 0));
            downBn = addChildBlock("downsample1", BatchNorm.builder().build());
        } else {
            downConv = null;
            downBn = null;
        }
        fold1 = new BatchNormFold(conv1, bn1);
        fold2 = new BatchNormFold(conv2, bn2);
        downFold = downConv == null ? null : new BatchNormFold(downConv, downBn);
    }

    /** The (convolution, batch norm) pairs, in the order they run. */
    List<BatchNormFold> batchNormFolds() {
        return downFold == null ? List.of(fold1, fold2) : List.of(fold1, fold2, downFold);
    }

    static Conv2d conv(int filters, int kernel, Shape stride, int pad) {
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .setFilters(filters)
                .optStride(stride)
                .optPadding(new Shape(pad, pad))
                .optBias(false)
                .build();
    }

    /**
     * Adds this block's parameters to {@code out} under torchvision's names below {@code prefix}.
     */
    void torchNames(String prefix, Map<String, Parameter> out) {
        ResNet18.convNames(prefix + "conv1", conv1, out);
        ResNet18.bnNames(prefix + "bn1", bn1, out);
        ResNet18.convNames(prefix + "conv2", conv2, out);
        ResNet18.bnNames(prefix + "bn2", bn2, out);
        if (downConv != null) {
            ResNet18.convNames(prefix + "downsample.0", downConv, out);
            ResNet18.bnNames(prefix + "downsample.1", downBn, out);
        }
    }

    /**
     * Writes the block into an MXNet graph, batch norms folded, as its frozen forward pass
     * computes.
     *
     * @param g the graph being written
     * @param x the input node
     * @return the output node
     */
    int writeGraph(MxGraphWriter g, int x) {
        int y = g.relu(g.convolution(fold1, x));
        int main = g.convolution(fold2, y);
        int shortcut = downFold == null ? x : g.convolution(downFold, x);
        return g.relu(g.add(main, shortcut));
    }

    /**
     * Writes the block into a TorchScript module, batch norms folded, as its frozen forward pass
     * computes: the second convolution adds the shortcut and applies the ReLU in one oneDNN call.
     *
     * @param w the module being written
     * @param x the input's name
     * @return the output's name
     */
    String writeTorchScript(TorchScriptWriter w, String x) {
        String y = w.convolution(fold1, x, true);
        String shortcut = downFold == null ? x : w.convolution(downFold, x, false);
        return w.convolutionAdd(fold2, y, shortcut, true);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray in = inputs.head();
        NDArray x = Activation.relu(fold1.forward(ps, in, training, params));
        NDArray main = fold2.forward(ps, x, training, params);
        NDArray shortcut = downFold == null ? in : downFold.forward(ps, in, training, params);
        return new NDList(Activation.relu(main.add(shortcut)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] s = conv1.getOutputShapes(inputShapes);
        return conv2.getOutputShapes(s);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
        conv1.initialize(manager, dataType, shapes);
        Shape[] s = conv1.getOutputShapes(shapes);
        bn1.initialize(manager, dataType, s);
        conv2.initialize(manager, dataType, s);
        s = conv2.getOutputShapes(s);
        bn2.initialize(manager, dataType, s);
        if (downConv != null) {
            downConv.initialize(manager, dataType, shapes);
            downBn.initialize(manager, dataType, downConv.getOutputShapes(shapes));
        }
    }
}
