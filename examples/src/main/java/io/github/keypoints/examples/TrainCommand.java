package io.github.keypoints.examples;

import ai.djl.nn.Block;
import ai.djl.training.loss.Loss;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.load.ImmSplit;
import io.github.keypoints.data.load.LoadedDataset;
import io.github.keypoints.train.BestBy;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
            "Writes history.csv, loss-curve.png, gallery.png, filters.png, checkpoints/ and"
                    + " model.kpt into --out."
        })
public final class TrainCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            required = true,
            description = "Architecture: ${COMPLETION-CANDIDATES}.",
            completionCandidates = Architectures.Names.class)
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
            names = "--threads",
            description =
                    "CPU threads for the engine (default: 1 on PyTorch, see docs/training.md; all cores on MXNet).")
    Integer threads;

    @Option(names = "--json", description = "Print a JSON summary as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (threads != null) {
            EngineSetup.threads(threads);
        } else if ("PyTorch".equals(engine)) {
            // PyTorch 2.7.1 CPU forwards returned NaN now and then with 2 threads on our machine
            // (docs/training.md); one thread never did. --threads overrides this.
            EngineSetup.threads(1);
        }
        EngineSetup.requireEngine(engine);
        Architectures.Spec spec = Architectures.spec(model);
        int[] wh = input == null ? spec.defaultInput() : parseInput(input);
        LoadedDataset loaded = load(data, format);
        LandmarkScheme scheme = spec.scheme(loaded.samples().get(0).keypoints().scheme());
        Split split = split(loaded, format, data, lastTrainPerson);
        if (!"off".equalsIgnoreCase(augment) && !"on".equalsIgnoreCase(augment)) {
            throw new IllegalArgumentException(
                    "--augment must be on or off, got '" + augment + "'");
        }
        if ("on".equalsIgnoreCase(augment)) {
            throw new IllegalArgumentException(
                    "--augment on needs the augmenting dataset of keypoints-data, which this build"
                            + " does not have yet; use --augment off");
        }
        System.err.printf(
                Locale.ROOT,
                "train: %s on %d training / %d validation faces at %dx%d, %s, engine %s%n",
                model,
                split.train.size(),
                split.validation.size(),
                wh[0],
                wh[1],
                scheme,
                engine);
        ResizedFaceDataset train = new ResizedFaceDataset(split.train, scheme, wh[0], wh[1]);
        ResizedFaceDataset val = new ResizedFaceDataset(split.validation, scheme, wh[0], wh[1]);
        Block block = Architectures.create(model, 2 * scheme.size(), seed);
        Path run = out == null ? Path.of("runs", model + "-seed" + seed) : out;
        KeypointTrainer.Builder b =
                KeypointTrainer.builder()
                        .setBlock(block)
                        .setTrainingData(train)
                        .setValidationData(val)
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
                        .optProgress(System.err);
        Architectures.metadata(block).forEach(b::addMetadata);
        b.addMetadata("preprocess", "whole-image gray INTER_AREA, x/255-0.5")
                .addMetadata("split", split.description)
                .addMetadata("data_format", split.format.name());
        TrainingReport report = b.build().fit();
        EvaluateCommand.printFigures(
                System.out,
                report.validation(),
                report.reported().valLoss(),
                "validation (epoch " + (report.reported().epoch() + 1) + ")");
        System.out.printf(Locale.ROOT, "model: %s%n", report.model());
        if (json) {
            new JsonSummary()
                    .put("val_mean_px", report.validation().meanPx())
                    .put("val_mae_px", report.validation().maePx())
                    .put("val_nme", report.validation().nme())
                    .put("train_loss", report.reported().trainLoss())
                    .put("val_loss", report.reported().valLoss())
                    .put("epochs", report.history().size())
                    .put("reported_epoch", report.reported().epoch() + 1)
                    .put("seconds", report.seconds())
                    .put("params", report.parameters())
                    .put("model", report.model().toString())
                    .put("engine", engine)
                    .put("seed", seed)
                    .put("group_mean_px", report.validation().groupMeanPx())
                    .print(System.out);
        }
        return 0;
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

    /** A train/validation split and how it was made. */
    record Split(
            List<FaceSample> train,
            List<FaceSample> validation,
            DatasetFormat format,
            String description) {}

    static Split split(LoadedDataset loaded, String format, Path data, int lastTrainPerson)
            throws java.io.IOException {
        DatasetFormat f = format == null ? DatasetFormat.detect(data) : DatasetFormat.parse(format);
        if (f == DatasetFormat.IMM) {
            ImmSplit s = ImmSplit.byPerson(loaded.samples(), lastTrainPerson);
            return new Split(s.train(), s.validation(), f, "imm-person<=" + lastTrainPerson);
        }
        List<FaceSample> train = new ArrayList<>();
        List<FaceSample> val = new ArrayList<>();
        for (int i = 0; i < loaded.samples().size(); i++) {
            (i % 5 == 4 ? val : train).add(loaded.samples().get(i));
        }
        return new Split(train, val, f, "every-5th");
    }
}
