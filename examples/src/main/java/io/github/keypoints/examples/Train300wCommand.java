package io.github.keypoints.examples;

import ai.djl.ndarray.NDManager;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.augment.Augmentation;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.augment.Center;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.ResNet18;
import io.github.keypoints.models.inference.Detection;
import io.github.keypoints.models.inference.KeypointDetector;
import io.github.keypoints.train.EpochRecord;
import io.github.keypoints.train.KeypointTrainer;
import io.github.keypoints.train.LearningRateSchedule;
import io.github.keypoints.train.MseLoss;
import io.github.keypoints.train.TrainingReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains the 68-point ResNet-18 on 300-W face-box crops (the reference's Part 3 recipe, scaled to a
 * CPU) and evaluates it on HELEN test, which is never used for training or model selection.
 */
@Command(
        name = "train-300w",
        mixinStandardHelpOptions = true,
        description = {
            "Train a 68-point ResNet-18 (1-channel stem) on 300-W face crops: afw + helen/trainset"
                    + " (the last --holdout faces of helen/trainset validate each epoch), then"
                    + " report NME (outer eye corners 36/45), mean px and MAE on helen/testset,"
                    + " which is never trained or tuned on. Saves a model directory for"
                    + " `keypoints predict`.",
            "Example: ./keypoints train-300w --data ../shared/data/ibug_300w_sample --input 64"
                    + " --epochs 7 --lr-drop-epoch 5 --out runs/300w --json"
        })
