package io.github.keypoints.examples.tutorial;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.augment.Augmentation;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.augment.Center;
import io.github.keypoints.data.augment.OutsidePolicy;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.format.SubmissionCsv;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.models.ResNet18;
import io.github.keypoints.models.TorchDefaultInitializer;
import io.github.keypoints.models.TorchvisionWeights;
import io.github.keypoints.train.EpochListener;
import io.github.keypoints.train.EvaluationResult;
import io.github.keypoints.train.KeypointTrainer;
import io.github.keypoints.train.LearningRateSchedule;
import io.github.keypoints.train.MseLoss;
import io.github.keypoints.train.TrainingReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Part 3 of the reference project: 68 iBUG points on in-the-wild photos with a ResNet-18, trained
 * on face-box crops, ending in a Kaggle-style submission CSV.
 *
 * <p>Run it on the 300-W sample (AFW + HELEN train to train, HELEN test to evaluate; a few minutes
 * for the default 3 epochs at 128×128 on two cores):
 *
 * <pre>
 * ./keypoints example ibug300w --data ../shared/data/ibug_300w_sample [--epochs 3] [--size 128]
 *     [--pretrained resnet18.npz] [--out runs/example-ibug300w]
 * </pre>
 *
 * <p>With {@code --pretrained} the backbone starts from torchvision's ImageNet weights (export them
 * once with the Python line in {@link TorchvisionWeights}); without it the network trains from
 * scratch, which on 100 photos and a short budget lands far from the reference's pretrained
 * figures, and the program says so.
 */
public final class Ibug300wExample {

    private Ibug300wExample() {}

    /**
     * Trains ResNet-18 on face crops and writes the submission CSV for HELEN test.
     *
     * @param args {@code --data DIR} (the 300-W sample root), optionally {@code --epochs N}, {@code
     *     --size S}, {@code --pretrained FILE.npz}, {@code --out DIR}
     * @throws Exception when the data cannot be read or training fails
     */
    public static void main(String[] args) throws Exception {
        TutorialOptions options =
                TutorialOptions.parse(args, Set.of("data", "epochs", "size", "pretrained", "out"));
        Path data = options.path("data", "../shared/data/ibug_300w_sample");
        int epochs = options.integer("epochs", 3);
        int size = options.integer("size", 128);
        Path pretrained = options.path("pretrained", null);
        Path out = options.path("out", "runs/example-ibug300w");

        // Step 1: training faces from AFW and HELEN train; HELEN test is only ever evaluated.
        List<FaceSample> trainFaces = new ArrayList<>(load(data.resolve("afw")));
        trainFaces.addAll(load(data.resolve("helen/trainset")));
        List<FaceSample> testFaces = load(data.resolve("helen/testset"));

        // Step 2: crop every photo to its face. .pts files carry no box, so the crop is the tight
        // box of the 68 points grown by 30%; the crop is resized to size x size in gray. The
        // photos are up to 4000 px wide: the disk cache keeps the decoded crops, so only the
        // first epoch (and the first run) pays for the JPEG decoding.
        CropPolicy crop = CropPolicy.faceBox(1.3);
        ImageCache cache = ImageCache.onDisk(out.resolve("image-cache"));

        // Step 3: augmentation as the reference's Part 3: no flips, and either a small rotation
        // or a small shift per sample, never both.
        AugmentationPipeline augmentation =
                AugmentationPipeline.builder()
                        .setAugmentation(
                                Augmentation.oneOf(
                                        Augmentation.rotation(10, Center.FACE_BOX),
                                        Augmentation.shift(0.05 * size)))
                        .optOutsidePolicy(OutsidePolicy.resample(5))
                        .build();
        FaceLandmarkDataset train =
                FaceLandmarkDataset.builder()
                        .setSamples(trainFaces)
                        .setInputSize(size, size)
                        .optCrop(crop)
                        .optAugmentation(augmentation)
                        .optSeed(0)
                        .optCache(cache)
                        .setSampling(16, true)
                        .build();
        FaceLandmarkDataset test =
                FaceLandmarkDataset.builder()
                        .setSamples(testFaces)
                        .setInputSize(size, size)
                        .optCrop(crop)
                        .optCache(cache)
                        .setSampling(16, false)
                        .build();

        // Step 4: torchvision's ResNet-18 with a 1-channel stem and a 136-output head.
        ResNet18 net =
                ResNet18.builder()
                        .setOutputs(136)
                        .optInputChannels(1)
                        .optInitializer(new TorchDefaultInitializer(0))
                        .build();

        // Step 5: pretrained weights when the user has them. The stem's RGB filters are summed
        // into one gray channel; the head stays freshly initialised.
        NDManager weights = null;
        if (pretrained != null) {
            weights = NDManager.newBaseManager(Device.cpu(), "PyTorch");
            net.initialize(weights, DataType.FLOAT32, new Shape(1, 1, size, size));
            TorchvisionWeights.Report imported = TorchvisionWeights.load(net, pretrained);
            System.err.printf(
                    "imported %d pretrained tensors from %s (stem summed to gray: %s)%n",
                    imported.imported().size(), pretrained, imported.stemSummed());
        } else {
            System.err.println(
                    "no --pretrained FILE.npz given: training ResNet-18 from scratch (expect much"
                            + " larger errors than with ImageNet weights)");
        }

        // Step 6: Adam at 1e-4, dropping to 5e-5 for the last third of the epochs, MSE loss.
        // HELEN test is passed as the validation set only to be measured after every epoch;
        // nothing is selected on it (the last epoch's model is the one reported).
        int drop = Math.max(1, (2 * epochs) / 3);
        TrainingReport report;
        try {
            report =
                    KeypointTrainer.builder()
                            .setBlock(net)
                            .setTrainingData(train)
                            .setValidationData(test)
                            .setEpochs(epochs)
                            .setBatchSize(16)
                            .optLoss(new MseLoss(MseLoss.Reduction.MEAN))
                            .optSchedule(LearningRateSchedule.multiStep(1e-4f, Map.of(drop, 5e-5f)))
                            .optSeed(0)
                            .optEngine("PyTorch")
                            .optRunDirectory(out)
                            .addEpochListener(
                                    new EpochListener() {
                                        @Override
                                        public void onEpochStart(int epoch) {
                                            train.setEpoch(epoch);
                                        }
                                    })
                            .optProgress(System.err)
                            .build()
                            .fit();
        } finally {
            if (weights != null) {
                weights.close();
            }
        }

        // Step 7: the Kaggle-style submission: one row per coordinate of every test face, in the
        // original photo's pixels (the crop and resize are undone by the dataset's inverse
        // affine before the trainer reports a prediction).
        EvaluationResult helenTest = report.validation();
        List<Keypoints> predictions =
                helenTest.samples().stream().map(EvaluationResult.SampleError::predicted).toList();
        Path csv = out.resolve("submission.csv");
        SubmissionCsv.write(predictions, csv);

        System.out.printf(
                "HELEN test (%d faces, %s): NME %.2f%% (outer eye corners), mean %.1f px, MAE %.1f"
                        + " px%n",
                helenTest.count(),
                pretrained == null ? "trained from scratch" : "from ImageNet weights",
                100 * helenTest.nme(),
                helenTest.meanPx(),
                helenTest.maePx());
        System.out.println("submission: " + csv + "; run folder: " + out);
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
