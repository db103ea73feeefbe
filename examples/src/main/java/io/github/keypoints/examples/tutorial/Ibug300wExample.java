package io.github.keypoints.examples.tutorial;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.format.SubmissionCsv;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.KeypointOverlay;
import io.github.keypoints.data.image.PointStyle;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.load.FaceSplit;
import io.github.keypoints.data.load.SplitRule;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.inference.Detection;
import io.github.keypoints.models.inference.KeypointDetector;
import io.github.keypoints.train.BestBy;
import io.github.keypoints.train.EvaluationResult;
import io.github.keypoints.train.LandmarkErrors;
import io.github.keypoints.train.LandmarkRecipe;
import io.github.keypoints.train.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.opencv.core.Mat;

/**
 * Part 3 of the reference project, done as the library does it now: the default 68-point landmarker
 * ({@link LandmarkRecipe#ibug68()}) trained on 300-W face crops, measured on a test set it never
 * saw, written as a Kaggle-style submission, and then pointed at a photo with no annotation at all,
 * where the face finder bundled with keypoints-data finds every face.
 *
 * <pre>
 * ./keypoints example ibug300w [--data ../shared/data/ibug_300w_train]
 *     [--test ../shared/data/ibug_300w_sample/helen/testset]
 *     [--photo ../shared/data/faces_misc/face_recognition/obama.jpg] [--epochs N]
 *     [--out runs/example-ibug300w]
 * </pre>
 *
 * <p>The full recipe is what {@code ./keypoints train-300w} trains (see docs/results-300w.md for
 * its time and accuracy); {@code --epochs} shortens it for a quick look.
 */
public final class Ibug300wExample {

    private Ibug300wExample() {}

    /**
     * Trains the landmarker, scores the test set, writes the submission CSV and an overlay.
     *
     * @param args optional {@code --data DIR}, {@code --test DIR}, {@code --photo FILE}, {@code
     *     --epochs N}, {@code --out DIR}
     * @throws Exception when the data cannot be read or training fails
     */
    public static void main(String[] args) throws Exception {
        TutorialOptions options =
                TutorialOptions.parse(args, Set.of("data", "test", "photo", "epochs", "out"));
        Path data = options.path("data", "../shared/data/ibug_300w_train");
        Path test = options.path("test", "../shared/data/ibug_300w_sample/helen/testset");
        Path photo = options.path("photo", "../shared/data/faces_misc/face_recognition/obama.jpg");
        Path out = options.path("out", "runs/example-ibug300w");

        // Step 1: the recipe. Everything about how a face becomes a tensor and how the network
        // learns is in this one object; here only the number of epochs may change.
        LandmarkRecipe recipe = LandmarkRecipe.ibug68();
        recipe = recipe.toBuilder().optEpochs(options.integer("epochs", recipe.epochs())).build();
        System.err.println("recipe: " + recipe);

        // Step 2: the faces. Every tenth photo (with all of its faces) is held out to choose the
        // epoch; the test folder is only measured once, at the end.
        SplitRule rule = new SplitRule.EveryNthPhoto(10, 0);
        FaceSplit split = rule.apply(load(data));
        List<FaceSample> testFaces = load(test);

        // Step 3: datasets built from the recipe, sharing one image cache: each photo is decoded
        // and cropped once. Inputs are standardised with the training crops' own statistics.
        ImageCache cache = ImageCache.inMemory();
        PixelNormalization norm = recipe.normalization(split.train(), cache);
        FaceLandmarkDataset train = recipe.trainingSet(split.train(), cache, norm, 0);
        FaceLandmarkDataset heldOut = recipe.evaluationSet(split.validation(), cache, norm);
        KeypointBlock net = recipe.newBlock(LandmarkScheme.IBUG_68, 0);

        // Step 4: train, keeping the epoch with the lowest NME on the held-out photos, and save
        // the model directory the inference API loads.
        Path modelDir;
        int chosenEpoch;
        double heldOutNme;
        try (TrainedModel trained =
                recipe.trainer(net, train, heldOut)
                        .optSeed(0)
                        .optEngine("MXNet")
                        .optRunDirectory(out)
                        .optKeepBest(true)
                        .optBestBy(BestBy.VAL_NME)
                        .optModelSpec(
                                recipe.modelSpec(
                                        net, LandmarkScheme.IBUG_68, norm, "MXNet", Map.of()))
                        .optDataSource(data.toString())
                        .optSplit(rule)
                        .optProgress(System.err)
                        .build()
                        .fit()) {
            modelDir = trained.directory().orElseThrow();
            chosenEpoch = trained.reported().epoch() + 1;
            heldOutNme = trained.validation().nme();
        }

        // Step 5: the test set through the inference API, each face in its tight ground-truth box
        // (the usual protocol), and the Kaggle-style submission of the predictions.
        LandmarkErrors errors = new LandmarkErrors(LandmarkScheme.IBUG_68);
        List<Keypoints> predictions = new ArrayList<>();
        try (KeypointDetector detector = KeypointDetector.builder().setModel(modelDir).build()) {
            for (int i = 0; i < testFaces.size(); i++) {
                FaceSample s = testFaces.get(i);
                Keypoints p = detector.detect(s.image(), Optional.of(s.faceBox(1.0))).keypoints();
                errors.add(s.id(), i, s.keypoints(), p);
                predictions.add(p);
            }

            // Step 6: a photo with no annotation: the bundled face finder finds every face
            // (largest first), and each is landmarked.
            Path overlay = out.resolve("photo-overlay.png");
            if (Files.isRegularFile(photo)) {
                List<Detection> faces = detector.detectAll(photo);
                Mat image = ImageFiles.read(photo, false);
                try {
                    KeypointOverlay draw =
                            KeypointOverlay.builder().optFirstStyle(PointStyle.PREDICTION).build();
                    for (Detection d : faces) {
                        draw.drawBox(image, d.box());
                        draw.draw(image, d.keypoints());
                    }
                    ImageFiles.write(image, overlay);
                } finally {
                    image.release();
                }
                System.out.println(photo + ": " + faces.size() + " face(s); overlay " + overlay);
            }
        }
        Path csv = out.resolve("submission.csv");
        SubmissionCsv.write(predictions, csv);
        EvaluationResult r = errors.result();
        System.out.printf(
                "held-out photos: NME %.2f%% at epoch %d; %s (%d faces): NME %.2f%% (outer eye"
                        + " corners), mean %.1f px, MAE %.1f px%n",
                100 * heldOutNme,
                chosenEpoch,
                test,
                r.count(),
                100 * r.nme(),
                r.meanPx(),
                r.maePx());
        System.out.println("submission: " + csv + "; model: " + modelDir);
    }

    private static List<FaceSample> load(Path folder) throws IOException {
        return DatasetLoader.builder()
                .setPath(folder)
                .optFormat(DatasetFormat.PTS)
                .optStrict(true)
                .build()
                .load()
                .samples();
    }
}