final class Train300wCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, description = "The ibug_300w_sample folder.")
    Path data;

    @Option(
            names = "--input",
            defaultValue = "96",
            description = "Square input side (default ${DEFAULT-VALUE}).")
    int input;

    @Option(names = "--epochs", defaultValue = "40", description = "Epochs (default 40).")
    int epochs;

    @Option(names = "--batch", defaultValue = "16", description = "Batch size (default 16).")
    int batch;

    @Option(
            names = "--lr-drop-epoch",
            description = "Epoch from which Adam's 1e-4 drops to 5e-5 (default: 5/8 of --epochs).")
    Integer dropEpoch;

    @Option(
            names = "--margin",
            defaultValue = "1.3",
            description = "Growth of the tight box of the points (default ${DEFAULT-VALUE}).")
    double margin;

    @Option(
            names = "--holdout",
            defaultValue = "10",
            description = "helen/trainset faces held out for per-epoch validation (default 10).")
    int holdout;

    @Option(
            names = "--pretrained",
            description =
                    "Start from torchvision's ImageNet ResNet-18 weights in this .npz (conv1 summed"
                            + " over RGB); without it the network trains from scratch.")
    Path pretrained;

    @Option(names = "--engine", defaultValue = "PyTorch", description = "PyTorch or MXNet.")
    String engine;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default 0).")
    long seed;

    @Option(names = "--threads", description = "CPU threads for the engine.")
    Integer threads;

    @Option(names = "--out", required = true, description = "Run folder.")
    Path out;

    @Option(names = "--json", description = "Print a JSON summary as the last line.")
    boolean json;

    @Spec CommandSpec commandSpec;

    @Override
    public Integer call() throws Exception {
        if (threads != null) {
            EngineSetup.threads(threads);
        }
        EngineSetup.requireEngine(engine);
        List<FaceSample> afw = load(data.resolve("afw"));
        List<FaceSample> helenTrain = load(data.resolve("helen/trainset"));
        List<FaceSample> test = load(data.resolve("helen/testset"));
        if (holdout < 1 || holdout >= helenTrain.size()) {
            throw new IllegalArgumentException(
                    "--holdout must be in 1.." + (helenTrain.size() - 1) + ", got " + holdout);
        }
        List<FaceSample> train = new ArrayList<>(afw);
        train.addAll(helenTrain.subList(0, helenTrain.size() - holdout));
        List<FaceSample> val = helenTrain.subList(helenTrain.size() - holdout, helenTrain.size());
        CropPolicy crop = CropPolicy.faceBox(margin).keepingAspect();
        AugmentationPipeline augment =
                AugmentationPipeline.builder()
                        .setAugmentation(
                                Augmentation.sequence(
                                        Augmentation.oneOf(
                                                Augmentation.rotation(15, Center.IMAGE),
                                                Augmentation.shift(input * 0.05)),
                                        Augmentation.colorJitter(0.2, 0.2)))
                        .build();
        FaceLandmarkDataset trainSet =
                FaceLandmarkDataset.builder()
                        .setSamples(train)
                        .setInputSize(input, input)
                        .optCrop(crop)
                        .optAugmentation(augment)
                        .optSeed(seed)
                        .setSampling(batch, true)
                        .build();
        FaceLandmarkDataset valSet =
                FaceLandmarkDataset.builder()
                        .setSamples(val)
                        .setInputSize(input, input)
                        .optCrop(crop)
                        .setSampling(batch, false)
                        .build();
        int drop = dropEpoch != null ? dropEpoch : Math.max(1, epochs * 5 / 8);
        System.err.printf(
                Locale.ROOT,
                "train-300w: %d training faces (afw %d + helen/trainset %d), %d validation, %d"
                        + " test; %dx%d crops, margin %.2f; Adam 1e-4 -> 5e-5 at epoch %d;"
                        + " %d epochs, batch %d, %s%n",
                train.size(),
                afw.size(),
                helenTrain.size() - holdout,
                val.size(),
                test.size(),
                input,
                input,
                margin,
                drop,
                epochs,
                batch,
                engine);
        ResNet18 block = ResNet18.builder().setOutputs(136).optInputChannels(1).build();
        ModelSpec spec =
                ModelSpec.builder()
                        .setBlock(block)
                        .setScheme(LandmarkScheme.IBUG_68)
                        .setInputSize(input, input)
                        .optCrop(ModelSpec.Crop.of(crop))
                        .optNormalization(ModelSpec.Normalization.CENTERED)
                        .optEngine(engine)
                        .optProvenance(
                                Map.of(
                                        "data",
                                        "300-W sample: afw + helen/trainset",
                                        "recipe",
                                        "Adam 1e-4 -> 5e-5 at epoch " + drop + ", MSE",
                                        "pretrained",
                                        pretrained == null
                                                ? "none (trained from scratch)"
                                                : pretrained.getFileName().toString()))
                        .build();
        if (pretrained == null) {
            System.err.println(
                    "train-300w: no --pretrained FILE.npz: ResNet-18 trains from scratch");
        }
        TrainingReport report;
        try (NDManager weights =
                PretrainedWeights.importInto(block, pretrained, engine, new int[] {input, input})) {
            report =
                    KeypointTrainer.builder()
                            .setBlock(block)
                            .setTrainingData(trainSet)
                            .setValidationData(valSet)
                            .setEpochs(epochs)
                            .setBatchSize(batch)
                            .optLoss(new MseLoss(MseLoss.Reduction.MEAN))
                            .optSchedule(LearningRateSchedule.multiStep(1e-4f, Map.of(drop, 5e-5f)))
                            .optSeed(seed)
                            .optEngine(engine)
                            .optRunDirectory(out)
                            .optKeepBest(false)
                            .optModelSpec(spec)
                            .optProgress(System.err)
                            .build()
                            .fit();
        }
        EpochRecord last = report.reported();
        Path modelDir = report.model();
        Metrics m = evaluate(modelDir, test);
        System.out.printf(
                Locale.ROOT,
                "helen/testset (%d faces, tight point box x %.2f): NME %.2f%% (outer eye corners"
                        + " 36/45), mean %.2f px, MAE %.2f px; training %.0f s%n",
                test.size(),
                margin,
                m.nme * 100,
                m.meanPx,
                m.maePx,
                report.seconds());
        System.out.println("model: " + modelDir);
        Map<String, String> testRows = new LinkedHashMap<>();
        testRows.put("helen/testset faces", Integer.toString(test.size()));
        testRows.put("helen/testset NME (outer eye corners 36/45)", RunReport.number(m.nme, 4));
        testRows.put("helen/testset mean point error (px)", RunReport.number(m.meanPx, 2));
        testRows.put("helen/testset MAE (px)", RunReport.number(m.maePx, 2));
        Path md =
                TrainingRunReport.write(
                        out,
                        "keypoints train-300w: ResNet-18, 68 points",
                        TrainingRunReport.commandLine(commandSpec),
                        report,
                        "held-out helen/trainset faces",
                        report.validation(),
                        last.valLoss(),
                        testRows);
        System.out.println("report: " + md);
        if (json) {
            new JsonSummary()
                    .put("test_nme", m.nme)
                    .put("test_mean_px", m.meanPx)
                    .put("test_mae_px", m.maePx)
                    .put("test_faces", test.size())
                    .put("train_faces", train.size())
                    .put("val_mean_px", report.validation().meanPx())
                    .put("train_loss", last.trainLoss())
                    .put("val_loss", last.valLoss())
                    .put("epochs", report.history().size())
                    .put("input", input)
                    .put("seconds", report.seconds())
                    .put("params", report.parameters())
                    .put("model", modelDir.toString())
                    .put("report", md.toString())
                    .print(System.out);
        }
        return 0;
    }

    /** Test-set figures in original pixels. */
    record Metrics(double nme, double meanPx, double maePx) {}

    /**
     * Evaluates a saved model on faces with the inference API, the box being each face's tight
     * point box (which the model grows by its margin, as in training).
     */
    static Metrics evaluate(Path modelDir, List<FaceSample> faces) throws Exception {
        double nme = 0;
        double mean = 0;
        double mae = 0;
        try (KeypointDetector detector = KeypointDetector.builder().setModel(modelDir).build()) {
            for (FaceSample s : faces) {
                Box box = s.keypoints().boundingBox();
                Detection d = detector.detect(s.image(), Optional.of(box));
                Keypoints p = d.keypoints();
                Keypoints t = s.keypoints();
                double md = p.meanDistance(t);
                double iod = Math.hypot(t.x(36) - t.x(45), t.y(36) - t.y(45));
                nme += md / iod;
                mean += md;
                double abs = 0;
                for (int i = 0; i < t.size(); i++) {
                    abs += Math.abs(p.x(i) - t.x(i)) + Math.abs(p.y(i) - t.y(i));
                }
                mae += abs / (2.0 * t.size());
            }
        }
        int n = faces.size();
        return new Metrics(nme / n, mean / n, mae / n);
    }

    private static List<FaceSample> load(Path dir) throws Exception {
        return DatasetLoader.builder()
                .setPath(dir)
                .optFormat(DatasetFormat.PTS)
                .optStrict(true)
                .build()
                .load()
                .samples();
    }
}
