package io.github.keypoints.examples;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.ImageHeader;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.load.DownloadException;
import io.github.keypoints.data.load.FaceSplit;
import io.github.keypoints.data.load.ImmFaceDatabase;
import io.github.keypoints.data.load.ImmFaceName;
import io.github.keypoints.data.load.ImmSplit;
import io.github.keypoints.data.load.LoadedDataset;
import io.github.keypoints.data.load.SplitRule;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.morph.Face;
import io.github.keypoints.morph.ImageBuffer;
import io.github.keypoints.morph.MeanFace;
import io.github.keypoints.morph.SideBySide;
import io.github.keypoints.train.BestBy;
import io.github.keypoints.train.EpochRecord;
import io.github.keypoints.train.KeypointTrainer;
import io.github.keypoints.train.LandmarkRecipe;
import io.github.keypoints.train.MeanShapeBaseline;
import io.github.keypoints.train.TrainedModel;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opencv.core.Mat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keypoints demo}: the README's main job. On the IMM Face Database ({@link ImmFaceDatabase})
 * it trains the nose-tip model ({@link LandmarkRecipe#noseTip()}) and the 58-point model ({@link
 * LandmarkRecipe#imm58Improved()}) with the library's recipes and trainer, exactly as {@code
 * keypoints train --recipe} would, lets the trainer draw its validation predictions, loss curves
 * and first-layer filters, builds the mean face of the 40 neutral faces and of men versus women
 * with {@code keypoints-morph}, and writes {@code report.md} linking all of it.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Train the nose-tip model (the reference recipe) and the 58-point model (the"
                    + " reference network with the improved recipe: augmentation, cosine schedule,"
                    + " Wing loss, standardised input) on the IMM faces (persons 1-32 train, 33-40"
                    + " validation), draw their validation predictions, build mean faces, and"
                    + " write report.md into the run folder.",
            "Without --data the IMM set is downloaded into the cache (every file checked against"
                    + " its SHA-256)."
        },
        footer = {
            "",
            "Example:",
            "  ./keypoints demo --data ../shared/data/imm_face_db",
            "  ./keypoints demo --data ../shared/data/imm_face_db --quick --out runs/demo-quick"
        })
public final class DemoCommand implements Callable<Integer> {

    /** The nose-tip model's recipe: the reference's Part 1. */
    static final LandmarkRecipe NOSE_RECIPE = LandmarkRecipe.noseTip();

    /**
     * The 58-point model's recipe: the reference's network and input with the improvements
     * docs/training.md measured (augmentation, cosine schedule, Wing loss, standardised input).
     */
    static final LandmarkRecipe FULL_RECIPE = LandmarkRecipe.imm58Improved();

    /** Default epochs of the nose-tip model (its recipe's; the reference trained 25). */
    static final int DEFAULT_EPOCHS_NOSE = NOSE_RECIPE.epochs();

    /** Default epochs of the 58-point model (its recipe's). */
    static final int DEFAULT_EPOCHS_FULL = FULL_RECIPE.epochs();

