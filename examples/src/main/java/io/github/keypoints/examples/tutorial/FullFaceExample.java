package io.github.keypoints.examples.tutorial;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.augment.Augmentation;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.augment.Center;
import io.github.keypoints.data.augment.OutsidePolicy;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.load.ImmSplit;
import io.github.keypoints.models.Imm58Net;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.TorchDefaultInitializer;
import io.github.keypoints.train.EpochListener;
import io.github.keypoints.train.EpochRecord;
import io.github.keypoints.train.FilterGrid;
import io.github.keypoints.train.KeypointTrainer;
import io.github.keypoints.train.LearningRateSchedule;
import io.github.keypoints.train.MseLoss;
import io.github.keypoints.train.TrainingReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
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

        // Step 2: the augmentation of the reference: each sample is either rotated (up to 15
        // degrees about its face) or shifted (up to 10 px), mirrored half of the time, and its
        // brightness and contrast jittered. Every geometric step is one affine applied to the
        // pixels and the points together, and a mirror also swaps left and right point indices,
        // so the labels cannot drift from the image. A draw that pushes a point outside the image
        // is redrawn (up to 5 times).
        AugmentationPipeline augmentation =
                AugmentationPipeline.builder()
                        .setAugmentation(
                                Augmentation.sequence(
                                        Augmentation.oneOf(
                                                Augmentation.rotation(15, Center.FACE_BOX),
                                                Augmentation.shift(10)),
                                        Augmentation.withProbability(
                                                0.5, Augmentation.horizontalFlip()),
                                        Augmentation.colorJitter(0.2, 0.3)))
                        .optOutsidePolicy(OutsidePolicy.resample(5))
                        .build();

        // Step 3: datasets at 120x90 (the acceptance recipe's input). Only the training set is
        // augmented; its randomness comes from (seed, epoch, sample), so a run repeats exactly.
        FaceLandmarkDataset train =
                FaceLandmarkDataset.builder()
                        .setSamples(split.train())
                        .setInputSize(120, 90)
                        .optAugmentation(augmentation)
                        .optSeed(0)
                        .optCache(ImageCache.inMemory())
                        .setSampling(32, true)
                        .build();
        FaceLandmarkDataset validation =
                FaceLandmarkDataset.builder()
                        .setSamples(split.validation())
                        .setInputSize(120, 90)
                        .optCache(ImageCache.inMemory())
                        .setSampling(32, false)
                        .build();

        // Step 4: the 58-point network of the reference: five 3x3 convolutions (the last four
        // each followed by max-pooling), a 256-unit hidden layer and 116 outputs. The size of
        // the first fully connected layer is inferred from the input size.
        Imm58Net net =
                Imm58Net.builder()
                        .setOutputs(116)
                        .optInitializer(new TorchDefaultInitializer(0))
                        .build();

        Path filters = out.resolve("first-layer-filters.png");

        // Step 5: train with MSE and Adam (1e-3, batch 32). The trainer tells the dataset which
        // epoch starts, so each epoch sees fresh augmentations; the spec makes it save model/.
        TrainingReport report =
                KeypointTrainer.builder()
                        .setBlock(net)
                        .setTrainingData(train)
                        .setValidationData(validation)
                        .setEpochs(epochs)
                        .setBatchSize(32)
                        .optLoss(new MseLoss(MseLoss.Reduction.MEAN))
                        .optSchedule(LearningRateSchedule.fixed(1e-3f))
                        .optSeed(0)
                        .optEngine("PyTorch")
                        .optRunDirectory(out)
                        .optModelSpec(
                                ModelSpec.builder()
                                        .setBlock(net)
                                        .setScheme(LandmarkScheme.IMM_58)
                                        .setInputSize(120, 90)
                                        .build())
                        .addEpochListener(
                                new EpochListener() {
                                    // Step 6: after the last epoch, while the weights are still
                                    // alive (the trainer releases them when fit() returns),
                                    // draw the first layer's 32 filters. The trainer also writes
                                    // filters.png; this is the call that does it, for any block.
                                    @Override
                                    public void onEpochEnd(EpochRecord record, boolean best) {
                                        if (record.epoch() == epochs - 1) {
                                            try {
                                                FilterGrid.write(net, filters);
                                            } catch (IOException e) {
                                                throw new UncheckedIOException(e);
                                            }
                                        }
                                    }
                                })
                        .optProgress(System.err)
                        .build()
                        .fit();

        System.out.printf(
                "validation after %d epochs: mean point error %.1f px, MAE %.1f px, NME %.3f%n",
                epochs,
                report.validation().meanPx(),
                report.validation().maePx(),
                report.validation().nme());
        System.out.println("filters: " + filters + "; run folder: " + out);
    }
}
