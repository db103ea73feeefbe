package io.github.keypoints.examples;

import ai.djl.ndarray.NDManager;
import ai.djl.util.Pair;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.format.PixelOrigin;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.load.FaceSplit;
import io.github.keypoints.data.load.LoadedDataset;
import io.github.keypoints.data.load.SplitRule;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.train.BestBy;
import io.github.keypoints.train.EarlyStopping;
import io.github.keypoints.train.EvaluationResult;
import io.github.keypoints.train.KeypointTrainer;
import io.github.keypoints.train.KeypointTrainingListener;
import io.github.keypoints.train.LandmarkRecipe;
import io.github.keypoints.train.LearningRateSchedule;
import io.github.keypoints.train.TrainedModel;
import io.github.keypoints.train.TrainingJobs;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
            "The settings come from a library recipe (LandmarkRecipe): --recipe names one, else"
                    + " --model NAME trains the reference's Part 1 settings with that network at"
                    + " its own input (LandmarkRecipe.reference). Every other option changes one"
                    + " setting of the recipe.",
            "IMM data is split by person (1-32 train, 33-40 validation) unless --last-train-person"
                    + " says otherwise; other data keeps every 5th sample for validation.",
            "Writes history.csv, loss-curve.png, gallery.png, filters.png, checkpoints/ and the"
                    + " model directory model/ (reloads with no other arguments) into --out."
        })
public final class TrainCommand implements Callable<Integer> {

    @Option(
            names = "--recipe",
            description =
                    "nose-tip, imm58-reference, imm58-improved, ibug68 or ibug68-small (default:"
                            + " the reference settings for --model).")
    String recipeName;

    @Option(
            names = "--model",
            description =
                    "Architecture: nose-tip, imm58, resnet18, heatmap or landmark-cnn (required"
                            + " without --recipe; with it, replaces the recipe's network).")
    String model;

    @Option(names = "--data", required = true, description = "Dataset folder or file.")
    Path data;

    @Option(names = "--format", description = "imm, pts or xml (detected when omitted).")
    String format;

    @Mixin PtsOriginOption ptsOrigin;

    @Option(
            names = "--input",
            description = "Network input WxH (default: the recipe's; nose-tip 80x60).")
    String input;

    @Option(names = "--epochs", description = "Epochs (default: the recipe's; nose-tip 25).")
    Integer epochs;

    @Option(names = "--batch", description = "Batch size (default: the recipe's; nose-tip 15).")
    Integer batch;

    @Option(
            names = "--lr",
            description = "Adam's starting learning rate (default: the recipe's; nose-tip 1e-3).")
    Float lr;

    @Option(
            names = "--lr-drop",
            description = "Learning-rate drops EPOCH:LR[,EPOCH:LR] (epochs from 0).")
    String lrDrop;

    @Option(names = "--cosine", description = "Cosine-anneal the learning rate down to this value.")
    Float cosine;

    @Option(
            names = "--loss",
            description = "mse, mse-sum, l1 or wing (default: the recipe's; nose-tip mse).")
    String loss;