    @Spec private CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description =
                    "The IMM Face Database folder (240 .jpg + .asf). Default: download it into"
                            + " --cache.")
    private Path data;

    @Option(
            names = "--cache",
            paramLabel = "DIR",
            description =
                    "Download cache used without --data (default: $KEYPOINTS_CACHE or"
                            + " ~/.cache/keypoints).")
    private Path cache;

    @Option(
            names = "--data-url",
            paramLabel = "URL",
            hidden = true,
            description = "Where to download the IMM archive from (default: the OpenIMAJ mirror).")
    private URI dataUrl = ImmFaceDatabase.ARCHIVE_URI;

    @Option(
            names = "--data-sha256",
            paramLabel = "HEX",
            description =
                    "SHA-256 of the IMM archive, when you know it, to check the download before"
                            + " unpacking (the unpacked files are always checked).")
    private String dataSha256;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "runs/demo",
            description = "Run folder (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(
            names = "--epochs-nose",
            paramLabel = "N",
            description = "Epochs of the nose-tip model (default: 25, the nose-tip recipe's).")
    private Integer epochsNose;

    @Option(
            names = "--epochs-full",
            paramLabel = "N",
            description =
                    "Epochs of the 58-point model (default: 80, the imm58-improved recipe's).")
    private Integer epochsFull;

    @Option(
            names = "--quick",
            description =
                    "A smoke run: 2 nose-tip epochs and 1 58-point epoch (explicit --epochs-*"
                            + " win).")
    private boolean quick;

    @Option(
            names = "--engine",
            defaultValue = "PyTorch",
            paramLabel = "PyTorch|MXNet",
            description = "Deep-learning engine (default: ${DEFAULT-VALUE}).")
    private String engine;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description =
                    "Seed of initialisation, batch order and augmentation (default:"
                            + " ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    private boolean json;

    /** One trained model: its run folder, its epochs and the figures of its last epoch. */
    record Trained(String model, Path run, int epochs, EpochRecord last, double seconds) {}

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        PrintStream log = System.err;
        int nose = epochsNose != null ? epochsNose : quick ? 2 : DEFAULT_EPOCHS_NOSE;
        int full = epochsFull != null ? epochsFull : quick ? 1 : DEFAULT_EPOCHS_FULL;
        if (nose < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--epochs-nose: expected N >= 1, found " + nose);
        }
        if (full < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--epochs-full: expected N >= 1, found " + full);
        }
        if (!engine.equals("PyTorch") && !engine.equals("MXNet")) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--engine: expected PyTorch or MXNet, found " + engine);
        }
        ImmFaceDatabase database = locateData(log);
        Path imm = database.path();
        LoadedDataset loaded = database.load();
        SplitRule rule = SplitRule.immPersons(ImmSplit.REFERENCE_LAST_TRAIN_PERSON, 0);
        FaceSplit split = rule.apply(loaded.samples());
        log.printf(
                Locale.ROOT,
                "demo: %d IMM faces from %s (%d train, %d validation)%n",
                loaded.samples().size(),
                imm,
                split.train().size(),
                split.validation().size());

        Path run = out;
        Files.createDirectories(run);
        log.println("demo [1/3]: mean faces of the 40 neutral faces");
        List<FaceSample> neutral =
                loaded.samples().stream()
                        .filter(
                                s ->
                                        ImmFaceName.parse(s.image().getFileName().toString())
                                                        .imageType()
                                                == 1)
                        .toList();
        Path meanFace = run.resolve("mean-face.png");
        Path groups = run.resolve("mean-face-men-women.png");
        double meanSeconds = meanFaces(neutral, meanFace, groups);
        log.printf(Locale.ROOT, "demo [2/3]: nose-tip model, %d epochs%n", nose);
        Trained noseRun =
                train(
                        "nose-tip",
                        NOSE_RECIPE.toBuilder().optEpochs(nose).build(),
                        run.resolve("nose-tip"),
                        rule,
                        split,
                        log);
        log.printf(Locale.ROOT, "demo [3/3]: 58-point model, %d epochs%n", full);
        Trained fullRun =
                train(
                        "imm58",
                        FULL_RECIPE.toBuilder().optEpochs(full).build(),
                        run.resolve("imm58"),
                        rule,
                        split,
                        log);

        double noseBaseline =
                MeanShapeBaseline.evaluate(
                                split.train(), split.validation(), LandmarkScheme.NOSE_TIP)
                        .meanPx();
        double fullBaseline =
                MeanShapeBaseline.evaluate(split.train(), split.validation(), LandmarkScheme.IMM_58)
                        .meanPx();
        Path report =
                writeReport(
                        run,
                        imm,
                        split,
                        List.of(noseRun, fullRun),
                        new double[] {noseBaseline, fullBaseline},
                        neutral.size(),
                        meanFace,
                        groups);
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintStream stdout = System.out;
        stdout.printf(
                Locale.ROOT,
                "nose-tip: validation mean error %.1f px (mean-position baseline %.1f px)%n",
                noseRun.last().valMeanPx(),
                noseBaseline);
        stdout.printf(
                Locale.ROOT,
                "58 points: validation mean error %.1f px (mean-shape baseline %.1f px)%n",
                fullRun.last().valMeanPx(),
                fullBaseline);
        stdout.printf(Locale.ROOT, "report: %s (%.0f s in all)%n", report, seconds);
        if (json) {
            JsonSummary summary = new JsonSummary();
            summary.put("data", imm.toString());
            for (Trained t : List.of(noseRun, fullRun)) {
                String k = t.model().replace('-', '_');
                summary.put(k + "_epochs", t.epochs());
                summary.put(k + "_val_mean_px", t.last().valMeanPx());
                summary.put(k + "_val_mae_px", t.last().valMaePx());
                summary.put(k + "_val_nme", t.last().valNme());
                summary.put(
                        k + "_model", t.run().resolve(KeypointTrainer.MODEL_DIRECTORY).toString());
            }
            summary.put("nose_tip_baseline_px", noseBaseline);
            summary.put("imm58_baseline_px", fullBaseline);
            summary.put("mean_face", meanFace.toString());
            summary.put("mean_face_seconds", meanSeconds);
            summary.put("report", report.toString());
            summary.put("seconds", seconds);
            stdout.println(summary.toJson());
        }
        stdout.flush();
        return 0;
    }

    /** Returns the prepared IMM set: {@code --data}, else the verified cache or a download. */
    private ImmFaceDatabase locateData(PrintStream log) throws IOException {
        if (data != null) {
            ImmFaceDatabase imm = ImmFaceDatabase.builder().optLocalPath(data).build();
            try {
                imm.prepare();
            } catch (IOException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--data: " + e.getMessage());
            }
            return imm;
        }
        if (dataSha256 != null && !dataSha256.strip().matches("[0-9a-fA-F]{64}")) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--data-sha256: expected 64 hexadecimal digits, found '" + dataSha256 + "'");
        }
        ImmFaceDatabase imm =
                ImmFaceDatabase.builder()
                        .optCacheDirectory(cache)
                        .optUri(dataUrl)
                        .optArchiveSha256(dataSha256)
                        .build();
        log.println("demo: no --data given; looking for the IMM set in " + imm.cacheDirectory());
        try {
            imm.prepare();
        } catch (DownloadException e) {
            throw new IOException(e.getMessage() + "; pass --data /path/to/imm_face_db", e);
        }
        return imm;
    }

    /**
     * Trains one model with its recipe on the split, as {@code keypoints train --recipe} does: the
     * recipe's datasets (one image cache), network, loss and schedule; the trainer writes the
     * history, loss curve, gallery, filters, checkpoints and model directory into {@code run}.
     */
    private Trained train(
            String model,
            LandmarkRecipe recipe,
            Path run,
            SplitRule rule,
            FaceSplit split,
            PrintStream log)
            throws IOException {
        long t0 = System.nanoTime();
        ImageCache cache = ImageCache.inMemory();
        PixelNormalization norm = recipe.normalization(split.train(), cache);
        FaceLandmarkDataset trainSet = recipe.trainingSet(split.train(), cache, norm, seed);
        FaceLandmarkDataset valSet = recipe.evaluationSet(split.validation(), cache, norm);
        LandmarkScheme scheme = trainSet.scheme();
        KeypointBlock block = recipe.newBlock(scheme, seed);
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put(SplitRule.PROVENANCE_KEY, rule.toString());
        provenance.put("data_format", DatasetFormat.IMM.name());
        AugmentationPipeline augmentation = recipe.augmentation();
        provenance.put(
                "augmentation",
                augmentation == null ? "none" : augmentation.augmentation().toString());
        log.printf(Locale.ROOT, "demo: %s%n", recipe);
        try (TrainedModel report =
                recipe.trainer(block, trainSet, valSet)
                        .optSeed(seed)
                        .optEngine(engine)
                        .optRunDirectory(run)
                        .optBestBy(BestBy.VAL_MEAN_PX)
                        .optModelSpec(recipe.modelSpec(block, scheme, norm, engine, provenance))
                        .optSplit(rule)
                        .optDataSource("IMM Face Database")
                        .optProgress(log)
                        .build()
                        .fit()) {
            EpochRecord last = report.history().get(report.history().size() - 1);
            EvaluateCommand.printFigures(
                    log, report.validation(), last.valLoss(), model + " validation");
            return new Trained(
                    model, run, report.history().size(), last, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** Writes the mean face of all neutral faces and men versus women; returns seconds. */
    private static double meanFaces(List<FaceSample> neutral, Path all, Path menWomen)
            throws IOException {
        long t0 = System.nanoTime();
        MeanFace mean = MeanFace.builder().setSize(640, 480).build();
        ImageBuffer everyone = average(mean, neutral);
        List<FaceSample> women =
                neutral.stream()
                        .filter(
                                s ->
                                        ImmFaceName.parse(s.image().getFileName().toString())
                                                        .gender()
                                                == 'f')
                        .toList();
        List<FaceSample> men = neutral.stream().filter(s -> !women.contains(s)).toList();
        ImageBuffer pair =
                SideBySide.labelled(
                        List.of("men (" + men.size() + ")", "women (" + women.size() + ")"),
                        List.of(average(mean, men), average(mean, women)));
        write(everyone, all);
        write(pair, menWomen);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static ImageBuffer average(MeanFace mean, List<FaceSample> faces) throws IOException {
        List<Keypoints> shapes = faces.stream().map(FaceSample::keypoints).toList();
        int[] sizes = new int[2 * faces.size()];
        for (int i = 0; i < faces.size(); i++) {
            ImageHeader h = ImageHeader.read(faces.get(i).image());
            sizes[2 * i] = h.width();
            sizes[2 * i + 1] = h.height();
        }
        return mean.compute(
                        shapes,
                        i -> sizes[2 * i],
                        i -> sizes[2 * i + 1],
                        i -> {
                            FaceSample s = faces.get(i);
                            Mat m = ImageFiles.read(s.image(), false);
                            try {
                                return new Face(s.id(), ImageBuffer.fromMat(m), s.keypoints());
                            } finally {
                                m.release();
                            }
                        })
                .image();
    }

    private static void write(ImageBuffer image, Path file) {
        Mat m = image.toMat();
        try {
            ImageFiles.write(m, file);
        } finally {
            m.release();
        }
    }

    private Path writeReport(
            Path run,
            Path imm,
            FaceSplit split,
            List<Trained> runs,
            double[] baselines,
            int neutralFaces,
            Path meanFace,
            Path groups)
            throws IOException {
        RunReport r = new RunReport(run, "keypoints demo");
        r.paragraph(
                String.format(
                        Locale.ROOT,
                        "IMM Face Database from `%s`: %d training faces (persons 1-32), %d"
                                + " validation faces (persons 33-40). Engine %s, seed %d."
                                + " Errors are in original 640x480 pixels on the validation"
                                + " faces, at the last epoch. The baseline predicts the"
                                + " training faces' mean position of every point.",
                        imm,
                        split.train().size(),
                        split.validation().size(),
                        engine,
                        seed));
        r.command(commandLine());
        r.section("Results");
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Trained t = runs.get(i);
            EpochRecord m = t.last();
            rows.add(
                    List.of(
                            t.model(),
                            Integer.toString(t.epochs()),
                            RunReport.number(m.trainLoss(), 5),
                            RunReport.number(m.valLoss(), 5),
                            RunReport.number(m.valMeanPx(), 1),
                            RunReport.number(m.valMaePx(), 1),
                            RunReport.number(m.valNme(), 3),
                            RunReport.number(baselines[i], 1),
                            RunReport.number(t.seconds(), 0)));
        }
        r.table(
                List.of(
                        "model",
                        "epochs",
                        "train loss",
                        "val loss",
                        "val mean px",
                        "val MAE px",
                        "val NME",
                        "baseline px",
                        "seconds"),
                rows);
        for (Trained t : runs) {
            String name = t.model().equals("nose-tip") ? "Nose-tip model" : "58-point model";
            r.section(name);
            r.paragraph(
                    "Model directory (weights and metadata): `"
                            + r.relative(t.run().resolve(KeypointTrainer.MODEL_DIRECTORY))
                            + "` (reload with `keypoints evaluate --model "
                            + t.run().resolve(KeypointTrainer.MODEL_DIRECTORY)
                            + " --data "
                            + imm
                            + "`); per-epoch figures: `"
                            + r.relative(t.run().resolve("history.csv"))
                            + "`.");
            r.image(t.run().resolve("loss-curve.png"), name + ": training and validation loss");
            r.image(
                    t.run().resolve("gallery.png"),
                    name + ": best and worst validation predictions (truth and prediction drawn)");
            r.image(t.run().resolve("filters.png"), name + ": first convolution layer's filters");
        }
        r.section("Mean faces");
        r.paragraph(
                "The "
                        + neutralFaces
                        + " neutral frontal faces (image type 1) aligned by Procrustes, warped"
                        + " onto their mean shape triangle by triangle, and averaged.");
        r.image(meanFace, "Mean face of the neutral IMM faces");
        r.image(groups, "Mean faces of men and women");
        r.section("Data licence");
        r.paragraph(
                "The IMM Face Database is free for education and research only; cite M. B."
                        + " Stegmann, B. K. Ersbøll, R. Larsen, FAME – a flexible appearance"
                        + " modelling environment, IEEE TMI 22(10), 2003. Do not redistribute"
                        + " these pictures beyond that use.");
        return r.write();
    }

    private String commandLine() {
        StringBuilder b = new StringBuilder("./keypoints demo");
        if (data != null) {
            b.append(" --data ").append(data);
        }
        if (epochsNose != null) {
            b.append(" --epochs-nose ").append(epochsNose);
        }
        if (epochsFull != null) {
            b.append(" --epochs-full ").append(epochsFull);
        }
        if (quick) {
            b.append(" --quick");
        }
        if (!engine.equals("PyTorch")) {
            b.append(" --engine ").append(engine);
        }
        if (seed != 0) {
            b.append(" --seed ").append(seed);
        }
        b.append(" --out ").append(out);
        return b.toString();
    }
}
