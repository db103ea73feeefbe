package io.github.keypoints.examples;

import ai.djl.ndarray.NDManager;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.augment.Augmentation;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.augment.Center;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.load.ImmSplit;
import io.github.keypoints.data.load.LoadedDataset;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.Imm58Net;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.models.NoseTipNet;
import io.github.keypoints.models.ResNet18;
import io.github.keypoints.models.TorchDefaultInitializer;
import io.github.keypoints.train.BestBy;
import io.github.keypoints.train.EvaluationResult;
import io.github.keypoints.train.KeypointTrainer;
import io.github.keypoints.train.L1KeypointLoss;
import io.github.keypoints.train.LearningRateSchedule;
import io.github.keypoints.train.MseLoss;
import io.github.keypoints.train.TrainingReport;
import io.github.keypoints.train.WingLoss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keypoints train}: trains a keypoint network on a dataset folder and reports validation
 * errors in original-image pixels.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train a keypoint network and report validation errors in original-image pixels.",
            "IMM data is split by person (1-32 train, 33-40 validation) unless --last-train-person"
                    + " says otherwise; other data keeps every 5th sample for validation.",
            "Writes history.csv, loss-curve.png, gallery.png, filters.png, checkpoints/ and the"
                    + " model directory model/ (reloads with no other arguments) into --out."
        })
