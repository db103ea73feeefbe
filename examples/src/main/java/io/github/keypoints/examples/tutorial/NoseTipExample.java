package io.github.keypoints.examples.tutorial;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.load.ImmSplit;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.NoseTipNet;
import io.github.keypoints.train.LandmarkRecipe;
import io.github.keypoints.train.TrainedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Part 1 of the reference project: find the tip of the nose (IMM point 52) with a small CNN, then
 * try the reference's two variations, a ten times larger learning rate and half the channels.
 *
 * <p>Run it (about 3 × 8 short epochs; a few minutes on two cores):
 *
 * <pre>
 * ./keypoints example nose-tip --data ../shared/data/imm_face_db [--epochs 8] [--out runs/example-nose-tip]
 * </pre>
 *
 * <p>Unless {@code ONEDNN_MAX_CPU_ISA} is set, the launcher finds the fastest oneDNN level at which
 * libtorch's convolutions are right on this CPU, once per CPU. libtorch 2.7.1's oneDNN convolutions
 * compute wrong values on our AMD EPYC machines with the AVX-512 and AVX2 kernels — the
 * half-channel net (12/16/16) got a NaN loss from the first batches under AVX2 — and right ones
 * under SSE41; on such a CPU the library's start-up check stops with an error that says to set
 * {@code SSE41}.
 *
 * <p>Each run folder gets {@code loss-curve.png}, {@code gallery.png} (best and worst validation
 * faces with the true nose tip and the prediction drawn), {@code filters.png}, {@code history.csv}
 * and the model directory {@code model/}.
 */
public final class NoseTipExample {

    private NoseTipExample() {}

    /**
     * Trains the three nose-tip models and prints their validation errors.
     *
     * @param args {@code --data DIR} (the IMM folder), optionally {@code --epochs N}, {@code --out
     *     DIR}
     * @throws Exception when the data cannot be read or training fails
     */
    public static void main(String[] args) throws Exception {
        TutorialOptions options = TutorialOptions.parse(args, Set.of("data", "epochs", "out"));
        Path data = options.path("data", "../shared/data/imm_face_db");
        int epochs = options.integer("epochs", 8);
        Path out = options.path("out", "runs/example-nose-tip");

        // Step 1: load the 240 annotated IMM faces. Strict mode: a bad file stops here, named.
        List<FaceSample> faces =
                DatasetLoader.builder()
                        .setPath(data)
                        .optFormat(DatasetFormat.IMM)
                        .optStrict(true)
                        .build()
                        .load()
                        .samples();

        // Step 2: split by person, as the reference did: persons 1-32 train, 33-40 validate.
        // Splitting by image would put the same person on both sides and flatter the result.
        ImmSplit split = ImmSplit.byPerson(faces, ImmSplit.REFERENCE_LAST_TRAIN_PERSON);

        // Step 3: the recipe of Part 1 (LandmarkRecipe.noseTip()): whole 640x480 photos in gray,
        // shrunk to 80x60 and scaled to [-0.5, 0.5], the nose tip as the label, the reference's
        // three-convolution network, MSE, Adam 1e-3, batch 15. The three runs differ only in
        // learning rate and channel counts, each changed on a copy of the recipe.
        LandmarkRecipe reference = LandmarkRecipe.noseTip().toBuilder().optEpochs(epochs).build();
        LandmarkRecipe fastLr = reference.toBuilder().optLearningRate(1e-2f, 1e-2f).build();
        LandmarkRecipe half =
                reference.toBuilder()
                        .optArchitecture(NoseTipNet.NAME, Map.of("channels", List.of(12, 16, 16)))
                        .build();
        double referenceError = train(split, reference, out.resolve("lr1e-3"));
        double fastLrError = train(split, fastLr, out.resolve("lr1e-2"));
        double halfError = train(split, half, out.resolve("half"));

        System.out.printf(
                "validation mean nose-tip error after %d epochs (640x480 pixels):%n", epochs);
        System.out.printf("  reference (lr 1e-3, 24/32/32 channels) %6.1f px%n", referenceError);
        System.out.printf("  lr 1e-2                                %6.1f px%n", fastLrError);
        System.out.printf("  half the channels (12/16/16)           %6.1f px%n", halfError);
        System.out.println("run folders: " + out);
    }

    /**
     * Trains one nose-tip network and returns its validation mean error in original pixels.
     *
     * @param split the person-wise split
     * @param recipe the recipe
     * @param run the run folder
     * @return the validation mean nose-tip error in pixels
     * @throws Exception when training fails
     */
    static double train(ImmSplit split, LandmarkRecipe recipe, Path run) throws Exception {
        // Step 3a: the datasets, built by the recipe. One in-memory cache serves both, so each
        // JPEG is decoded once, not once per epoch.
        ImageCache cache = ImageCache.inMemory();
        PixelNormalization norm = recipe.normalization(split.train(), cache);
        FaceLandmarkDataset train = recipe.trainingSet(split.train(), cache, norm, 0);
        FaceLandmarkDataset validation = recipe.evaluationSet(split.validation(), cache, norm);

        // Step 3b: the network of the recipe: three 3x3 convolutions (two followed by 2x2
        // max-pooling), a 256-unit hidden layer and 2 outputs (x, y), initialised as PyTorch
        // would (DJL's default initialiser draws about 2.5 times wider).
        KeypointBlock net = recipe.newBlock(LandmarkScheme.NOSE_TIP, 0);

        // Step 3c: train with the recipe's loss, schedule and batch. The trainer draws a
        // progress bar, validates after every epoch in original-image pixels, and writes the
        // loss curve, the prediction gallery, the first-layer filters and the model.
        try (TrainedModel report =
                recipe.trainer(net, train, validation)
                        .optSeed(0)
                        .optEngine("PyTorch")
                        .optRunDirectory(run)
                        // The spec makes the trainer save model/, which KeypointDetector and
                        // `keypoints evaluate` reload with no other arguments.
                        .optModelSpec(
                                recipe.modelSpec(
                                        net, LandmarkScheme.NOSE_TIP, norm, "PyTorch", Map.of()))
                        .optProgress(System.err)
                        .build()
                        .fit()) {
            return report.validation().meanPx();
        }
    }
}
