package io.github.keypoints.models;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * A {@link SequentialBlock} that runs channels-last on PyTorch when {@link ChannelsLast} says so
 * for it ({@link ChannelsLast#isOn(ai.djl.nn.Block, String)}): its input is laid out channels-last
 * before the first layer, and its 4-D weights after they are initialised or loaded. Convolutions,
 * batch norm, ReLU and pooling keep the layout, so every convolution of the stack sees a
 * channels-last input; flattening copies back into the logical order. The stack regressors ({@link
 * ConvRegressor}, {@link LandmarkCnn}) extend it.
 */
abstract class ChannelsLastSequentialBlock extends SequentialBlock {

    /** {@inheritDoc} On PyTorch the input is first laid out channels-last. */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        return ChannelsLast.forward(
                this, inputs, in -> super.forwardInternal(parameterStore, in, training, params));
    }

    /**
     * {@inheritDoc} On PyTorch the input is first laid out channels-last. (DJL's trainer calls this
     * one, with the labels; {@code SequentialBlock} implements both separately.)
     */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList data,
            NDList labels,
            PairList<String, Object> params) {
        return ChannelsLast.forward(
                this, data, in -> super.forwardInternal(parameterStore, in, labels, params));
    }

    /** {@inheritDoc} On PyTorch the new weights are then laid out channels-last. */
    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        ChannelsLast.initialize(this, () -> super.initialize(manager, dataType, inputShapes));
    }

    /** {@inheritDoc} On PyTorch the loaded weights are then laid out channels-last. */
    @Override
    public void loadParameters(NDManager manager, DataInputStream is)
            throws IOException, MalformedModelException {
        super.loadParameters(manager, is);
        ChannelsLast.layOutParameters(this);
    }
}
