package io.github.keypoints.models;

import ai.djl.training.initializer.Initializer;
import java.util.Map;

/**
 * The settings every {@link KeypointBlock} builder shares: outputs, input channels and initialiser.
 *
 * <p>Self-typed like DJL's {@code BaseBuilder}, so that {@code setOutputs(..)} returns the concrete
 * builder and its own {@code optX} methods chain after it.
 *
 * @param <T> the concrete builder
 */
abstract class KeypointBlockBuilder<T extends KeypointBlockBuilder<T>> {

    int outputs;
    int inputChannels = 1;
    Initializer initializer;

    KeypointBlockBuilder() {}

    /**
     * Returns this builder as its concrete type.
     *
     * @return this builder
     */
    abstract T self();

    /**
     * Sets the number of outputs, {@code 2N} for N keypoints. Required.
     *
     * @param outputs the output count
     * @return this builder
     */
    public T setOutputs(int outputs) {
        this.outputs = outputs;
        return self();
    }

    /**
     * Sets the number of input channels; 1 (grayscale) by default.
     *
     * @param inputChannels the channel count
     * @return this builder
     */
    public T optInputChannels(int inputChannels) {
        this.inputChannels = inputChannels;
        return self();
    }

    /**
     * Sets the initialiser; a {@link TorchDefaultInitializer} with the default seed if not set. Any
     * other initialiser applies to the weights only.
     *
     * @param initializer the initialiser
     * @return this builder
     */
    public T optInitializer(Initializer initializer) {
        this.initializer = initializer;
        return self();
    }

    /** Reads the shared settings from a saved {@link KeypointBlock#config()}. */
    T fromConfig(Map<String, ?> config) {
        return setOutputs(ConfigValues.requiredInt(config, "outputs"))
                .optInputChannels(ConfigValues.intValue(config, "inputChannels", 1));
    }

    /** Checks that the outputs are set and positive. */
    void requireOutputs() {
        if (outputs <= 0) {
            throw new IllegalArgumentException(
                    "Missing or non-positive outputs: call setOutputs(2N), got " + outputs);
        }
    }

    /** Checks the shared settings: outputs set and positive, input channels positive. */
    void validate() {
        requireOutputs();
        ConfigValues.positive("inputChannels", inputChannels);
    }
}
