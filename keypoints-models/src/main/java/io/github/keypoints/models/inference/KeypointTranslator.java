package io.github.keypoints.models.inference;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.nio.FloatBuffer;

/**
 * The DJL {@link Translator} of a keypoint network: a normalised {@code C×H×W} float image in, its
 * {@code 2N} input-relative coordinates out. Batches are stacked, so {@code Predictor.batchPredict}
 * runs one forward pass per batch.
 *
 * <p>Tensors live in the predictor context's manager, which DJL closes after every call, so
 * repeated predictions hold no native memory.
 */
final class KeypointTranslator implements Translator<float[], float[]> {

    private final Shape shape;

    /**
     * Creates the translator for one input size.
     *
     * @param channels the input channels
     * @param height the input height
     * @param width the input width
     */
    KeypointTranslator(int channels, int height, int width) {
        this.shape = new Shape(channels, height, width);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[] chw) {
        if (chw.length != shape.size()) {
            throw new IllegalArgumentException(
                    "Expected " + shape.size() + " input values " + shape + ", got " + chw.length);
        }
        return new NDList(ctx.getNDManager().create(FloatBuffer.wrap(chw), shape));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        return list.singletonOrThrow().toFloatArray();
    }

    @Override
    public Batchifier getBatchifier() {
        return Batchifier.STACK;
    }
}
