package io.github.keypoints.examples;

import ai.djl.Device;
import ai.djl.nn.Block;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.load.FaceSplit;
import io.github.keypoints.data.load.ImmSplit;
import io.github.keypoints.data.load.LoadedDataset;
import io.github.keypoints.data.load.SplitRule;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.train.EpochListener;
import io.github.keypoints.train.EpochRecord;
import io.github.keypoints.train.KeypointTrainer;
import io.github.keypoints.train.LandmarkRecipe;
import io.github.keypoints.train.TrainedModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * {@code keypoints bench epoch}: whole training epochs of the 58-point reference recipe (IMM
 * persons 1–32, 120×90 gray, augmentation on, batch 32, MSE, Adam 1e-3) through the library's own
 * training path ({@link FaceLandmarkDataset} with the in-memory image cache and {@link
 * KeypointTrainer}), per engine, next to the same epoch in Python PyTorch with a {@code DataLoader}
 * ({@code bench/epoch_reference.py}); with the share of the epoch the step loop waits for data.
 */
@Command(
        name = "epoch",
        mixinStandardHelpOptions = true,
        description = {
            "Times whole training epochs of the 58-point reference recipe (keypoints train --model"
                    + " imm58 --input 120x90 --batch 32 --lr 1e-3 --loss mse --augment on; IMM"
                    + " persons 1-32 train, 33-40 validate) per engine, after one warm-up epoch"
                    + " that fills the image cache, against the same epochs in Python PyTorch"
                    + " with a DataLoader (bench/epoch_reference.py).",
            "epoch_ms is the training pass: from the start of the epoch to the end of its last"
                    + " optimiser step; wait_ms the part the step loop spent waiting for its next"
                    + " batch (reading from the image cache, augmenting, normalising, stacking);"
                    + " step_ms forward, loss, backward and Adam; val_ms the validation pass that"
                    + " follows every epoch (not in epoch_ms).",
            "ratio = java epoch_ms / python epoch_ms (below 1: Java faster; goal <= 0.9);"
                    + " ratio_med the same for the median epoch of each side, which one slow"
                    + " epoch does not move.",
            "--pairs K then trains each engine again with the reference kept up beside it and"
                    + " times K pairs, a Java epoch and a Python epoch seconds apart each;"
                    + " ratio_paired is the median of the per-pair ratios.",
            "Installs Debian's python3-torch and python3-opencv with apt-get if their import"
                    + " fails, and Debian's OpenMP build of OpenBLAS"
                    + " (libopenblas0-openmp), which the Python side runs on, if it is missing."
        })
public final class BenchEpochCommand implements Callable<Integer> {

    /**
     * The recipe both sides train: the 58-point reference, as {@code bench/acceptance.sh imm58}.
     */
    static final LandmarkRecipe RECIPE = LandmarkRecipe.imm58Reference();

    /** The recipe's network. */
    static final String MODEL = RECIPE.architecture();

    /** The recipe's input width. */
    static final int WIDTH = RECIPE.inputWidth();

    /** The recipe's input height. */
    static final int HEIGHT = RECIPE.inputHeight();

    /** The recipe's batch size. */
    static final int BATCH = RECIPE.batchSize();

    /** The recipe's Adam learning rate. */
    static final float LEARNING_RATE = RECIPE.learningRate();

    /** The recipe's largest rotation in degrees. */
    static final double ROTATE = RECIPE.rotation();

    /** The recipe's largest shift in input pixels (10 px at 240 wide). */
    static final double SHIFT = RECIPE.shift() * WIDTH;

    /** The recipe's brightness and contrast jitter. */
    static final double JITTER = RECIPE.jitter();

    /** The Python module the reference imports besides torch, and its Debian package. */
    private static final Map<String, String> PYTHON_MODULES = Map.of("cv2", "python3-opencv");

    @Mixin BenchSides sides;

