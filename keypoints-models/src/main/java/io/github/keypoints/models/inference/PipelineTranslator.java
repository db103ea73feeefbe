package io.github.keypoints.models.inference;

import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;

/**
 * What every translator over the {@link LandmarkPipeline} shares: each input becomes one request,
 * all requests of a batch go through one forward pass, and a failure while preparing releases the
 * images already read. Subclasses say only how an input becomes a request.
 *
 * @param <I> the input type
 */
abstract class PipelineTranslator<I> implements Translator<I, FaceLandmarks> {

    private final LandmarkPipeline pipeline;

    PipelineTranslator(LandmarkPipeline pipeline) {
        this.pipeline = pipeline;
    }

    LandmarkPipeline pipeline() {
        return pipeline;
    }

    /**
     * Turns one input into a request.
     *
     * @param ctx the call's context (its manager may hold temporary arrays)
     * @param input the input
     * @param index its place in the batch, for error messages
     * @return the request
     */
    abstract LandmarkPipeline.Request request(TranslatorContext ctx, I input, int index);

    /** {@inheritDoc} */
    @Override
    public NDList processInput(TranslatorContext ctx, I input) {
        return batchProcessInput(ctx, List.of(input));
    }

    /** {@inheritDoc} */
    @Override
    public FaceLandmarks processOutput(TranslatorContext ctx, NDList list) {
        return batchProcessOutput(ctx, list).get(0);
    }

    /** {@inheritDoc} */
    @Override
    public NDList batchProcessInput(TranslatorContext ctx, List<I> inputs) {
        List<LandmarkPipeline.Request> requests = new ArrayList<>(inputs.size());
        try {
            for (int i = 0; i < inputs.size(); i++) {
                requests.add(request(ctx, inputs.get(i), i));
            }
        } catch (RuntimeException e) {
            LandmarkPipeline.release(requests);
            throw e;
        }
        return pipeline.prepare(ctx, requests);
    }

    /** {@inheritDoc} */
    @Override
    public List<FaceLandmarks> batchProcessOutput(TranslatorContext ctx, NDList list) {
        return pipeline.finish(ctx, list);
    }

    /**
     * Returns {@link Batchifier#STACK}; the translator stacks the faces of a batch itself, so the
     * batchifier only tells DJL that batches are welcome.
     *
     * @return the stacking batchifier
     */
    @Override
    public Batchifier getBatchifier() {
        return Batchifier.STACK;
    }
}