    @Option(
            names = "--augment",
            description = "on or off (default: the recipe's; nose-tip off, imm58-* on).")
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
            names = "--patience",
            paramLabel = "N",
            description =
                    "Stop once the mean point error on the epoch-choosing faces has not improved"
                            + " for N epochs (early stopping; off by default).")
    Integer patience;

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
            description =
                    "centered (pixel/255 - 0.5, the reference) or dataset (standardised with the"
                            + " training images' mean and std) (default: the recipe's; nose-tip"
                            + " centered).")
    String normalize;

    @Option(
            names = "--pretrained",
            description =
                    "resnet18: start from torchvision's ImageNet weights in this .npz (see"
                            + " docs/models.md for the one-line export); conv1 is summed over RGB.")
    Path pretrained;

    @Option(
            names = "--rotate",
            description =
                    "Augmentation: largest rotation in degrees (default: the recipe's; the"
                            + " reference 15).")
    Double rotate;

    @Option(
            names = "--shift",
            description =
                    "Augmentation: largest shift in input pixels (default: the recipe's; the"
                            + " reference 10 px at 240 wide, scaled with --input).")
    Double shift;

    @Option(
            names = "--jitter",
            description =
                    "Augmentation: brightness and contrast jitter, 0..1 (default: the recipe's;"
                            + " the reference 0.2).")
    Double jitter;

    @Option(
            names = "--flip",
            description =
                    "Augmentation: random horizontal flip, on or off (default: the recipe's; the"
                            + " reference on).")
    String flip;

    @Option(
            names = "--threads",
            description =
                    "CPU threads for PyTorch (default: the launcher's KEYPOINTS_THREADS, else all"
                            + " cores); MXNet takes OMP_NUM_THREADS, which the launcher sets from"
                            + " KEYPOINTS_THREADS.")
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
        LoadedDataset loaded = load(data, format, ptsOrigin.origin());
        DatasetFormat dataFormat =
                format == null ? DatasetFormat.detect(data) : DatasetFormat.parse(format);
        SplitRule rule = splitRule(dataFormat, lastTrainPerson, selectPersons);
        FaceSplit split = rule.apply(loaded.samples());
        LandmarkRecipe recipe = recipe(dataFormat);
        AugmentationPipeline pipeline = recipe.augmentation();
        System.err.printf(
                Locale.ROOT,
                "train: %s on %d training / %d %s faces, engine %s%n",
                recipe,
                split.train().size(),
                split.selection().size(),
                split.selects() ? "selection" : "validation",
                engine);
        // One cache for every dataset of the run: each photo is decoded and warped once.
        ImageCache cache = ImageCache.inMemory();
        PixelNormalization norm = recipe.normalization(split.train(), cache);
        if (recipe.standardizes()) {
            System.err.printf(
                    Locale.ROOT,
                    "train: inputs standardised with the training images' mean %.4f and std"
                            + " %.4f%n",
                    norm.mean()[0],
                    norm.std()[0]);
        }
        FaceLandmarkDataset trainSet = recipe.trainingSet(split.train(), cache, norm, seed);
        FaceLandmarkDataset selectSet = recipe.evaluationSet(split.selection(), cache, norm);
        LandmarkScheme scheme = trainSet.scheme();
        KeypointBlock block = recipe.newBlock(scheme, seed);
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put(SplitRule.PROVENANCE_KEY, rule.toString());
        provenance.put("data_format", dataFormat.name());
        if (dataFormat == DatasetFormat.PTS) {
            provenance.put("pts_origin", ptsOrigin.origin().name());
        }
        provenance.put(
                "pretrained", pretrained == null ? "none" : pretrained.getFileName().toString());
        provenance.put(
                "augmentation", pipeline == null ? "none" : pipeline.augmentation().toString());
        ModelSpec spec = recipe.modelSpec(block, scheme, norm, engine, provenance);
        Path run = out == null ? Path.of("runs", recipe.architecture() + "-seed" + seed) : out;
        int[] wh = {recipe.inputWidth(), recipe.inputHeight()};
        try (NDManager weights = PretrainedWeights.importInto(block, pretrained, engine, wh)) {
            return train(recipe, split, loaded, trainSet, selectSet, block, spec, run);
        }
    }

    /**
     * The recipe this command line trains: {@code --recipe} (else the reference settings for {@code
     * --model}) with every given option applied, for data of the given format.
     */
    LandmarkRecipe recipe(DatasetFormat dataFormat) {
        LandmarkRecipe base;
        if (recipeName != null) {
            base = LandmarkRecipe.named(recipeName.toLowerCase(Locale.ROOT));
        } else if (model != null) {
            base = LandmarkRecipe.reference(architecture(model));
        } else {
            throw new IllegalArgumentException(
                    "give --recipe " + String.join("|", LandmarkRecipe.names()) + " or --model");
        }
        LandmarkRecipe.Builder b = base.toBuilder();
        if (recipeName != null && model != null) {
            String arch = architecture(model);
            if (!arch.equals(base.architecture())) {
                b.optArchitecture(arch, Map.of());
            }
        }
        int width = base.inputWidth();
        if (input != null) {
            int[] wh = parseInput(input);
            b.optInputSize(wh[0], wh[1]);
            width = wh[0];
        }
        if (epochs != null) {
            b.optEpochs(epochs);
        }
        if (batch != null) {
            b.optBatchSize(batch);
        }
        if (loss != null) {
            b.optLoss(lossKind(loss));
        }
        b.optSchedule(schedule(base.schedule()));
        boolean augmenting = augment != null ? onOff("--augment", augment) : base.augments();
        b.optAugment(augmenting);
        if (rotate != null) {
            b.optRotation(rotate);
        }
        if (shift != null) {
            b.optShift(shift / width);
        }
        if (jitter != null) {
            b.optJitter(jitter);
        }
        if (flip != null) {
            b.optFlip(onOff("--flip", flip));
        }
        if (normalize != null) {
            if (!"dataset".equalsIgnoreCase(normalize) && !"centered".equalsIgnoreCase(normalize)) {
                throw new IllegalArgumentException(
                        "--normalize must be centered or dataset, got '" + normalize + "'");
            }
            b.optStandardize("dataset".equalsIgnoreCase(normalize));
        }
        LandmarkRecipe recipe = b.build();
        if (augmenting && recipe.augmentation() == null) {
            throw new IllegalArgumentException(
                    "--augment on with --rotate 0, --shift 0, --jitter 0 and --flip off leaves"
                            + " nothing to do; use --augment off");
        }
        return recipe.forFormat(dataFormat);
    }

    private Integer train(
            LandmarkRecipe recipe,
            FaceSplit split,
            LoadedDataset loaded,
            FaceLandmarkDataset trainSet,
            FaceLandmarkDataset selectSet,
            KeypointBlock block,
            ModelSpec spec,
            Path run)
            throws Exception {
        KeypointTrainer.Builder b =
                recipe.trainer(block, trainSet, selectSet)
                        .optSeed(seed)
                        .optEngine(engine)
                        .optRunDirectory(run)
                        .optResume(resume)
                        .optKeepBest(keepBest)
                        .optJobMaker(resumes -> jobs(run, resumes))
                        .optBestBy(BestBy.VAL_MEAN_PX)
                        .optModelSpec(spec)
                        .optDataSource(data + " (" + format + ")")
                        .optProgress(System.err);
        SplitRule.fromProvenance(spec.provenance()).ifPresent(b::optSplit);
        try (TrainedModel report = b.build().fit()) {
            return report(report, split, loaded, spec, run);
        }
    }

    private int report(
            TrainedModel report, FaceSplit split, LoadedDataset loaded, ModelSpec spec, Path run)
            throws Exception {
        Path modelDir = report.directory().orElseThrow();
        EvaluationResult val = report.validation();
        double valLoss = report.reported().valLoss();
        if (split.selects()) {
            // The epochs were chosen on held-out training persons; the validation persons are
            // measured once, on the saved model, exactly as `keypoints evaluate` does.
            Pair<Double, EvaluationResult> r =
                    EvaluateCommand.evaluate(modelDir, loaded, data, format, engine, null);
            val = r.getValue();
            valLoss = r.getKey();
        }
        EvaluateCommand.printFigures(
                System.out,
                val,
                valLoss,
                "validation (epoch " + (report.reported().epoch() + 1) + ")");
        System.out.printf(Locale.ROOT, "model: %s%n", modelDir);
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
                    .put("model", modelDir.toString())
                    .put("engine", engine)
                    .put("seed", seed)
                    .put(
                            "augment",
                            report.provenance()
                                    .recipe()
                                    .map(r -> r.augmentation() != null)
                                    .orElse(false))
                    .put("group_mean_px", val.groupMeanPx())
                    .print(System.out);
        }
        return 0;
    }

    /**
     * The standard side jobs of the run folder, with early stopping when asked for; made again,
     * resuming, when the trainer repeats an epoch after a corrupted step.
     */
    private List<KeypointTrainingListener> jobs(Path run, boolean resumes) {
        List<KeypointTrainingListener> jobs = TrainingJobs.standard(run, resumes, true);
        if (patience != null) {
            if (patience < 1) {
                throw new IllegalArgumentException(
                        "--patience must be at least 1, got " + patience);
            }
            jobs.add(new EarlyStopping(BestBy.VAL_MEAN_PX, patience, 0));
        }
        return jobs;
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

    static String architecture(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (!ModelZoo.architectures().contains(n)) {
            throw new IllegalArgumentException(
                    "--model must be one of " + ModelZoo.architectures() + ", got '" + name + "'");
        }
        return n;
    }

    private LearningRateSchedule schedule(LearningRateSchedule recipes) {
        if (lrDrop != null && cosine != null) {
            throw new IllegalArgumentException("use either --lr-drop or --cosine, not both");
        }
        float start = lr != null ? lr : recipes.baseRate();
        if (lrDrop != null) {
            return LearningRateSchedule.parseDrops(start, lrDrop);
        }
        if (cosine != null) {
            return LearningRateSchedule.cosine(start, cosine);
        }
        return lr != null ? recipes.withBaseRate(lr) : recipes;
    }

    static LandmarkRecipe.LossKind lossKind(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "mse" -> LandmarkRecipe.LossKind.MSE;
            case "mse-sum" -> LandmarkRecipe.LossKind.MSE_SUM;
            case "l1" -> LandmarkRecipe.LossKind.L1;
            case "wing" -> LandmarkRecipe.LossKind.WING;
            default ->
                    throw new IllegalArgumentException(
                            "--loss must be mse, mse-sum, l1 or wing, got '" + name + "'");
        };
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
        return load(data, format, PixelOrigin.ONE_BASED);
    }

    static LoadedDataset load(Path data, String format, PixelOrigin ptsOrigin)
            throws java.io.IOException {
        DatasetLoader.Builder b = DatasetLoader.builder().setPath(data).optPtsOrigin(ptsOrigin);
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
     * The split of the command line: IMM data by person ({@code --last-train-person}, with {@code
     * --select-persons} held out to choose the epoch), other data every 5th face.
     */
    static SplitRule splitRule(DatasetFormat format, int lastTrainPerson, int select) {
        if (format == DatasetFormat.IMM) {
            if (select >= lastTrainPerson) {
                throw new IllegalArgumentException(
                        "--select-persons must be below --last-train-person ("
                                + lastTrainPerson
                                + "), got "
                                + select);
            }
            return SplitRule.immPersons(lastTrainPerson, Math.max(0, select));
        }
        if (select > 0) {
            throw new IllegalArgumentException("--select-persons applies to IMM data only");
        }
        return new SplitRule.EveryNthSample(5);
    }
}