public final class TrainCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            required = true,
            description = "Architecture: nose-tip, imm58, resnet18 or heatmap.")
    String model;

    @Option(names = "--data", required = true, description = "Dataset folder or file.")
    Path data;

    @Option(names = "--format", description = "imm, pts or xml (detected when omitted).")
    String format;

    @Option(names = "--input", description = "Network input WxH (default per model).")
    String input;

    @Option(
            names = "--epochs",
            defaultValue = "25",
            description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--batch",
            defaultValue = "15",
            description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--lr",
            defaultValue = "1e-3",
            description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(
            names = "--lr-drop",
            description = "Learning-rate drops EPOCH:LR[,EPOCH:LR] (epochs from 0).")
    String lrDrop;

    @Option(names = "--cosine", description = "Cosine-anneal the learning rate down to this value.")
    Float cosine;

    @Option(
            names = "--loss",
            defaultValue = "mse",
            description = "mse, mse-sum, l1 or wing (default ${DEFAULT-VALUE}).")
    String loss;

    @Option(
            names = "--augment",
            defaultValue = "off",
            description = "on or off (default ${DEFAULT-VALUE}).")
    String augment;

    @Option(
            names = "--engine",
            defaultValue = "PyTorch",
            description = "PyTorch or MXNet (default ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", description = "Run folder (default runs/<model>-seed<S>).")
    Path out;

    @Option(names = "--resume", description = "Continue from the run folder's last checkpoint.")
    boolean resume;

    @Option(
            names = "--keep-best",
            description =
                    "Save and report the epoch with the lowest validation mean px instead of the last.")
    boolean keepBest;

    @Option(
            names = "--last-train-person",
            defaultValue = "32",
            description = "IMM persons up to this one train (default ${DEFAULT-VALUE}).")
    int lastTrainPerson;

    @Option(
            names = "--select-persons",
            defaultValue = "0",
            description =
                    "IMM: hold out this many of the last training persons to measure each epoch"
                            + " (and pick the best with --keep-best) instead of the validation"
                            + " persons, which are then measured once at the end (default 0: off).")
    int selectPersons;

    @Option(
            names = "--normalize",
            defaultValue = "centered",
            description =
                    "centered (pixel/255 - 0.5, the reference) or dataset (standardised with the"
                            + " training images' mean and std) (default ${DEFAULT-VALUE}).")
    String normalize;

    @Option(
            names = "--pretrained",
            description =
                    "resnet18: start from torchvision's ImageNet weights in this .npz (see"
                            + " docs/models.md for the one-line export); conv1 is summed over RGB.")
    Path pretrained;

    @Option(
            names = "--rotate",
            defaultValue = "15",
            description = "--augment on: largest rotation in degrees (default ${DEFAULT-VALUE}).")
    double rotate;

    @Option(
            names = "--shift",
            description =
                    "--augment on: largest shift in input pixels (default 10 px at 240 wide,"
                            + " scaled with --input).")
    Double shift;

    @Option(
            names = "--jitter",
            defaultValue = "0.2",
            description =
                    "--augment on: brightness and contrast jitter, 0..1 (default ${DEFAULT-VALUE}).")
    double jitter;

    @Option(
            names = "--flip",
            defaultValue = "on",
            description = "--augment on: random horizontal flip, on or off (default on).")
    String flip;

    @Option(
            names = "--threads",
            description =
                    "CPU threads for the engine (default: the launcher's KEYPOINTS_THREADS, else all cores).")
    Integer threads;

    @Option(names = "--json", description = "Print a JSON summary as the last line.")
    boolean json;

    @Spec CommandSpec commandSpec;

    @Override
    public Integer call() throws Exception {
        if (threads != null) {
            EngineSetup.threads(threads);
        }
        EngineSetup.requireEngine(engine);
        String arch = architecture(model);
        boolean augmenting = onOff("--augment", augment);
        LoadedDataset loaded = load(data, format);
        LandmarkScheme dataScheme = loaded.samples().get(0).keypoints().scheme();
        LandmarkScheme scheme = NoseTipNet.NAME.equals(arch) ? LandmarkScheme.NOSE_TIP : dataScheme;
        int[] wh = input == null ? defaultInput(arch) : parseInput(input);
        Split split = split(loaded, format, data, lastTrainPerson, selectPersons);
        CropPolicy crop = crop(split.format);
        AugmentationPipeline pipeline =
                augmenting
                        ? augmentation(wh[0], rotate, shift, jitter, onOff("--flip", flip))
                        : null;
        System.err.printf(
                Locale.ROOT,
                "train: %s on %d training / %d %s faces at %dx%d, %s, %s, engine %s%n",
                arch,
                split.train.size(),
                split.selection.size(),
                split.selects() ? "selection" : "validation",
                wh[0],
                wh[1],
                scheme,
                pipeline == null ? "no augmentation" : pipeline.augmentation(),
                engine);
        // One cache for every dataset of the run: each photo is decoded and warped once.
        ImageCache cache = ImageCache.inMemory();
        PixelNormalization norm = PixelNormalization.centered();
        if ("dataset".equalsIgnoreCase(normalize)) {
            norm =
                    FaceDatasets.standardization(
                            FaceDatasets.of(
                                    split.train,
                                    scheme,
                                    wh[0],
                                    wh[1],
                                    crop,
                                    norm,
                                    null,
                                    cache,
                                    seed,
                                    batch));
            System.err.printf(
                    Locale.ROOT,
                    "train: inputs standardised with the training images' mean %.4f and std"
                            + " %.4f%n",
                    norm.mean()[0],
                    norm.std()[0]);
        } else if (!"centered".equalsIgnoreCase(normalize)) {
            throw new IllegalArgumentException(
                    "--normalize must be centered or dataset, got '" + normalize + "'");
        }
        KeypointBlock block =
                (KeypointBlock)
                        new TorchDefaultInitializer(seed)
                                .install(ModelZoo.create(arch, 2 * scheme.size()));
        ModelSpec spec =
                ModelSpec.builder()
                        .setBlock(block)
                        .setScheme(scheme)
                        .setInputSize(wh[0], wh[1])
                        .optCrop(crop)
                        .optNormalization(norm)
                        .optEngine(engine)
                        .optProvenance(
                                Map.of(
                                        "split",
                                        split.description,
                                        "data_format",
                                        split.format.name(),
                                        "pretrained",
                                        pretrained == null
                                                ? "none"
                                                : pretrained.getFileName().toString(),
                                        "augmentation",
                                        pipeline == null
                                                ? "none"
                                                : pipeline.augmentation().toString()))
                        .build();
        Path run = out == null ? Path.of("runs", arch + "-seed" + seed) : out;
        try (NDManager weights = PretrainedWeights.importInto(block, pretrained, engine, wh)) {
            return train(scheme, wh, split, loaded, pipeline, cache, block, spec, run);
        }
    }

    private Integer train(
            LandmarkScheme scheme,
            int[] wh,
            Split split,
            LoadedDataset loaded,
            AugmentationPipeline pipeline,
            ImageCache cache,
            KeypointBlock block,
            ModelSpec spec,
            Path run)
            throws Exception {
        FaceLandmarkDataset trainSet =
                FaceDatasets.of(
                        split.train,
                        scheme,
                        wh[0],
                        wh[1],
                        spec.crop(),
                        spec.normalization(),
                        pipeline,
                        cache,
                        seed,
                        batch);
        FaceLandmarkDataset selectSet =
                FaceDatasets.of(
                        split.selection,
                        scheme,
                        wh[0],
                        wh[1],
                        spec.crop(),
                        spec.normalization(),
                        null,
                        cache,
                        seed,
                        batch);
        KeypointTrainer.Builder b =
                KeypointTrainer.builder()
                        .setBlock(block)
                        .setTrainingData(trainSet)
                        .setValidationData(selectSet)
                        .setEpochs(epochs)
                        .setBatchSize(batch)
                        .optLoss(loss(loss, wh[0]))
                        .optSchedule(schedule())
                        .optSeed(seed)
                        .optEngine(engine)
                        .optRunDirectory(run)
                        .optResume(resume)
                        .optKeepBest(keepBest)
                        .optBestBy(BestBy.VAL_MEAN_PX)
                        .optModelSpec(spec)
                        .optProgress(System.err);
        TrainingReport report = b.build().fit();
        EvaluationResult val = report.validation();
        double valLoss = report.reported().valLoss();
        if (split.selects()) {
            // The epochs were chosen on held-out training persons; the validation persons are
            // measured once, on the saved model, exactly as `keypoints evaluate` does.
            Pair<Double, EvaluationResult> r =
                    EvaluateCommand.evaluate(report.model(), loaded, data, format, engine, null);
            val = r.getValue();
            valLoss = r.getKey();
        }
        EvaluateCommand.printFigures(
                System.out,
                val,
                valLoss,
                "validation (epoch " + (report.reported().epoch() + 1) + ")");
        System.out.printf(Locale.ROOT, "model: %s%n", report.model());
        Path md =
                TrainingRunReport.write(
                        run,
                        "keypoints train: " + spec.architecture(),
                        TrainingRunReport.commandLine(commandSpec),
                        report,
                        split.selects() ? "validation (measured once)" : "validation",
                        val,
                        valLoss,
                        split.selects()
                                ? Map.of(
                                        "mean point error on the selection persons (px)",
                                        RunReport.number(report.validation().meanPx(), 2))
                                : Map.of());
        System.out.printf(Locale.ROOT, "report: %s%n", md);
        if (json) {
            JsonSummary j =
                    new JsonSummary()
                            .put("val_mean_px", val.meanPx())
                            .put("val_mae_px", val.maePx())
                            .put("val_nme", val.nme())
                            .put("train_loss", report.reported().trainLoss())
                            .put("val_loss", valLoss);
            if (split.selects()) {
                j.put("select_mean_px", report.validation().meanPx());
            }
            j.put("epochs", report.history().size())
                    .put("report", md.toString())
                    .put("reported_epoch", report.reported().epoch() + 1)
                    .put("seconds", report.seconds())
                    .put("params", report.parameters())
                    .put("model", report.model().toString())
                    .put("engine", engine)
                    .put("seed", seed)
                    .put("augment", pipeline != null)
                    .put("group_mean_px", val.groupMeanPx())
                    .print(System.out);
        }
        return 0;
    }

    /**
     * The keypoints-data augmentation of the reference's Part 2, scaled to the input width: what
     * {@code --augment on} trains with, shared with {@code bench epoch}.
     *
     * @param inputWidth the network input width
     * @param rotate the largest rotation in degrees (0: none)
     * @param shift the largest shift in input pixels, or {@code null} for 10 px at 240 wide
     * @param jitter the brightness and contrast jitter, 0..1 (0: none)
     * @param flip whether to mirror with probability 1/2
     */
    static AugmentationPipeline augmentation(
            int inputWidth, double rotate, Double shift, double jitter, boolean flip) {
        List<Augmentation> steps = new ArrayList<>();
        if (rotate > 0) {
            steps.add(Augmentation.rotation(rotate, Center.IMAGE));
        }
        double shiftPx = shift != null ? shift : 10.0 * inputWidth / 240.0;
        if (shiftPx > 0) {
            steps.add(Augmentation.shift(shiftPx));
        }
        if (jitter > 0) {
            steps.add(Augmentation.colorJitter(jitter, jitter));
        }
        if (flip) {
            steps.add(Augmentation.withProbability(0.5, Augmentation.horizontalFlip()));
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException(
                    "--augment on with --rotate 0, --shift 0, --jitter 0 and --flip off leaves"
                            + " nothing to do; use --augment off");
        }
        return AugmentationPipeline.builder()
                .setAugmentation(Augmentation.sequence(steps.toArray(new Augmentation[0])))
                .build();
    }

    static boolean onOff(String option, String value) {
        if ("on".equalsIgnoreCase(value)) {
            return true;
        }
        if ("off".equalsIgnoreCase(value)) {
            return false;
        }
        throw new IllegalArgumentException(option + " must be on or off, got '" + value + "'");
    }

    /** IMM photos are used whole, as in the reference; other data is cropped to the face box. */
    static CropPolicy crop(DatasetFormat format) {
        return format == DatasetFormat.IMM
                ? CropPolicy.wholeImage()
                : CropPolicy.faceBox(1.3).keepingAspect();
    }

    static String architecture(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (!ModelZoo.architectures().contains(n)) {
            throw new IllegalArgumentException(
                    "--model must be one of " + ModelZoo.architectures() + ", got '" + name + "'");
        }
        return n;
    }

    static int[] defaultInput(String arch) {
        switch (arch) {
            case NoseTipNet.NAME:
                return new int[] {80, 60};
            case Imm58Net.NAME:
                return new int[] {240, 180};
            case ResNet18.NAME:
                return new int[] {224, 224};
            default:
                return new int[] {128, 96};
        }
    }

    private LearningRateSchedule schedule() {
        if (lrDrop != null && cosine != null) {
            throw new IllegalArgumentException("use either --lr-drop or --cosine, not both");
        }
        if (lrDrop != null) {
            return LearningRateSchedule.parseDrops(lr, lrDrop);
        }
        if (cosine != null) {
            return LearningRateSchedule.cosine(lr, cosine);
        }
        return LearningRateSchedule.fixed(lr);
    }

    static Loss loss(String name, int inputWidth) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "mse":
                return new MseLoss(MseLoss.Reduction.MEAN);
            case "mse-sum":
                return new MseLoss(MseLoss.Reduction.SUM);
            case "l1":
                return new L1KeypointLoss();
            case "wing":
                return WingLoss.builder().optScale(inputWidth).build();
            default:
                throw new IllegalArgumentException(
                        "--loss must be mse, mse-sum, l1 or wing, got '" + name + "'");
        }
    }

    static int[] parseInput(String s) {
        String[] p = s.toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length != 2) {
                throw new NumberFormatException();
            }
            int w = Integer.parseInt(p[0].trim());
            int h = Integer.parseInt(p[1].trim());
            if (w < 8 || h < 8) {
                throw new NumberFormatException();
            }
            return new int[] {w, h};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--input must be WIDTHxHEIGHT with both at least 8, such as 80x60; got '"
                            + s
                            + "'");
        }
    }

    static LoadedDataset load(Path data, String format) throws java.io.IOException {
        DatasetLoader.Builder b = DatasetLoader.builder().setPath(data);
        if (format != null) {
            b.optFormat(DatasetFormat.parse(format));
        }
        LoadedDataset loaded = b.build().load();
        if (loaded.samples().isEmpty()) {
            throw new IllegalArgumentException(data + ": no annotated faces found");
        }
        return loaded;
    }

    /**
     * A split and how it was made: the network trains on {@code train}, epochs are measured (and
     * with --keep-best chosen) on {@code selection}, and {@code validation} is what the reported
     * figures are; without --select-persons the selection set is the validation set.
     */
    record Split(
            List<FaceSample> train,
            List<FaceSample> selection,
            List<FaceSample> validation,
            DatasetFormat format,
            String description) {
        boolean selects() {
            return selection != validation;
        }
    }

    static Split split(
            LoadedDataset loaded, String format, Path data, int lastTrainPerson, int select)
            throws java.io.IOException {
        DatasetFormat f = format == null ? DatasetFormat.detect(data) : DatasetFormat.parse(format);
        if (f == DatasetFormat.IMM) {
            ImmSplit s = ImmSplit.byPerson(loaded.samples(), lastTrainPerson);
            if (select <= 0) {
                return new Split(
                        s.train(),
                        s.validation(),
                        s.validation(),
                        f,
                        "imm-person<=" + lastTrainPerson);
            }
            if (select >= lastTrainPerson) {
                throw new IllegalArgumentException(
                        "--select-persons must be below --last-train-person ("
                                + lastTrainPerson
                                + "), got "
                                + select);
            }
            ImmSplit t = ImmSplit.byPerson(s.train(), lastTrainPerson - select);
            return new Split(
                    t.train(),
                    t.validation(),
                    s.validation(),
                    f,
                    "imm-person<=" + lastTrainPerson + ";select>" + (lastTrainPerson - select));
        }
        if (select > 0) {
            throw new IllegalArgumentException("--select-persons applies to IMM data only");
        }
        List<FaceSample> train = new ArrayList<>();
        List<FaceSample> val = new ArrayList<>();
        for (int i = 0; i < loaded.samples().size(); i++) {
            (i % 5 == 4 ? val : train).add(loaded.samples().get(i));
        }
        return new Split(train, val, val, f, "every-5th");
    }
}
