package io.github.keypoints.models;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The DJL {@link BlockFactory} of a saved model directory: rebuilds the network its {@value
 * KeypointModel#SPEC_FILE} describes (through {@link ModelZoo}, so user networks registered as
 * {@link KeypointBlockFactory} services load too) and fills it with {@value
 * KeypointModel#PARAMS_FILE}, every shape checked.
 *
 * <p>It is what lets DJL's {@code Criteria} load a model directory: {@link KeypointModel#save}
 * writes a {@value KeypointModel#SERVING_FILE} naming the engine, this factory and {@code
 * option.hasParameter=false} (the factory has read the parameters already); the {@code Criteria}
 * names the translator factory ({@code optTranslatorFactory(new FaceLandmarkTranslatorFactory())}:
 * DJL reads the translator factory of a {@code serving.properties} only for DJL Serving's own
 * types). For a directory saved before that file existed, add {@code optArgument("blockFactory",
 * SavedModelBlockFactory.class.getName())} and {@code optOption("hasParameter", "false")}.
 */
public final class SavedModelBlockFactory implements BlockFactory {

    private static final long serialVersionUID = 1L;

    /** Creates the factory; it keeps no state. */
    public SavedModelBlockFactory() {}

    /**
     * Reads the spec and parameters of the model directory into a new block in {@code model}'s
     * memory, after the once-per-JVM convolution check of the model's engine.
     *
     * @param model the DJL model the block will belong to
     * @param modelPath the model directory
     * @param arguments not used
     * @return the initialised block with the saved parameters, frozen (no gradients)
     * @throws IOException naming the file if the directory is not a readable model
     */
    @Override
    public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments)
            throws IOException {
        ModelSpec spec = KeypointModel.readSpec(modelPath);
        Path params = modelPath.resolve(KeypointModel.PARAMS_FILE);
        if (!Files.isRegularFile(params)) {
            throw new NoSuchFileException(
                    params.toString(), null, "model directory has no " + KeypointModel.PARAMS_FILE);
        }
        KeypointBlock block = KeypointModel.readBlock(spec, params, model);
        ConvolutionCheck.verify(model.getNDManager().getEngine().getEngineName(), block);
        // Loaded for inference, as DJL loads TorchScript models: frozen, so no forward pass can
        // record an autograd graph. To fine-tune, unfreeze all but batch norm's running statistics
        // (freezeParameters(false, p -> p.getType() != Parameter.Type.RUNNING_MEAN && ...)):
        // PyTorch's batch norm refuses running statistics that ask for a gradient.
        block.freezeParameters(true);
        return block;
    }
}
