package io.github.keypoints.examples;

import ai.djl.ndarray.NDManager;
import ai.djl.util.Pair;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.format.PixelOrigin;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.load.FaceSplit;
import io.github.keypoints.data.load.LoadedDataset;
import io.github.keypoints.data.load.PhotoSplit;
import io.github.keypoints.data.load.SplitRule;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.LandmarkCnn;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.inference.FlipOffsetFit;
import io.github.keypoints.train.BestBy;
import io.github.keypoints.train.Checkpoint;
import io.github.keypoints.train.CheckpointSaver;
import io.github.keypoints.train.EpochRecord;
import io.github.keypoints.train.EvaluationResult;
import io.github.keypoints.train.KeypointTrainer;
import io.github.keypoints.train.LandmarkRecipe;
import io.github.keypoints.train.TrainedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Trains the 68-point landmarker ({@link LandmarkRecipe#ibug68()}, or that recipe with options
 * changed) on folders of images with {@code .pts} files, picks the epoch on held-out training
 * photos, and measures the saved model on a test folder that played no part in training.
 */
@Command(
        name = "train-300w",
        mixinStandardHelpOptions = true,
        description = {
            "Train the 68-point landmarker on folders of images + .pts (300-W face crops), choose"
                    + " the epoch on held-out training photos (every --holdout-th photo), and,"
                    + " with --test, report NME (by the scheme's normaliser points, for 68 points"
                    + " the outer eye corners 36/45; tight ground-truth box),"
                    + " mean px and MAE on a test folder that is never trained or tuned on. The"
                    + " default recipe is LandmarkRecipe.ibug68() (--recipe ibug68-small: the"
                    + " same with 16 base channels, a faster landmarker); every option below"
                    + " changes one ingredient. Saves the model directory model/ for predict and"
                    + " evaluate.",
            "Example: ./keypoints train-300w --data ../shared/data/ibug_300w_train"
                    + " --test ../shared/data/ibug_300w_sample/helen/testset --out runs/300w --json"
        })
final class Train300wCommand implements Callable<Integer> {

    /**
     * The provenance key that names the audit half of the held-out photos, with {@code --audit}.
     */
    static final String AUDIT_KEY = "audit";

    @Option(
            names = "--data",
            required = true,
            description = "Folder of images + .pts, searched recursively; repeat for more.")
    List<Path> data;

    @Mixin PtsOriginOption ptsOrigin;

    @Option(
            names = "--test",
            description = "Folder of images + .pts measured once on the saved model.")
    Path test;

    @Option(
            names = "--recipe",
            defaultValue = "ibug68",
            description =
                    "ibug68 (default) or ibug68-small (16 base channels instead of 32: a quarter"
                            + " of the parameters, a faster landmarker).")
    String recipeName;

    @Option(
            names = "--holdout",
            defaultValue = "10",
            description =
                    "Hold out every N-th training photo (all its faces) to choose the epoch"
                            + " (default ${DEFAULT-VALUE}).")
    int holdout;

    @Option(
            names = "--audit",
            description =
                    "Keep every second held-out photo (all its faces) out of the epoch choice and"
                            + " measure the chosen model on those faces once, at the end"
                            + " (audit_nme): a held-out figure that did not choose its own epoch."
                            + " Off by default (all held-out photos choose the epoch).")
    boolean audit;

    @Option(
            names = "--resume",
            description =
                    "Continue the run in --out from its last checkpoint (after a stop, a kill or"
                            + " a crash) with the same data, recipe, seed and engine; a checkpoint"
                            + " of other settings is refused, naming the first difference.")
    boolean resume;

    @Option(
            names = "--model",
            description =
                    "Network from the model zoo (default: the recipe's heatmap network; the"
                            + " landmark-cnn options below imply landmark-cnn).")
    String model;

    @Option(
            names = "--channels",
            split = ",",
            description = "landmark-cnn: filters per stage, such as 32,64,128,256,512.")
    int[] channels;

    @Option(names = "--convs", description = "landmark-cnn: convolutions per stage.")
    Integer convs;

    @Option(names = "--hidden", description = "landmark-cnn: hidden fully connected units.")
    Integer hidden;

    @Option(names = "--dropout", description = "landmark-cnn: dropout after the hidden layer.")
    Double dropout;

    @Option(
            names = "--net",
            description =
                    "Any builder parameter of the network as KEY=VALUE (repeatable): changes"
                            + " the recipe's own network one parameter at a time (such as"
                            + " baseChannels=24); with --model, the named network starts from its"
                            + " builder's defaults (such as --model heatmap --net"
                            + " outputStride=4).")
    Map<String, String> net;

    @Option(names = "--input", description = "Square input side in pixels.")
    Integer input;

    @Option(names = "--margin", description = "Growth of the tight point box that is cropped.")
    Double margin;

    @Option(names = "--context", description = "Context kept around crops (fraction of input).")
    Double context;

    @Option(names = "--rotate", description = "Largest rotation in degrees (0: off).")
    Double rotate;

    @Option(names = "--scale", description = "Scale jitter MIN:MAX, such as 0.9:1.1 (1:1: off).")
    String scale;

    @Option(names = "--shift", description = "Largest shift, fraction of the input side (0: off).")
    Double shift;

    @Option(names = "--flip", description = "Random mirror with the 68-point renumbering: on/off.")
    String flip;

    @Option(names = "--jitter", description = "Brightness/contrast jitter 0..1 (0: off).")
    Double jitter;

    @Option(names = "--loss", description = "wing, mse or l1.")
    String loss;

    @Option(names = "--lr", description = "Adam's starting learning rate.")
    Float lr;

    @Option(names = "--final-lr", description = "Where the cosine schedule ends (= --lr: fixed).")
    Float finalLr;

    @Option(names = "--epochs", description = "Epochs.")
    Integer epochs;

    @Option(
            names = "--weight-average",
            paramLabel = "DECAY",
            description =
                    "Keep an exponential moving average of the weights with this decay per step"
                            + " (such as 0.998): the epoch is chosen, and the model saved, from the"
                            + " average; off by default. Until about 10/(1-DECAY) steps a warm-up"
                            + " sets the decay (the log says when that is the whole run).")
    Float weightAverage;

    @Option(names = "--batch", description = "Batch size.")
    Integer batch;

    @Option(names = "--normalize", description = "dataset (standardise) or centered.")
    String normalize;

    @Option(
            names = "--pretrained",
            description =
                    "resnet18: start from torchvision's ImageNet weights in this .npz (conv1 summed"
                            + " over RGB).")
    Path pretrained;

    @Option(
            names = "--engine",
            defaultValue = "MXNet",
            description = "PyTorch or MXNet (default ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--threads",
            description =
                    "CPU threads for PyTorch; MXNet takes OMP_NUM_THREADS, which the launcher sets"
                            + " from KEYPOINTS_THREADS.")
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
        LandmarkRecipe recipe = recipe();
        List<FaceSample> all = new ArrayList<>();
        for (Path d : data) {
            all.addAll(load(d, ptsOrigin.origin()));
        }
        SplitRule rule = new SplitRule.EveryNthPhoto(holdout, 0);
        FaceSplit split = rule.apply(all);
        List<FaceSample> choosing = split.validation();
        List<FaceSample> auditFaces = List.of();
        if (audit) {
            PhotoSplit halves = auditHalves(split.validation());
            choosing = halves.train();
            auditFaces = halves.heldOut();
        }
        List<FaceSample> testFaces = test == null ? List.of() : load(test, ptsOrigin.origin());
        System.err.printf(
                Locale.ROOT,
                "train-300w: %d faces from %s: %d train, %d held out (every %d-th photo) to choose"
                        + " the epoch%s; %s; engine %s, seed %d%n",
                all.size(),
                data,
                split.train().size(),
                choosing.size(),
                holdout,
                audit ? ", " + auditFaces.size() + " more held out to audit the choice" : "",
                recipe,
                engine,
                seed);
        long t0 = System.nanoTime();
        ImageCache cache = ImageCache.inMemory();
        PixelNormalization norm = recipe.normalization(split.train(), cache);
        FaceLandmarkDataset trainSet = recipe.trainingSet(split.train(), cache, norm, seed);
        FaceLandmarkDataset selectSet = recipe.evaluationSet(choosing, cache, norm);
        LandmarkScheme scheme = trainSet.scheme();
        KeypointBlock block = recipe.newBlock(scheme, seed);
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("data", data.toString());
        provenance.put(SplitRule.PROVENANCE_KEY, rule.toString());
        provenance.put("pts_origin", ptsOrigin.origin().name());
        if (audit) {
            provenance.put(
                    AUDIT_KEY,
                    "every 2nd held-out photo from 1 ("
                            + auditFaces.size()
                            + " faces), not used to choose the epoch");
        }
        provenance.put(
                "pretrained", pretrained == null ? "none" : pretrained.getFileName().toString());
        ModelSpec spec = recipe.modelSpec(block, scheme, norm, engine, provenance);
        int[] wh = {recipe.inputWidth(), recipe.inputHeight()};
        if (resume) {
            Map<String, String> same = new LinkedHashMap<>(spec.provenance());
            same.put("seed", Long.toString(seed));
            same.put("engine", engine);
            checkResumable(out, same);
        }
        TrainedModel report;
        try (NDManager weights = PretrainedWeights.importInto(block, pretrained, engine, wh)) {
            report =
                    recipe.trainer(block, trainSet, selectSet)
                            .optSeed(seed)
                            .optEngine(engine)
                            .optRunDirectory(out)
                            .optResume(resume)
                            .optKeepBest(true)
                            .optWeightAverage(weightAverage == null ? 0f : weightAverage)
                            .optBestBy(BestBy.VAL_NME)
                            .optModelSpec(spec)
                            .optDataSource(data.toString())
                            .optSplit(rule)
                            .optProgress(System.err)
                            .build()
                            .fit();
        }
        try (report) {
            return report(report, t0, split, choosing, auditFaces, scheme, recipe, out, testFaces);
        }
    }

    private int report(
            TrainedModel report,
            long t0,
            FaceSplit split,
            List<FaceSample> choosing,
            List<FaceSample> auditFaces,
            LandmarkScheme scheme,
            LandmarkRecipe recipe,
            Path out,
            List<FaceSample> testFaces)
            throws Exception {
        double seconds = (System.nanoTime() - t0) / 1e9;
        EpochRecord chosen = report.reported();
        Path modelDir = report.directory().orElseThrow();
        System.out.printf(
                Locale.ROOT,
                "held-out training photos (%d faces%s): NME %.4f, mean %.2f px at epoch %d of %d;"
                        + " %.0f s%n",
                choosing.size(),
                audit ? ", the half that chose the epoch" : "",
                report.validation().nme(),
                report.validation().meanPx(),
                chosen.epoch() + 1,
                report.history().size(),
                seconds);
        Map<String, String> testRows = new LinkedHashMap<>();
        EvaluationResult auditResult = null;
        EvaluationResult auditLast = null;
        EpochRecord lastEpoch = null;
        if (audit) {
            auditResult = measured(modelDir, auditFaces, recipe);
            System.out.printf(
                    Locale.ROOT,
                    "held-out training photos (%d faces, the half that did not choose the epoch):"
                            + " NME %.4f, mean %.2f px%n",
                    auditResult.count(),
                    auditResult.nme(),
                    auditResult.meanPx());
            testRows.put(
                    "audit faces (held out, not choosing the epoch)", "" + auditResult.count());
            testRows.put("audit NME " + normaliser(scheme), RunReport.number(auditResult.nme(), 4));
            testRows.put("audit mean point error (px)", RunReport.number(auditResult.meanPx(), 2));
            Path last = out.resolve(CheckpointSaver.DIRECTORY).resolve(CheckpointSaver.LAST);
            if (Files.isDirectory(last)) {
                // Whether choosing the epoch gains anything over keeping the last one, measured
                // on faces that did not choose it. The epoch is the checkpoint's own last record:
                // an epoch with a non-finite loss is in the run's history but never checkpointed.
                List<EpochRecord> saved = Checkpoint.load(last).history();
                lastEpoch = saved.get(saved.size() - 1);
                auditLast = measured(last, auditFaces, recipe);
                System.out.printf(
                        Locale.ROOT,
                        "the last epoch (%d): NME %.4f on the half that chose the epoch, %.4f on"
                                + " the audit half%n",
                        lastEpoch.epoch() + 1,
                        lastEpoch.valNme(),
                        auditLast.nme());
                testRows.put(
                        "audit NME of the last epoch (" + (lastEpoch.epoch() + 1) + ")",
                        RunReport.number(auditLast.nme(), 4));
            }
        }
        FlipOffsetFit flipFit = null;
        if (recipe.flips()) {
            // Mirrored training cannot learn the side annotators lean to; flip-averaged
            // predictions get it back from the faces that chose the epoch (FlipOffsetFit).
            flipFit = FitFlipOffsetCommand.fit(modelDir, engine, choosing);
            FitFlipOffsetCommand.write(modelDir, flipFit, "held-out faces that chose the epoch");
            System.out.printf(
                    Locale.ROOT,
                    "flip averaging: offset %.4f input px, fitted on the %d held-out faces that"
                            + " chose the epoch%n",
                    flipFit.offsetX(),
                    flipFit.faces());
            testRows.put(
                    "flip-averaging offset (input px, fitted on the held-out faces)",
                    RunReport.number(flipFit.offsetX(), 4));
        }
        EvaluationResult testResult = null;
        EvaluationResult testFlip = null;
        if (test != null) {
            Pair<Double, EvaluationResult> r =
                    EvaluateCommand.evaluate(modelDir, testFaces, engine, recipe.batchSize());
            testResult = r.getValue();
            String nme = "NME " + normaliser(scheme);
            System.out.printf(
                    Locale.ROOT,
                    "%s (%d faces, tight ground-truth box): %s %.4f, mean %.2f px, MAE %.2f px%n",
                    test,
                    testResult.count(),
                    nme,
                    testResult.nme(),
                    testResult.meanPx(),
                    testResult.maePx());
            testRows.put("test faces (" + test.getFileName() + ")", "" + testResult.count());
            testRows.put("test " + nme, RunReport.number(testResult.nme(), 4));
            testRows.put("test mean point error (px)", RunReport.number(testResult.meanPx(), 2));
            testRows.put("test MAE (px)", RunReport.number(testResult.maePx(), 2));
            if (flipFit != null) {
                testFlip = EvaluateCommand.throughDetector(modelDir, engine, true, testFaces);
                System.out.printf(
                        Locale.ROOT,
                        "%s with flip averaging and its offset: %s %.4f, mean %.2f px%n",
                        test,
                        nme,
                        testFlip.nme(),
                        testFlip.meanPx());
                testRows.put(
                        "test " + nme + ", flip-averaged", RunReport.number(testFlip.nme(), 4));
            }
        }
        System.out.println("model: " + modelDir);
        Path md =
                TrainingRunReport.write(
                        out,
                        "keypoints train-300w: " + recipe.architecture() + ", 68 points",
                        TrainingRunReport.commandLine(commandSpec),
                        report,
                        "held-out training photos",
                        report.validation(),
                        chosen.valLoss(),
                        testRows);
        System.out.println("report: " + md);
        if (json) {
            JsonSummary j = new JsonSummary();
            if (testResult != null) {
                j.put("test_nme", testResult.nme())
                        .put("test_mean_px", testResult.meanPx())
                        .put("test_mae_px", testResult.maePx())
                        .put("test_faces", testResult.count());
            }
            if (flipFit != null) {
                j.put("flip_offset_x", flipFit.offsetX());
            }
            if (testFlip != null) {
                j.put("test_nme_flip", testFlip.nme()).put("test_mean_px_flip", testFlip.meanPx());
            }
            if (auditResult != null) {
                j.put("audit_nme", auditResult.nme())
                        .put("audit_mean_px", auditResult.meanPx())
                        .put("audit_faces", auditResult.count());
            }
            if (auditLast != null) {
                j.put("audit_last_nme", auditLast.nme())
                        .put("val_last_nme", lastEpoch.valNme())
                        .put("last_epoch", lastEpoch.epoch() + 1);
            }
            j.put("val_nme", report.validation().nme())
                    .put("val_mean_px", report.validation().meanPx())
                    .put("val_faces", report.validation().count())
                    .put("train_faces", split.train().size())
                    .put("epoch", chosen.epoch() + 1)
                    .put("epochs", report.history().size())
                    .put("train_loss", chosen.trainLoss())
                    .put("engine", engine)
                    .put("seed", seed)
                    .put("params", report.parameters())
                    .put("recipe", recipe.toString())
                    .put("report", md.toString())
                    .put("model", modelDir.toString())
                    .put("seconds", seconds)
                    .print(System.out);
        }
        return 0;
    }

    /** The recipe --recipe names (the default one unless given) with every other option applied. */
    LandmarkRecipe recipe() {
        if (!recipeNames().contains(recipeName)) {
            throw new IllegalArgumentException(
                    "--recipe: expected one of " + recipeNames() + ", found '" + recipeName + "'");
        }
        LandmarkRecipe chosen = LandmarkRecipe.named(recipeName);
        LandmarkRecipe.Builder b = chosen.toBuilder();
        if (model != null
                || channels != null
                || convs != null
                || hidden != null
                || dropout != null
                || net != null) {
            boolean cnnOptions =
                    channels != null || convs != null || hidden != null || dropout != null;
            String name =
                    model != null
                            ? TrainCommand.architecture(model)
                            : cnnOptions ? LandmarkCnn.NAME : chosen.architecture();
            // Without --model, --net changes the recipe's own network one parameter at a time;
            // a network named by --model (or the landmark-cnn options) starts from its builder's
            // defaults, as the ablation commands in docs/results-300w.md assume.
            Map<String, Object> config =
                    model == null && !cnnOptions
                            ? new LinkedHashMap<>(chosen.architectureConfig())
                            : new LinkedHashMap<>();
            if (net != null) {
                net.forEach((k, v) -> config.put(k, number(k, v)));
            }
            if (channels != null) {
                List<Integer> c = new ArrayList<>();
                for (int v : channels) {
                    c.add(v);
                }
                config.put("channels", c);
            }
            if (convs != null) {
                config.put("convsPerStage", convs);
            }
            if (hidden != null) {
                config.put("hidden", hidden);
            }
            if (dropout != null) {
                config.put("dropout", dropout);
            }
            b.optArchitecture(name, config);
        }
        if (input != null) {
            b.optInputSize(input);
        }
        if (margin != null) {
            b.optMargin(margin);
        }
        if (context != null) {
            b.optContext(context);
        }
        if (rotate != null) {
            b.optRotation(rotate);
        }
        if (scale != null) {
            String[] p = scale.split(":");
            if (p.length != 2) {
                throw new IllegalArgumentException("--scale must be MIN:MAX, got '" + scale + "'");
            }
            b.optScale(Double.parseDouble(p[0]), Double.parseDouble(p[1]));
        }
        if (shift != null) {
            b.optShift(shift);
        }
        if (flip != null) {
            b.optFlip(TrainCommand.onOff("--flip", flip));
        }
        if (jitter != null) {
            b.optJitter(jitter);
        }
        if (loss != null) {
            b.optLoss(LandmarkRecipe.LossKind.valueOf(loss.toUpperCase(Locale.ROOT)));
        }
        LandmarkRecipe base = b.build();
        if (lr != null || finalLr != null) {
            float start = lr != null ? lr : base.learningRate();
            float end = finalLr != null ? finalLr : Math.min(start, base.finalLearningRate());
            b.optLearningRate(start, end);
        }
        if (epochs != null) {
            b.optEpochs(epochs);
        }
        if (batch != null) {
            b.optBatchSize(batch);
        }
        if (normalize != null) {
            if (!"dataset".equalsIgnoreCase(normalize) && !"centered".equalsIgnoreCase(normalize)) {
                throw new IllegalArgumentException(
                        "--normalize must be dataset or centered, got '" + normalize + "'");
            }
            b.optStandardize("dataset".equalsIgnoreCase(normalize));
        }
        return b.build();
    }

    /** The library's 68-point (300-W) recipes, the ones {@code --recipe} takes. */
    static List<String> recipeNames() {
        return LandmarkRecipe.names().stream().filter(n -> n.startsWith("ibug68")).toList();
    }

    /**
     * Refuses to resume from a checkpoint of other settings: each entry of {@code same} must be in
     * the last checkpoint's provenance with the same value. Without a checkpoint the run starts
     * afresh, and says so.
     *
     * @param out the run folder
     * @param same the provenance entries the checkpoint must share with this run
     * @throws IllegalArgumentException naming the checkpoint, the entry and both values
     */
    static void checkResumable(Path out, Map<String, String> same) throws java.io.IOException {
        Path last = KeypointTrainer.checkpointDirectory(out).resolve(CheckpointSaver.LAST);
        if (!Files.isDirectory(last)) {
            System.err.println(
                    "train-300w: --resume, but " + last + " holds no checkpoint: from epoch 1");
            return;
        }
        Map<String, String> saved = KeypointModel.readSpec(last).provenance();
        for (Map.Entry<String, String> e : same.entrySet()) {
            String was = saved.get(e.getKey());
            if (!e.getValue().equals(was)) {
                throw new IllegalArgumentException(
                        "--resume: "
                                + last
                                + " was trained with "
                                + e.getKey()
                                + " = "
                                + (was == null ? "(none)" : "'" + was + "'")
                                + ", this run has '"
                                + e.getValue()
                                + "'; resume with the settings it was started with, or choose"
                                + " another --out");
            }
        }
    }

    /** A saved model (or checkpoint) measured on faces as {@code evaluate} measures it. */
    private EvaluationResult measured(Path model, List<FaceSample> faces, LandmarkRecipe recipe)
            throws java.io.IOException {
        return EvaluateCommand.evaluate(model, faces, engine, recipe.batchSize()).getValue();
    }

    /**
     * Splits the held-out faces for {@code --audit}: every second held-out photo by name, from the
     * second, with all of its faces, audits; the rest choose the epoch.
     *
     * @throws IllegalArgumentException if either half would be empty
     */
    static PhotoSplit auditHalves(List<FaceSample> heldOut) {
        PhotoSplit halves = PhotoSplit.everyNthPhoto(heldOut, 2, 1);
        if (halves.train().isEmpty() || halves.heldOut().isEmpty()) {
            throw new IllegalArgumentException(
                    "--audit: the held-out faces ("
                            + heldOut.size()
                            + ") come from fewer than two photos, so they cannot be"
                            + " halved into faces that choose the epoch and faces that audit it;"
                            + " hold out more photos with a smaller --holdout");
        }
        return halves;
    }

    /**
     * Names the points the scheme's NME divides by, as {@link
     * io.github.keypoints.train.LandmarkErrors} uses them: {@code (normalised by points 36/45)}.
     */
    static String normaliser(LandmarkScheme scheme) {
        int[] n = scheme.normalizerIndices();
        return n.length == 2
                ? "(normalised by points " + n[0] + "/" + n[1] + ")"
                : "(" + scheme.name() + " has no normaliser points)";
    }

    private static Number number(String key, String value) {
        try {
            // Not a conditional expression: its numeric promotion would make every int a double.
            if (value.contains(".")) {
                return Double.parseDouble(value);
            }
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--net " + key + "=" + value + ": expected a number", e);
        }
    }

    private static List<FaceSample> load(Path dir, PixelOrigin origin) throws Exception {
        LoadedDataset loaded =
                DatasetLoader.builder()
                        .setPath(dir)
                        .optFormat(DatasetFormat.PTS)
                        .optPtsOrigin(origin)
                        .optStrict(true)
                        .build()
                        .load();
        if (loaded.samples().isEmpty()) {
            throw new IllegalArgumentException(dir + ": no images with .pts files found");
        }
        return loaded.samples();
    }
}
