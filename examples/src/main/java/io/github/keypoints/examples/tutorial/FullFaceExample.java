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
import io.github.keypoints.train.FilterGrid;
import io.github.keypoints.train.LandmarkRecipe;
import io.github.keypoints.train.TrainedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Part 2 of the reference project: all 58 IMM keypoints, with data augmentation, and a look at what
 * the first convolution layer learned.
 *
 * <p>Run it (a few minutes for the default 4 epochs on two cores; the reference trained 70):
 *
 * <pre>
 * ./keypoints example full-face --data ../shared/data/imm_face_db [--epochs 4] [--out runs/example-full-face]
 * </pre>
 *
 * <p>The run folder gets {@code loss-curve.png}, {@code gallery.png}, {@code filters.png} (the 32
 * learned 3×3 filters of the first layer), {@code history.csv} and the model directory {@code
 * model/}.
 */
public final class FullFaceExample {

    private FullFaceExample() {}

    /**
     * Trains the 58-point network with augmentation and draws its first-layer filters.
     *
     * @param args {@code --data DIR} (the IMM folder), optionally {@code --epochs N}, {@code --out
     *     DIR}
     * @throws Exception when the data cannot be read or training fails
     */
    public static void main(String[] args) throws Exception {
        TutorialOptions options = TutorialOptions.parse(args, Set.of("data", "epochs", "out"));
        Path data = options.path("data", "../shared/data/imm_face_db");
        int epochs = options.integer("epochs", 4);
        Path out = options.path("out", "runs/example-full-face");

        // Step 1: the IMM faces, split by person (1-32 train, 33-40 validation).
        List<FaceSample> faces =
                DatasetLoader.builder()
                        .setPath(data)
                        .optFormat(DatasetFormat.IMM)
                        .optStrict(true)
                        .build()
                        .load()
                        .samples();
        ImmSplit split = ImmSplit.byPerson(faces, ImmSplit.REFERENCE_LAST_TRAIN_PERSON);

        // Step 2: the recipe of Part 2 (LandmarkRecipe.imm58Reference()): whole photos at
        // 120x90, the reference's augmentation (each sample rotated up to 15 degrees about the
        // image centre, shifted up to 5 px, its brightness and contrast jittered, and mirrored
        // half of the time), MSE, Adam 1e-3, batch 32. Every geometric step is one affine applied
        // to the pixels and the points together, and a mirror also swaps left and right point
        // indices, so the labels cannot drift from the image. Only the epochs change here.
        LandmarkRecipe recipe =
                LandmarkRecipe.imm58Reference().toBuilder().optEpochs(epochs).build();
        System.err.println("recipe: " + recipe);

        // Step 3: datasets built by the recipe. Only the training set is augmented; its
        // randomness comes from (seed, epoch, sample), so a run repeats exactly.
        ImageCache cache = ImageCache.inMemory();
        PixelNormalization norm = recipe.normalization(split.train(), cache);
        FaceLandmarkDataset train = recipe.trainingSet(split.train(), cache, norm, 0);
        FaceLandmarkDataset validation = recipe.evaluationSet(split.validation(), cache, norm);

        // Step 4: the 58-point network of the reference: five 3x3 convolutions (the last four
        // each followed by max-pooling), a 256-unit hidden layer and 116 outputs. The size of
        // the first fully connected layer is inferred from the input size.
        KeypointBlock net = recipe.newBlock(LandmarkScheme.IMM_58, 0);

        Path filters = out.resolve("first-layer-filters.png");

        // Step 5: train with the recipe's loss, schedule and batch. The trainer tells the dataset
        // which epoch starts, so each epoch sees fresh augmentations, and returns the trained
        // model (also saved as model/ in the run folder).
        try (TrainedModel trained =
                recipe.trainer(net, train, validation)
                        .optSeed(0)
                        .optEngine("PyTorch")
                        .optRunDirectory(out)
                        .optModelSpec(
                                recipe.modelSpec(
                                        net, LandmarkScheme.IMM_58, norm, "PyTorch", Map.of()))
                        .optProgress(System.err)
                        .build()
                        .fit()) {
            // Step 6: draw the first layer's 32 filters from the returned model. The run's
            // ReportPictures job also writes filters.png; this is the call that does it, for any
            // block.
            FilterGrid.write(trained.model().block(), filters);
            System.out.printf(
                    "validation after %d epochs: mean point error %.1f px, MAE %.1f px, NME %.3f%n",
                    epochs,
                    trained.validation().meanPx(),
                    trained.validation().maePx(),
                    trained.validation().nme());
        }
        System.out.println("filters: " + filters + "; run folder: " + out);
    }
}
