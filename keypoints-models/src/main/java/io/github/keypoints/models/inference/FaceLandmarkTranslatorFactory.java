package io.github.keypoints.models.inference;

import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.translate.ArgumentsUtil;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import io.github.keypoints.data.detect.CascadeFaceFinder;
import io.github.keypoints.data.detect.FaceFinder;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Makes {@link FaceLandmarkTranslator}s for DJL's {@code Criteria}: input {@link Image} (or {@link
 * Path}, read with the file named in any error), output {@link FaceLandmarks}. The model's spec is
 * read from the model directory, so the translator prepares photos exactly as the model was
 * trained.
 *
 * <p>Criteria arguments ({@code optArgument}), all optional: {@code flipAverage} ({@code
 * true}/{@code false}, default false), {@code refinement} (passes on the tight box of found faces,
 * default 1), {@code wholeImage} (default: as the model was trained), {@code cascade} (a cascade
 * XML file for the face finder, default the bundled one), {@code faceFinder} (a {@link FaceFinder}
 * object instead of the cascade).
 */
public final class FaceLandmarkTranslatorFactory implements TranslatorFactory {

    private static final Set<Pair<Type, Type>> SUPPORTED =
            Set.of(
                    new Pair<>(Image.class, FaceLandmarks.class),
                    new Pair<>(Path.class, FaceLandmarks.class));

    /** Creates the factory; it keeps no state. */
    public FaceLandmarkTranslatorFactory() {}

    /** {@inheritDoc} */
    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return SUPPORTED;
    }

    /** {@inheritDoc} */
    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(
            Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
            throws TranslateException {
        if (!isSupported(input, output)) {
            throw new IllegalArgumentException(
                    "Unsupported types ("
                            + input.getName()
                            + ", "
                            + output.getName()
                            + "); supported: (Image, FaceLandmarks) and (Path, FaceLandmarks)");
        }
        FaceLandmarkTranslator translator = translator(model.getModelPath(), arguments);
        if (input == Path.class) {
            return (Translator<I, O>) new PathTranslator(translator.pipeline());
        }
        return (Translator<I, O>) translator;
    }

    /** Builds the translator of the model saved in {@code dir}, configured by the arguments. */
    static FaceLandmarkTranslator translator(Path dir, Map<String, ?> arguments)
            throws TranslateException {
        ModelSpec spec;
        try {
            spec = KeypointModel.readSpec(dir);
        } catch (IOException e) {
            throw new TranslateException("Cannot read the model's spec: " + e.getMessage(), e);
        }
        FaceLandmarkTranslator.Builder b =
                FaceLandmarkTranslator.builder(spec)
                        .optFlipAverage(ArgumentsUtil.booleanValue(arguments, "flipAverage"))
                        .optRefinement(ArgumentsUtil.intValue(arguments, "refinement", 1));
        if (arguments.containsKey("wholeImage")) {
            b.optWholeImage(ArgumentsUtil.booleanValue(arguments, "wholeImage"));
        }
        Object finder = arguments.get("faceFinder");
        String cascade = ArgumentsUtil.stringValue(arguments, "cascade");
        if (finder != null && cascade != null) {
            throw new IllegalArgumentException(
                    "Give either the faceFinder or the cascade argument, not both");
        }
        if (finder instanceof FaceFinder f) {
            b.optFaceFinder(f);
        } else if (finder != null) {
            throw new IllegalArgumentException(
                    "The faceFinder argument must be a "
                            + FaceFinder.class.getName()
                            + ", was a "
                            + finder.getClass().getName());
        } else if (cascade != null) {
            b.optFaceFinder(CascadeFaceFinder.builder().optCascade(Path.of(cascade)).build());
        }
        return b.build();
    }

    /** Image files in, read in the channels the model takes; errors name the file. */
    private static final class PathTranslator extends PipelineTranslator<Path> {

        PathTranslator(LandmarkPipeline pipeline) {
            super(pipeline);
        }

        @Override
        LandmarkPipeline.Request request(TranslatorContext ctx, Path file, int index) {
            return new LandmarkPipeline.Request(
                    ImageFiles.read(file, pipeline().preprocessor().grayscale()),
                    null,
                    true,
                    true,
                    file + ": ");
        }
    }
}