    @Spec private CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description =
                    "The IMM folder (default: imm_face_db under the keypoints.shared.data"
                            + " property, else ../shared/data/imm_face_db).")
    Path data;

    @Option(
            names = "--epochs",
            defaultValue = "1",
            paramLabel = "N",
            description = "Timed epochs after the warm-up epoch (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--limit",
            defaultValue = "0",
            paramLabel = "N",
            description =
                    "Keep only the first N training and the first N validation faces of the"
                            + " split, for a smoke run (default 0: all, 192 / 48).")
    int limit;

    @Option(
            names = "--workers",
            defaultValue = "0",
            paramLabel = "W",
            description =
                    "DataLoader num_workers of the Python side (default ${DEFAULT-VALUE}: batches"
                            + " made in the training process, the faster reference on our 2-core"
                            + " machine, where a loader process made the epoch 17-19%% longer;"
                            + " docs/performance-training.md).")
    int workers;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of both sides (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--no-python",
            description = "Time the Java side only; the Python figures and ratios stay empty.")
    boolean noPython;

    @Option(
            names = "--pairs",
            defaultValue = "0",
            paramLabel = "K",
            description =
                    "After the timed epochs, train each engine again for one warm-up and K timed"
                            + " epochs with the Python reference kept up beside it"
                            + " (bench/epoch_reference.py --serve): each timed Java epoch is paired"
                            + " with one Python epoch run seconds before or after it (Java first"
                            + " in odd pairs, Python first in even ones), and the median of the"
                            + " per-pair ratios is reported (ratio_paired; default"
                            + " ${DEFAULT-VALUE}: off). The machine's speed drifts by tens of"
                            + " percent within seconds; the unpaired epochs of the two sides run"
                            + " a whole run apart.")
    int pairs;

    @Option(
            names = "--no-prefetch",
            description =
                    "Read every batch on the step thread (KeypointTrainer.optPrefetch(false))"
                            + " instead of preparing the next one while the current one trains.")
    boolean noPrefetch;

    @Override
    public Integer call() throws Exception {
        if (epochs < 1 || limit < 0 || workers < 0 || pairs < 0) {
            throw BenchCommand.bad(
                    spec,
                    "--epochs must be >= 1 and --limit, --workers, --pairs >= 0, got "
                            + epochs
                            + ", "
                            + limit
                            + ", "
                            + workers
                            + ", "
                            + pairs);
        }
        if (pairs > 0 && noPython) {
            throw BenchCommand.bad(spec, "--pairs needs the Python reference: drop --no-python");
        }
        Path dir = data != null ? data : defaultData();
        if (!Files.isDirectory(dir)) {
            throw BenchCommand.bad(spec, "--data: IMM folder not found: " + dir);
        }
        int n = sides.setUp();
        sides.warnIfMxnetThreadsDiffer("bench epoch", n);
        sides.noteIfSeveralEngines(
                "bench epoch",
                "bench train's nose-tip step read 0.95-1.12 that way against 0.91-1.05"
                        + " alone (docs/performance.md, \"Current figures\")");
        LoadedDataset loaded = TrainCommand.load(dir, "imm");
        SplitRule rule = SplitRule.immPersons(ImmSplit.REFERENCE_LAST_TRAIN_PERSON, 0);
        FaceSplit split = rule.apply(loaded.samples());
        List<FaceSample> train = first(split.train(), limit);
        List<FaceSample> val = first(split.validation(), limit);
        if (train.isEmpty() || val.isEmpty()) {
            throw BenchCommand.bad(
                    spec,
                    "--data: "
                            + dir
                            + " gives "
                            + train.size()
                            + " training and "
                            + val.size()
                            + " validation faces (IMM persons <= "
                            + ImmSplit.REFERENCE_LAST_TRAIN_PERSON
                            + " train); both must be non-empty");
        }
        AugmentationPipeline pipeline = RECIPE.augmentation();
        System.out.printf(
                Locale.ROOT,
                "bench epoch: %s at %dx%d gray, batch %d, MSE, Adam %.0e; %d training / %d"
                        + " validation faces (%s); %s%n",
                MODEL,
                WIDTH,
                HEIGHT,
                BATCH,
                LEARNING_RATE,
                train.size(),
                val.size(),
                rule.toString(),
                pipeline.augmentation());
        List<JavaRun> java = new ArrayList<>();
        for (String engine : sides.engines) {
            EpochClock clock = new EpochClock(engine, 1 + epochs, System.err);
            long params = fit(engine, train, val, 1 + epochs, clock, clock);
            java.add(new JavaRun(engine, params, clock.epochs(train.size())));
        }
        JsonObject py = noPython ? null : runPython(n, dir);
        Summary pySummary = null;
        if (py != null) {
            checkSameWork(py, ids(train), val.size(), java.get(0).params());
            pySummary = Summary.fromPython(py);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JavaRun j : java) {
            rows.add(row(j, pySummary));
        }
        printTable(System.out, n, py, rows, pySummary);
        if (pairs > 0) {
            for (Map<String, Object> r : rows) {
                paired(n, dir, (String) r.get("engine"), train, val, r);
            }
        }
        if (sides.json) {
            Map<String, Object> recipe = new LinkedHashMap<>();
            recipe.put("model", MODEL);
            recipe.put("input", WIDTH + "x" + HEIGHT);
            recipe.put("batch", BATCH);
            recipe.put("loss", "mse");
            recipe.put("optimizer", "adam " + LEARNING_RATE);
            recipe.put("split", rule.toString());
            recipe.put("train_faces", train.size());
            recipe.put("validation_faces", val.size());
            recipe.put("augmentation", pipeline.augmentation().toString());
            new JsonSummary()
                    .put("native", BenchSides.nativeSettings())
                    .put("threads", n)
                    .put("epochs", epochs)
                    .put("recipe", recipe)
                    .put("image_cache", IMAGE_CACHE)
                    .put("prefetch", !noPrefetch)
                    .put("pairs", pairs)
                    .put("python", py == null ? null : pythonSummary(py, pySummary))
                    .put("engines", rows)
                    .put("ratios", RATIOS)
                    .print(System.out);
        }
        return 0;
    }

    /** What the ratios of the JSON summary mean. */
    private static final Map<String, String> RATIOS = ratios();

    private static Map<String, String> ratios() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(
                "ratio",
                "java epoch_ms / python epoch_ms (training pass): below 1 means Java is faster;"
                        + " the goal is <= 0.9");
        m.put(
                "ratio_median",
                "java epoch_ms_median / python epoch_ms_median: the same for the median epoch,"
                        + " which one slow epoch on either side does not move");
        m.put(
                "ratio_with_validation",
                "java epoch_with_validation_ms / python epoch_with_validation_ms");
        m.put(
                "ratio_paired",
                "--pairs: the median of the per-pair ratios (ratio_pairs) of a Java epoch's"
                        + " training pass over the Python epoch's run seconds before or after it;"
                        + " java_ms_paired, python_ms_paired the medians of each side's epochs"
                        + " there, data_wait_share_paired_java / _python each side's share of"
                        + " waiting for data in them");
        return m;
    }

    /** What the timed epochs read their images from, on both sides. */
    static final String IMAGE_CACHE =
            "warm: the timed epochs read every image from memory (Java: the in-memory image cache,"
                    + " filled during the warm-up epoch; Python: decoded and resized when the"
                    + " Dataset is built, decode_ms)";

    private static List<FaceSample> first(List<FaceSample> samples, int limit) {
        return limit > 0 && limit < samples.size() ? samples.subList(0, limit) : samples;
    }

    private static List<String> ids(List<FaceSample> samples) {
        List<String> ids = new ArrayList<>();
        for (FaceSample s : samples) {
            ids.add(s.id());
        }
        return ids;
    }

    private static Path defaultData() {
        String shared = System.getProperty("keypoints.shared.data");
        return shared != null
                ? Path.of(shared, "imm_face_db")
                : Path.of("..", "shared", "data", "imm_face_db");
    }

    /**
     * One epoch's times from {@link KeypointTrainer}'s listeners.
     *
     * @param epoch the epoch index, from 0
     * @param trainNanos the training pass: epoch start to the end of the last optimiser step
     * @param dataNanos the part of it the step loop waited for batches
     * @param stepNanos the part of it in steps (forward, loss, backward, optimiser)
     * @param validationNanos from the end of the last step to the end of the epoch (validation)
     * @param batches the number of batches
     * @param samples the number of training samples
     */
    record EpochTiming(
            int epoch,
            long trainNanos,
            long dataNanos,
            long stepNanos,
            long validationNanos,
            long batches,
            long samples) {}

    /**
     * Means over timed epochs, and the median training pass.
     *
     * @param epochMs the training pass
     * @param epochMsMedian the median training pass, the upper middle one for an even count (one
     *     slow epoch on either side moves the mean, not the median)
     * @param dataWaitMs the time the step loop waited for data
     * @param stepMs the time in steps
     * @param dataWaitShare total wait over total training-pass time
     * @param samplesPerS training samples per second of training pass
     * @param validationMs the validation pass after each epoch
     * @param epochWithValidationMs training and validation pass
     * @param warmupEpochMs the warm-up epoch's training pass (Java: it fills the image cache)
     */
    record Summary(
            double epochMs,
            double epochMsMedian,
            double dataWaitMs,
            double stepMs,
            double dataWaitShare,
            double samplesPerS,
            double validationMs,
            double epochWithValidationMs,
            double warmupEpochMs) {

        /**
         * Summarises the epochs of a run whose first epoch is the warm-up.
         *
         * @param all every epoch, the warm-up first
         * @return the means over the epochs after the first
         * @throws IllegalArgumentException if there is no epoch after the warm-up
         */
        static Summary of(List<EpochTiming> all) {
            if (all.size() < 2) {
                throw new IllegalArgumentException(
                        "need a warm-up epoch and at least one timed epoch, got " + all.size());
            }
            List<EpochTiming> timed = all.subList(1, all.size());
            double train = 0;
            double wait = 0;
            double step = 0;
            double validation = 0;
            double samples = 0;
            for (EpochTiming e : timed) {
                train += e.trainNanos();
                wait += e.dataNanos();
                step += e.stepNanos();
                validation += e.validationNanos();
                samples += e.samples();
            }
            int k = timed.size();
            return new Summary(
                    train / k / 1e6,
                    ForwardTiming.median(
                            timed.stream().mapToDouble(e -> e.trainNanos() / 1e6).toArray()),
                    wait / k / 1e6,
                    step / k / 1e6,
                    wait / train,
                    samples / (train / 1e9),
                    validation / k / 1e6,
                    (train + validation) / k / 1e6,
                    all.get(0).trainNanos() / 1e6);
        }

        /**
         * Reads the figures of {@code bench/epoch_reference.py}'s JSON line.
         *
         * @param py the parsed line
         * @return the summary
         * @throws IllegalStateException naming a missing field
         */
        static Summary fromPython(JsonObject py) {
            JsonElement epochs = py.get("epochs");
            if (epochs == null || !epochs.isJsonArray() || epochs.getAsJsonArray().isEmpty()) {
                throw new IllegalStateException(
                        "bench/epoch_reference.py: no 'epochs' list in its JSON line");
            }
            double[] each = new double[epochs.getAsJsonArray().size()];
            for (int i = 0; i < each.length; i++) {
                each[i] = number(epochs.getAsJsonArray().get(i).getAsJsonObject(), "epoch_ms");
            }
            return new Summary(
                    number(py, "epoch_ms"),
                    ForwardTiming.median(each),
                    number(py, "data_wait_ms"),
                    number(py, "step_ms"),
                    number(py, "data_wait_share"),
                    number(py, "samples_per_s"),
                    number(py, "validation_ms"),
                    number(py, "epoch_with_validation_ms"),
                    number(py.getAsJsonObject("warmup"), "epoch_ms"));
        }

        static double number(JsonObject o, String key) {
            JsonElement e = o == null ? null : o.get(key);
            if (e == null || e.isJsonNull()) {
                throw new IllegalStateException(
                        "bench/epoch_reference.py: no '" + key + "' in its JSON line");
            }
            return e.getAsDouble();
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch_ms", epochMs);
            m.put("epoch_ms_median", epochMsMedian);
            m.put("step_ms", stepMs);
            m.put("data_wait_ms", dataWaitMs);
            m.put("data_wait_share", dataWaitShare);
            m.put("samples_per_s", samplesPerS);
            m.put("validation_ms", validationMs);
            m.put("epoch_with_validation_ms", epochWithValidationMs);
            m.put("warmup_epoch_ms", warmupEpochMs);
            return m;
        }
    }

    /**
     * Collects {@link EpochTiming}s from the trainer's epoch listener calls and prints one line per
     * epoch.
     */
    static final class EpochClock implements EpochListener {

        private final String engine;
        private final int total;
        private final PrintStream log;
        private final List<EpochTiming> epochs = new ArrayList<>();
        private long start;
        private long lastStepEnd;
        private long data;
        private long step;
        private long batches;
        private Block network;

        EpochClock(String engine, int total, PrintStream log) {
            this.engine = engine;
            this.total = total;
            this.log = log;
        }

        /**
         * Makes each epoch's training pass end only when the engine has finished the work queued on
         * {@code block} ({@link EngineWork}): on MXNet the last step's backward pass and Adam may
         * still be running when the trainer reports it, and would otherwise be counted in the
         * validation after it.
         *
         * @param block the network being trained
         */
        void finishWorkOf(Block block) {
            this.network = block;
        }

        @Override
        public void onEpochStart(int epoch) {
            start = System.nanoTime();
            lastStepEnd = start;
            data = 0;
            step = 0;
            batches = 0;
        }

        @Override
        public void onBatchTiming(long batch, long all, long dataNanos, long stepNanos) {
            if (network != null && batch == all) {
                EngineWork.finish(network);
            }
            lastStepEnd = System.nanoTime();
            data += dataNanos;
            step += stepNanos;
            batches++;
        }

        @Override
        public void onEpochEnd(EpochRecord record, boolean best) {
            long end = System.nanoTime();
            EpochTiming t =
                    new EpochTiming(
                            record.epoch(),
                            lastStepEnd - start,
                            data,
                            step,
                            end - lastStepEnd,
                            batches,
                            0);
            epochs.add(t);
            log.printf(
                    Locale.ROOT,
                    "bench epoch: %s epoch %d/%d%s: %.0f ms, waited for data %.0f ms, steps %.0f"
                            + " ms, validation %.0f ms%n",
                    engine,
                    record.epoch() + 1,
                    total,
                    record.epoch() == 0 ? " (warm-up, fills the image cache)" : "",
                    t.trainNanos() / 1e6,
                    t.dataNanos() / 1e6,
                    t.stepNanos() / 1e6,
                    t.validationNanos() / 1e6);
        }

        /**
         * Returns the epochs so far with their sample count filled in.
         *
         * @param samples the training samples per epoch
         * @return the epochs, in order
         */
        List<EpochTiming> epochs(long samples) {
            List<EpochTiming> out = new ArrayList<>();
            for (EpochTiming e : epochs) {
                out.add(
                        new EpochTiming(
                                e.epoch(),
                                e.trainNanos(),
                                e.dataNanos(),
                                e.stepNanos(),
                                e.validationNanos(),
                                e.batches(),
                                samples));
            }
            return out;
        }
    }

    /**
     * The Java side of one engine.
     *
     * @param engine the engine name
     * @param params trainable parameters of the network
     * @param epochs every epoch, the warm-up first
     */
    record JavaRun(String engine, long params, List<EpochTiming> epochs) {}

    /**
     * Trains {@code total} epochs (a warm-up and the timed ones) exactly as {@code keypoints train
     * --recipe imm58-reference} builds them (the recipe's datasets, augmentation, loss and
     * schedule), without a run folder, so nothing is written to disk, and on the CPU.
     *
     * @param engine the engine
     * @param train the training faces
     * @param val the validation faces
     * @param total the epochs to train, the warm-up included
     * @param listener the clock, or a listener that calls it
     * @param clock the clock, told which network's work ends each training pass
     * @return the network's trainable parameter count
     */
    private long fit(
            String engine,
            List<FaceSample> train,
            List<FaceSample> val,
            int total,
            EpochListener listener,
            EpochClock clock)
            throws IOException {
        // A fresh cache per run: each run's warm-up epoch decodes the photos once.
        ImageCache cache = ImageCache.inMemory();
        PixelNormalization norm = RECIPE.normalization(train, cache);
        FaceLandmarkDataset trainSet = RECIPE.trainingSet(train, cache, norm, seed);
        FaceLandmarkDataset valSet = RECIPE.evaluationSet(val, cache, norm);
        var block = RECIPE.newBlock(LandmarkScheme.IMM_58, seed);
        clock.finishWorkOf(block);
        try (TrainedModel trained =
                KeypointTrainer.builder()
                        .setBlock(block)
                        .setTrainingData(trainSet)
                        .setValidationData(valSet)
                        .setEpochs(total)
                        .setBatchSize(RECIPE.batchSize())
                        .optLoss(RECIPE.loss())
                        .optSchedule(RECIPE.schedule())
                        .optSeed(seed)
                        .optEngine(engine)
                        .optDevices(new Device[] {Device.cpu()})
                        .optPrefetch(!noPrefetch)
                        .addEpochListener(listener)
                        .build()
                        .fit()) {
            return trained.parameters();
        }
    }

    /**
     * The epochs of {@code --pairs} for one engine ({@link PairedEpochs}): a fresh network and
     * image cache, the reference started with {@code --serve} and checked to train the same work,
     * then the paired figures added to the engine's row.
     */
    private void paired(
            int n,
            Path dir,
            String engine,
            List<FaceSample> train,
            List<FaceSample> val,
            Map<String, Object> row)
            throws IOException {
        PythonTorchReference ref = sides.reference("bench/epoch_reference.py");
        List<String> args = new ArrayList<>(pythonArgs(n, dir));
        args.add("--serve");
        System.err.println(
                "bench epoch: paired epochs on "
                        + engine
                        + ", running "
                        + ref.script()
                        + " "
                        + String.join(" ", args));
        try (PythonTorchReference.Served py = ref.serve(n, args)) {
            checkSameWork(py.first(), ids(train), val.size(), (long) row.get("params"));
            EpochClock clock = new EpochClock(engine + " paired", 1 + pairs, System.err);
            PairedEpochs listener =
                    new PairedEpochs(clock, () -> py.ask("EPOCH"), VcpuPairProbe.get()::read);
            fit(engine, train, val, 1 + pairs, listener, clock);
            PairedBlocks b = listener.blocks(train.size());
            double javaWait = 0;
            double javaTrain = 0;
            for (EpochTiming e : listener.javaEpochs(train.size())) {
                javaWait += e.dataNanos();
                javaTrain += e.trainNanos();
            }
            double pyWait = 0;
            double pyTrain = 0;
            for (JsonObject a : b.answers()) {
                pyWait += Summary.number(a, "data_wait_ms");
                pyTrain += Summary.number(a, "epoch_ms");
            }
            row.put("java_ms_paired", b.javaMs());
            row.put("python_ms_paired", b.pythonMs());
            row.put("ratio_paired", b.ratio());
            row.put("ratio_pairs", b.ratios());
            row.put("data_wait_share_paired_java", javaWait / javaTrain);
            row.put("data_wait_share_paired_python", pyWait / pyTrain);
            b.putStates(row, "ratio");
            System.out.printf(
                    Locale.ROOT,
                    "paired  %-8s java_ms %9.1f python_ms %9.1f ratio %6.2f wait%% %.1f / %.1f"
                            + " (pairs %s) | by the vCPUs' state: %s%n",
                    engine,
                    b.javaMs(),
                    b.pythonMs(),
                    b.ratio(),
                    100 * javaWait / javaTrain,
                    100 * pyWait / pyTrain,
                    RoundMedians.format(b.ratios()),
                    b.stateSummary());
        }
    }

    /**
     * Fails unless the Python reference trained on the same faces with the same network and point
     * renumbering: the same training ids, validation count, trainable parameter count and IMM flip
     * map.
     *
     * @param py the reference's JSON line
     * @param trainIds the Java side's training sample ids, in split order
     * @param valCount the Java side's validation sample count
     * @param params the Java network's trainable parameter count
     * @throws IllegalStateException naming the first difference
     */
    static void checkSameWork(JsonObject py, List<String> trainIds, int valCount, long params) {
        List<String> pyIds = new ArrayList<>();
        JsonArray arr = py.getAsJsonArray("train_ids");
        if (arr != null) {
            arr.forEach(e -> pyIds.add(e.getAsString()));
        }
        if (!pyIds.equals(trainIds)) {
            List<String> onlyJava = new ArrayList<>(trainIds);
            onlyJava.removeAll(pyIds);
            List<String> onlyPython = new ArrayList<>(pyIds);
            onlyPython.removeAll(trainIds);
            throw new IllegalStateException(
                    "the Python reference trained on other faces than the Java side: "
                            + pyIds.size()
                            + " vs "
                            + trainIds.size()
                            + " training faces; only in Java: "
                            + onlyJava
                            + ", only in Python: "
                            + onlyPython
                            + (onlyJava.isEmpty() && onlyPython.isEmpty()
                                    ? " (same faces in another order)"
                                    : ""));
        }
        int pyVal = py.has("val_count") ? py.get("val_count").getAsInt() : -1;
        if (pyVal != valCount) {
            throw new IllegalStateException(
                    "the Python reference validates on "
                            + pyVal
                            + " faces, the Java side on "
                            + valCount);
        }
        long pyParams = py.has("params") ? py.get("params").getAsLong() : -1;
        if (pyParams != params) {
            throw new IllegalStateException(
                    "the Java network has "
                            + params
                            + " trainable parameters, the Python reference "
                            + pyParams
                            + ": they are not the same network");
        }
        int[] flip = LandmarkScheme.IMM_58.flipPermutation();
        JsonArray pyFlip = py.getAsJsonArray("flip_map");
        int[] got = new int[pyFlip == null ? 0 : pyFlip.size()];
        for (int i = 0; i < got.length; i++) {
            got[i] = pyFlip.get(i).getAsInt();
        }
        if (!Arrays.equals(flip, got)) {
            throw new IllegalStateException(
                    "the Python reference mirrors the IMM points with "
                            + Arrays.toString(got)
                            + ", the Java side with "
                            + Arrays.toString(flip));
        }
    }

    /**
     * One engine's row: the Java figures and, when the reference ran, the ratios of epoch times.
     *
     * @param j the Java run
     * @param py the Python summary, or {@code null}
     * @return the row, for the table and the JSON
     */
    static Map<String, Object> row(JavaRun j, Summary py) {
        Summary s = Summary.of(j.epochs());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("engine", j.engine());
        r.put("params", j.params());
        r.put("timed_epochs", j.epochs().size() - 1);
        r.put("samples_per_epoch", j.epochs().get(0).samples());
        r.put("batches_per_epoch", j.epochs().get(0).batches());
        r.putAll(s.toMap());
        r.put("ratio", py == null ? null : s.epochMs() / py.epochMs());
        r.put("ratio_median", py == null ? null : s.epochMsMedian() / py.epochMsMedian());
        r.put(
                "ratio_with_validation",
                py == null ? null : s.epochWithValidationMs() / py.epochWithValidationMs());
        return r;
    }

    private static Map<String, Object> pythonSummary(JsonObject py, Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("torch", py.get("torch").getAsString());
        m.put("cv2", py.get("cv2").getAsString());
        m.put("workers", py.get("workers").getAsInt());
        m.put("params", py.get("params").getAsLong());
        m.put("timed_epochs", py.getAsJsonArray("epochs").size());
        m.putAll(s.toMap());
        m.put("decode_ms", py.get("decode_ms").getAsDouble());
        return m;
    }

    private void printTable(
            PrintStream out,
            int n,
            JsonObject py,
            List<Map<String, Object>> rows,
            Summary pySummary) {
        out.printf(
                Locale.ROOT,
                "threads %d; 1 warm-up epoch, then %d timed; image cache warm; Java prefetch "
                        + (noPrefetch ? "off" : "on")
                        + "; %s%n",
                n,
                epochs,
                py == null
                        ? "no Python reference (--no-python)"
                        : "Python torch "
                                + py.get("torch").getAsString()
                                + ", cv2 "
                                + py.get("cv2").getAsString()
                                + ", DataLoader num_workers "
                                + py.get("workers").getAsInt());
        out.println("native: " + BenchSides.nativeSettings());
        out.printf(
                Locale.ROOT,
                "%-7s %-8s %9s %9s %9s %9s %6s %10s %8s %10s %6s %9s%n",
                "side",
                "engine",
                "epoch_ms",
                "median_ms",
                "step_ms",
                "wait_ms",
                "wait%",
                "samples/s",
                "val_ms",
                "warmup_ms",
                "ratio",
                "ratio_med");
        for (Map<String, Object> r : rows) {
            line(
                    out,
                    "java",
                    (String) r.get("engine"),
                    (double) r.get("epoch_ms"),
                    (double) r.get("epoch_ms_median"),
                    (double) r.get("step_ms"),
                    (double) r.get("data_wait_ms"),
                    (double) r.get("data_wait_share"),
                    (double) r.get("samples_per_s"),
                    (double) r.get("validation_ms"),
                    (double) r.get("warmup_epoch_ms"),
                    twoDecimals(r.get("ratio")),
                    twoDecimals(r.get("ratio_median")));
        }
        if (pySummary != null) {
            line(
                    out,
                    "python",
                    "torch",
                    pySummary.epochMs(),
                    pySummary.epochMsMedian(),
                    pySummary.stepMs(),
                    pySummary.dataWaitMs(),
                    pySummary.dataWaitShare(),
                    pySummary.samplesPerS(),
                    pySummary.validationMs(),
                    pySummary.warmupEpochMs(),
                    "-",
                    "-");
        }
        out.println(
                "epoch_ms: training pass; wait_ms: step loop waiting for batches; val_ms: the"
                        + " validation pass after it; ratio: java / python epoch_ms (goal <= 0.9);"
                        + " ratio_med: java / python median_ms");
    }

    private static void line(
            PrintStream out,
            String side,
            String engine,
            double epochMs,
            double medianMs,
            double stepMs,
            double waitMs,
            double share,
            double samplesPerS,
            double valMs,
            double warmupMs,
            String ratio,
            String ratioMedian) {
        out.printf(
                Locale.ROOT,
                "%-7s %-8s %9.1f %9.1f %9.1f %9.1f %5.1f%% %10.1f %8.1f %10.1f %6s %9s%n",
                side,
                engine,
                epochMs,
                medianMs,
                stepMs,
                waitMs,
                100 * share,
                samplesPerS,
                valMs,
                warmupMs,
                ratio,
                ratioMedian);
    }

    private static String twoDecimals(Object ratio) {
        return ratio == null
                ? "-"
                : String.format(Locale.ROOT, "%.2f", ((Number) ratio).doubleValue());
    }

    private JsonObject runPython(int n, Path dir) throws IOException, InterruptedException {
        PythonTorchReference ref = sides.reference("bench/epoch_reference.py");
        ref.ensureInstalled(PYTHON_MODULES);
        List<String> args = pythonArgs(n, dir);
        System.err.println("bench epoch: running " + ref.script() + " " + String.join(" ", args));
        return ref.run(n, args);
    }

    /** The reference script's arguments: the same faces, recipe and seed as the Java side. */
    private List<String> pythonArgs(int n, Path dir) {
        return List.of(
                "--data",
                dir.toAbsolutePath().normalize().toString(),
                "--threads",
                Integer.toString(n),
                "--workers",
                Integer.toString(workers),
                "--epochs",
                Integer.toString(epochs),
                "--limit",
                Integer.toString(limit),
                "--seed",
                Long.toString(seed),
                "--batch",
                Integer.toString(BATCH),
                "--input",
                WIDTH + "x" + HEIGHT,
                "--lr",
                Float.toString(LEARNING_RATE),
                "--rotate",
                Double.toString(ROTATE),
                "--shift",
                Double.toString(SHIFT),
                "--jitter",
                Double.toString(JITTER),
                "--flip",
                "on",
                "--last-train-person",
                Integer.toString(ImmSplit.REFERENCE_LAST_TRAIN_PERSON));
    }
}
