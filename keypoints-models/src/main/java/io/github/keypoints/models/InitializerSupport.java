package io.github.keypoints.models;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

/** Applies a builder's initialiser choice to a freshly built block. */
final class InitializerSupport {

    private InitializerSupport() {}

    /**
     * Installs {@code initializer}: a {@link TorchDefaultInitializer} on weights, biases and
     * BatchNorm; any other initialiser on the weights only (biases then start at DJL's zero).
     * {@code null} means the default {@link TorchDefaultInitializer}.
     *
     * @param block the block, not yet initialised
     * @param initializer the builder's choice, or {@code null}
     */
    static void apply(Block block, Initializer initializer) {
        Initializer init =
                initializer == null
                        ? new TorchDefaultInitializer(TorchDefaultInitializer.DEFAULT_SEED)
                        : initializer;
        if (init instanceof TorchDefaultInitializer) {
            ((TorchDefaultInitializer) init).install(block);
        } else {
            block.setInitializer(init, Parameter.Type.WEIGHT);
        }
    }
}
