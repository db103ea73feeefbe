package io.github.keypoints.models;

import ai.djl.nn.Block;
import java.util.Map;

/**
 * A keypoint network: a DJL {@link Block} mapping an image batch {@code [B, C, H, W]} to {@code [B,
 * 2N]} input-relative coordinates, that can describe how to rebuild itself.
 *
 * <p>{@link #architecture()} and {@link #config()} are what a saved model records; {@link
 * ModelZoo#create(String, Map)} turns them back into an equal, uninitialised block.
 */
public interface KeypointBlock extends Block {

    /**
     * Returns the architecture name under which {@link ModelZoo} knows this network.
     *
     * @return the name, such as {@code imm58}
     */
    String architecture();

    /**
     * Returns the number of outputs, {@code 2N} for N keypoints.
     *
     * @return the output count
     */
    int outputs();

    /**
     * Returns the number of input image channels (1 for grayscale).
     *
     * @return the channel count
     */
    int inputChannels();

    /**
     * Returns the builder parameters that rebuild this network, as JSON-compatible values
     * (integers, doubles, strings, lists of integers).
     *
     * @return an unmodifiable map, in a stable order
     */
    Map<String, Object> config();
}
