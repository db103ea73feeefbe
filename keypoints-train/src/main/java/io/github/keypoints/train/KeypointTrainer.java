package io.github.keypoints.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.translate.Batchifier;
import ai.djl.util.Pair;
import io.github.keypoints.data.LandmarkDataset;
import io.github.keypoints.data.dataset.EpochAware;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.PreparedBatch;
import io.github.keypoints.data.io.AtomicOutput;
import io.github.keypoints.models.ConvolutionCheck;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;

/**
 * Trains a keypoint regressor with DJL's {@link Trainer} and reports honest validation figures in
 * original-image pixels.
 *
 * <p>Each epoch: the training samples in an order drawn from {@code (seed, epoch)} (and, for {@link
 * EpochAware} datasets such as an augmenting {@link FaceLandmarkDataset}, the epoch set before it
 * starts, so its draws depend on the epoch alone); for each batch forward, loss, backward on every
 * device of the run (data-parallel when there are several GPUs) and an Adam step; then the
 * validation loss and {@link LandmarkErrors metrics}, one line of {@code history.csv}, the loss
 * curve, and the {@code last} checkpoint (and {@code best} when the epoch improves on {@link
 * BestBy}), every file written atomically. Because the optimiser state and the data order are both
 * in or derived from the checkpoint, a resumed run continues with the same losses as an
 * uninterrupted one on CPU.
 *
 * <p>A {@link FaceLandmarkDataset}'s next batch is prepared (decoded from the cache, augmented,
 * normalised) on a background thread while the current one trains, so the step only waits when
 * preparing a batch takes longer than a step; other datasets are read on the step thread. Both ways
 * give identical tensors ({@link Builder#optPrefetch}). {@link EpochListener#onBatchTiming} reports
 * the wait and the step time of every batch.
 *
 * <p>At the end the run folder holds the model: a {@link KeypointModel} directory {@code model/}
 * that reloads with no other arguments, with the spec of {@link Builder#optModelSpec} or, for a
 * {@link KeypointBlock} trained on a {@link FaceLandmarkDataset}, the spec derived from them
 * ({@link ModelSpec#of}); only a network or dataset outside those types saves {@code model.kpt}
 * (the last or best epoch's weights with the metadata, no optimiser state); and {@code gallery.png}
 * (best and worst validation predictions) and {@code filters.png} (first convolution). A non-finite
 * training or validation loss stops the run with a {@link NonFiniteLossException} naming the epoch,
 * the batch and its samples.
 * <!-- snippet-context: KeypointBlock block; FaceLandmarkDataset train;
 *      FaceLandmarkDataset validation; -->
 *
 * <pre>{@code
 * TrainingReport report = KeypointTrainer.builder()
 *         .setBlock(block)
 *         .setTrainingData(train)          // RandomAccessDataset & LandmarkDataset
 *         .setValidationData(validation)
 *         .setEpochs(25)
 *         .setBatchSize(15)
 *         .optSchedule(LearningRateSchedule.fixed(1e-3f))
 *         .optRunDirectory(Path.of("runs/nose"))
 *         .build()
 *         .fit();
 * }</pre>
 */
public final class KeypointTrainer {

    /** The default seed of a run. */
    public static final long DEFAULT_SEED = 0L;

    /** The run-folder entry of the saved model when a {@link ModelSpec} is given. */
    public static final String MODEL_DIRECTORY = "model";

    private final Block block;
    private final RandomAccessDataset train;
    private final RandomAccessDataset validation;
    private final int epochs;
    private final int batchSize;
    private final boolean prefetch;
    private final boolean shuffle;
    private final Loss loss;
    private final LearningRateSchedule schedule;
    private final long seed;
    private final String engine;
    private final Device[] devices;
    private final Path runDirectory;
    private final boolean resume;
    private final BestBy bestBy;
    private final boolean keepBest;
    private final boolean logScale;
    private final Map<String, String> metadata;
    private final Initializer initializer;
    private final List<TrainingListener> trainingListeners;
    private final List<EpochListener> epochListeners;
    private final PrintStream log;
    private final ModelSpec modelSpec;

    private KeypointTrainer(Builder b, int batchSize, boolean shuffle, ModelSpec modelSpec) {
        this.block = b.block;
        this.train = b.train;
        this.validation = b.validation;
        this.epochs = b.epochs;
        this.batchSize = batchSize;
        this.prefetch = b.prefetch;
        this.shuffle = shuffle;
        this.loss = b.loss == null ? new MseLoss(MseLoss.Reduction.MEAN) : b.loss;
        this.schedule = b.schedule;
        this.seed = b.seed;
        this.engine = b.engine;
        this.devices =
                b.devices == null
                        ? DeviceSelection.forEngine(b.engine, Integer.MAX_VALUE)
                        : b.devices.clone();
        this.runDirectory = b.runDirectory;
        this.resume = b.resume;
        this.bestBy = b.bestBy;
        this.keepBest = b.keepBest;
        this.logScale = b.logScale;
        this.metadata = new LinkedHashMap<>(b.metadata);
        this.initializer = b.initializer;
        this.trainingListeners = List.copyOf(b.trainingListeners);
        this.epochListeners = List.copyOf(b.epochListeners);
        this.log = b.log;
        this.modelSpec = modelSpec;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the seed of an epoch's data order and augmentation, derived from the run seed.
     *
     * @param seed the run seed
     * @param epoch the epoch index
     * @return the epoch seed
     */
    public static long epochSeed(long seed, int epoch) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch).nextLong();
    }

    /**
     * Returns the sample order of an epoch: a permutation of {@code 0..size-1} drawn from {@link
     * #epochSeed(long, int)}.
     *
     * @param size the number of samples
     * @param seed the run seed
     * @param epoch the epoch index
     * @return the order
     */
    public static List<Long> epochOrder(long size, long seed, int epoch) {
        List<Long> order = epochOrder(size);
        Collections.shuffle(order, new Random(epochSeed(seed, epoch)));
        return order;
    }

    /** The samples in their own order, for a dataset that does not shuffle. */
    private static List<Long> epochOrder(long size) {
        List<Long> order = new ArrayList<>();
        for (long i = 0; i < size; i++) {
            order.add(i);
        }
        return order;
    }

    /**
     * Counts the trainable values of an initialised block.
     *
     * @param block the block
     * @return the number of values in parameters that require gradients
     */
    public static long trainableParameters(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient() && p.getValue().isInitialized()) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }

    /**
     * Returns the checkpoint folder of a run folder.
     *
     * @param runDirectory the run folder
     * @return {@code runDirectory/checkpoints}
     */
    public static Path checkpointDirectory(Path runDirectory) {
        return runDirectory.resolve("checkpoints");
    }

    /**
     * Runs the training (or continues it from the run folder's {@code last} checkpoint when
     * resuming) up to the configured number of epochs.
     *
     * @return the report
     * @throws IOException if data or run files cannot be read or written
     */
    public TrainingReport fit() throws IOException {
        long t0 = System.nanoTime();
        Engine.getEngine(engine).setRandomSeed((int) seed);
        LandmarkDataset trainInfo = (LandmarkDataset) train;
        LandmarkDataset valInfo = (LandmarkDataset) validation;
        int steps = (int) ((train.size() + batchSize - 1) / batchSize);
        if (steps == 0) {
            throw new IllegalArgumentException("training dataset is empty");
        }
        if (validation.size() == 0) {
            throw new IllegalArgumentException("validation dataset is empty");
        }
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.putIfAbsent("scheme", trainInfo.scheme().name());
        meta.putIfAbsent("input_width", Integer.toString(trainInfo.inputWidth()));
        meta.putIfAbsent("input_height", Integer.toString(trainInfo.inputHeight()));
        meta.put("engine", engine);
        meta.put("seed", Long.toString(seed));
        meta.put("loss", loss.getName());
        meta.put("schedule", schedule.toString());
        meta.put("batch_size", Integer.toString(batchSize));

        ConvolutionCheck.verify(engine);
        try (Model model = Model.newInstance("keypoints", devices[0], engine)) {
            model.setBlock(block);
            ResumableAdam adam =
                    ResumableAdam.builder()
                            .setBlock(block)
                            .optLearningRateTracker(schedule.toTracker(steps, epochs))
                            .build();
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(loss).optOptimizer(adam).optDevices(devices);
            if (initializer != null) {
                config.optInitializer(initializer, p -> true);
            }
            trainingListeners.forEach(config::addTrainingListeners);
            Path ckDir = runDirectory == null ? null : checkpointDirectory(runDirectory);
            List<EpochRecord> history;
            EpochRecord best;
            EvaluationResult lastVal = null;
            try (Trainer trainer = model.newTrainer(config);
                    BatchPrefetcher prefetcher =
                            prefetch && train instanceof FaceLandmarkDataset f
                                    ? new BatchPrefetcher(f)
                                    : null) {
                Shape input;
                try (NDManager m = trainer.getManager().newSubManager()) {
                    Record first = train.get(m, 0);
                    input = new Shape(1).addAll(first.getData().singletonOrThrow().getShape());
                }
                history = new ArrayList<>();
                if (resume && ckDir != null && Files.isRegularFile(ckDir.resolve("last.ckpt"))) {
                    Checkpoint ck = Checkpoint.load(ckDir.resolve("last.ckpt"));
                    // Before initialize(): the trainer's parameter store caches the arrays it sees.
                    ck.restoreParameters(block, model.getNDManager());
                    adam.loadState(model.getNDManager(), ck.optimizerState());
                    history.addAll(ck.history());
                    log.printf("resumed from %s after epoch %d%n", ckDir, ck.epochsDone());
                }
                trainer.initialize(input);
                best =
                        history.stream()
                                .min((a, b) -> Double.compare(bestBy.of(a), bestBy.of(b)))
                                .orElse(null);
                for (int epoch = history.size(); epoch < epochs; epoch++) {
                    long e0 = System.nanoTime();
                    final int ep = epoch;
                    epochListeners.forEach(l -> l.onEpochStart(ep));
                    if (train instanceof EpochAware a) {
                        // Augmentation draws derive from (dataset seed, epoch, index): setting the
                        // epoch here also makes a resumed run draw what it would have drawn.
                        a.setEpoch(epoch);
                    }
                    List<Long> order =
                            shuffle
                                    ? epochOrder(train.size(), seed, epoch)
                                    : epochOrder(train.size());
                    List<List<Long>> batches = new ArrayList<>(steps);
                    for (int b = 0; b < steps; b++) {
                        batches.add(
                                order.subList(
                                        b * batchSize,
                                        (int) Math.min(order.size(), (long) (b + 1) * batchSize)));
                    }
                    if (prefetcher != null) {
                        prefetcher.startEpoch(batches);
                    }
                    double lossSum = 0;
                    long lossCount = 0;
                    for (int b = 0; b < steps; b++) {
                        List<Long> idx = batches.get(b);
                        long asked = System.nanoTime();
                        try (NDManager bm = trainer.getManager().newSubManager();
                                Batch batch =
                                        prefetcher != null
                                                ? batch(bm, prefetcher.take(), idx, b + 1L, steps)
                                                : batch(bm, train, idx, b + 1L, steps)) {
                            long ready = System.nanoTime();
                            double batchLoss = trainBatch(trainer, batch);
                            if (!Double.isFinite(batchLoss)) {
                                throw new NonFiniteLossException(
                                        describeBatch(trainInfo, epoch, b, steps, idx, batchLoss));
                            }
                            lossSum += batchLoss * idx.size();
                            lossCount += idx.size();
                            trainer.step();
                            long stepped = System.nanoTime();
                            final long done = b + 1L;
                            epochListeners.forEach(
                                    l ->
                                            l.onBatchTiming(
                                                    done, steps, ready - asked, stepped - ready));
                            epochListeners.forEach(l -> l.onBatchEnd(done, steps, batchLoss));
                        }
                    }
                    float lr = schedule.rate((long) (epoch + 1) * steps - 1, steps, epochs);
                    Validation v = validate(trainer, valInfo);
                    if (!Double.isFinite(v.loss)) {
                        throw new NonFiniteLossException(
                                String.format(
                                        Locale.ROOT,
                                        "epoch %d/%d: validation loss is %s after a finite training"
                                                + " loss; the last finite checkpoint is %s",
                                        epoch + 1,
                                        epochs,
                                        v.loss,
                                        ckDir == null ? "not kept" : ckDir.resolve("last.ckpt")));
                    }
                    lastVal = v.result;
                    EpochRecord r =
                            new EpochRecord(
                                    epoch,
                                    lr,
                                    lossSum / lossCount,
                                    v.loss,
                                    v.result.meanPx(),
                                    v.result.maePx(),
                                    v.result.nme(),
                                    (System.nanoTime() - e0) / 1e9);
                    history.add(r);
                    boolean isBest = best == null || bestBy.of(r) < bestBy.of(best);
                    if (isBest) {
                        best = r;
                    }
                    if (ckDir != null) {
                        Checkpoint ck = Checkpoint.capture(meta, history, block, adam);
                        ck.save(ckDir.resolve("last.ckpt"));
                        if (isBest) {
                            ck.save(ckDir.resolve("best.ckpt"));
                        }
                        writeHistory(history);
                    }
                    trainer.notifyListeners(l -> l.onEpoch(trainer));
                    epochListeners.forEach(l -> l.onEpochEnd(r, isBest));
                }
            }
            if (history.isEmpty()) {
                throw new IllegalArgumentException("epochs must be at least 1");
            }
            EpochRecord reported = history.get(history.size() - 1);
            if (keepBest && best != null && best != reported) {
                if (ckDir == null) {
                    throw new IllegalStateException("keeping the best epoch needs a run folder");
                }
                Checkpoint.load(ckDir.resolve("best.ckpt"))
                        .restoreParameters(block, model.getNDManager());
                reported = best;
                lastVal = null;
            }
            if (lastVal == null) {
                // A fresh trainer sees the block's current arrays.
                try (Trainer fresh =
                        model.newTrainer(new DefaultTrainingConfig(loss).optDevices(devices))) {
                    lastVal = validate(fresh, valInfo).result;
                }
            }
            Path modelFile = null;
            if (runDirectory != null) {
                if (modelSpec != null) {
                    modelFile = runDirectory.resolve(MODEL_DIRECTORY);
                    saveModel(modelFile, meta, reported, lastVal);
                } else {
                    modelFile = runDirectory.resolve("model.kpt");
                    Map<String, String> modelMeta = new LinkedHashMap<>(meta);
                    modelMeta.put("epoch", Integer.toString(reported.epoch()));
                    Checkpoint.capture(modelMeta, history, block, null).save(modelFile);
                }
                writeReportImages(lastVal, valInfo);
            }
            return new TrainingReport(
                    history,
                    reported,
                    lastVal,
                    modelFile,
                    trainableParameters(block),
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * Writes the trained block as a {@link KeypointModel} directory: the spec the caller gave (with
     * this run's engine) plus provenance, so the model reloads with no other arguments.
     */
    private void saveModel(
            Path dir, Map<String, String> meta, EpochRecord reported, EvaluationResult val)
            throws IOException {
        if (!(block instanceof KeypointBlock kb)) {
            throw new IllegalStateException(
                    "a model spec needs a KeypointBlock, the block is " + block.getClass());
        }
        Map<String, String> provenance = new LinkedHashMap<>(meta);
        provenance.remove("architecture");
        provenance.remove("config");
        provenance.put("epoch", Integer.toString(reported.epoch() + 1));
        provenance.put("val_mean_px", Double.toString(val.meanPx()));
        provenance.put("val_mae_px", Double.toString(val.maePx()));
        provenance.put("val_nme", Double.toString(val.nme()));
        provenance.put("val_loss", Double.toString(reported.valLoss()));
        // The wrapper shares the trained arrays, which belong to the training model's manager:
        // closing the wrapper's own DJL model leaves them alive for the report images.
        try (KeypointModel saved = KeypointModel.create(modelSpec, kb, engine, devices[0])) {
            saved.save(dir, provenance);
        }
    }

    private static String describeBatch(
            LandmarkDataset info, int epoch, int batch, int steps, List<Long> idx, double loss) {
        StringBuilder ids = new StringBuilder();
        for (Long i : idx) {
            if (ids.length() > 0) {
                ids.append(", ");
            }
            ids.append(info.sample(i.intValue()).id());
        }
        return String.format(
                Locale.ROOT,
                "epoch %d, batch %d/%d: training loss is %s (samples: %s); stopped so the"
                        + " checkpoints keep the last finite epoch",
                epoch + 1,
                batch + 1,
                steps,
                loss,
                ids);
    }

    private void writeHistory(List<EpochRecord> history) throws IOException {
        StringBuilder csv = new StringBuilder(EpochRecord.CSV_HEADER).append('\n');
        for (EpochRecord r : history) {
            csv.append(r.toCsv()).append('\n');
        }
        AtomicOutput.writeString(runDirectory.resolve("history.csv"), csv.toString());
        LossCurvePlot.write(history, logScale, runDirectory.resolve("loss-curve.png"));
    }

    private void writeReportImages(EvaluationResult val, LandmarkDataset valInfo) {
        try {
            FilterGrid.write(block, runDirectory.resolve("filters.png"));
        } catch (IOException e) {
            log.println("warning: could not write filters.png: " + e.getMessage());
        }
        try {
            PredictionGallery.write(
                    val,
                    index -> readImage(valInfo.sample(index).image()),
                    4,
                    runDirectory.resolve("gallery.png"));
        } catch (IOException e) {
            log.println("warning: could not write gallery.png: " + e.getMessage());
        }
    }

    private static BufferedImage readImage(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException(file + ": not an image format Java can read");
        }
        return img;
    }

    /** A batch from arrays prepared ahead ({@link BatchPrefetcher}). */
    private static Batch batch(
            NDManager manager, PreparedBatch prepared, List<Long> idx, long progress, long total) {
        NDList[] xy = prepared.toNDLists(manager);
        return new Batch(
                manager,
                xy[0],
                xy[1],
                idx.size(),
                Batchifier.STACK,
                Batchifier.STACK,
                progress,
                total,
                idx);
    }

    private static Batch batch(
            NDManager manager, RandomAccessDataset data, List<Long> idx, long progress, long total)
            throws IOException {
        NDList[] x = new NDList[idx.size()];
        NDList[] y = new NDList[idx.size()];
        for (int i = 0; i < idx.size(); i++) {
            Record r = data.get(manager, idx.get(i));
            x[i] = r.getData();
            y[i] = r.getLabels();
        }
        return new Batch(
                manager,
                Batchifier.STACK.batchify(x),
                Batchifier.STACK.batchify(y),
                idx.size(),
                Batchifier.STACK,
                Batchifier.STACK,
                progress,
                total,
                idx);
    }

    /** One training batch split across the run's devices, as DJL's EasyTrain does it. */
    private static double trainBatch(Trainer trainer, Batch batch) {
        Batch[] splits = batch.split(trainer.getDevices(), false);
        TrainingListener.BatchData data =
                new TrainingListener.BatchData(
                        batch, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        double weighted = 0;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            for (Batch split : splits) {
                NDList x = split.getData();
                NDList y = split.getLabels();
                NDList preds = trainer.forward(x, y);
                NDArray lossValue = trainer.getLoss().evaluate(y, preds);
                collector.backward(lossValue);
                weighted += lossValue.getFloat() * split.getSize();
                data.getLabels().put(y.get(0).getDevice(), y);
                data.getPredictions().put(preds.get(0).getDevice(), preds);
            }
        }
        trainer.notifyListeners(l -> l.onTrainingBatch(trainer, data));
        return weighted / batch.getSize();
    }

    private record Validation(double loss, EvaluationResult result) {}

    private Validation validate(Trainer trainer, LandmarkDataset info) throws IOException {
        LandmarkErrors errors = new LandmarkErrors(info.scheme());
        double lossSum = 0;
        long n = validation.size();
        for (long start = 0; start < n; start += batchSize) {
            List<Long> idx = new ArrayList<>();
            for (long i = start; i < Math.min(n, start + batchSize); i++) {
                idx.add(i);
            }
            try (NDManager bm = trainer.getManager().newSubManager();
                    Batch batch = batch(bm, validation, idx, start / batchSize + 1, n)) {
                NDList preds = trainer.evaluate(batch.getData());
                lossSum +=
                        trainer.getLoss().evaluate(batch.getLabels(), preds).getFloat()
                                * idx.size();
                NDArray p = preds.singletonOrThrow();
                float[] flat =
                        p.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                int width = flat.length / idx.size();
                for (int i = 0; i < idx.size(); i++) {
                    errors.addRelative(
                            info,
                            idx.get(i).intValue(),
                            Arrays.copyOfRange(flat, i * width, (i + 1) * width));
                }
            }
        }
        return new Validation(lossSum / n, errors.result());
    }

    /**
     * Evaluates a trained block on a dataset without training, with the same code path as the
     * end-of-epoch validation, so the figures match what {@link #fit()} reported.
     *
     * @param block an initialised block with trained parameters
     * @param data the dataset, a {@link LandmarkDataset}
     * @param batchSize the batch size
     * @param engine the engine name
     * @param loss the loss to report, or {@code null} for mean MSE
     * @return the validation loss and metrics
     * @throws IOException if reading samples fails
     */
    public static Pair<Double, EvaluationResult> evaluate(
            Block block, RandomAccessDataset data, int batchSize, String engine, Loss loss)
            throws IOException {
        Builder b =
                builder()
                        .setBlock(block)
                        .setTrainingData(data)
                        .setValidationData(data)
                        .setEpochs(1)
                        .setBatchSize(batchSize)
                        .optEngine(engine)
                        .optDevices(new Device[] {Device.cpu()});
        if (loss != null) {
            b.optLoss(loss);
        }
        KeypointTrainer kt = b.build();
        try (Model model = Model.newInstance("keypoints-eval", Device.cpu(), engine)) {
            model.setBlock(block);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(kt.loss))) {
                Validation v = kt.validate(trainer, (LandmarkDataset) data);
                return new Pair<>(v.loss, v.result);
            }
        }
    }

    /** Builds a {@link KeypointTrainer}; required values are set with {@code setX}. */
    public static final class Builder {
        private Block block;
        private RandomAccessDataset train;
        private RandomAccessDataset validation;
        private int epochs;
        private int batchSize;
        private Loss loss;
        private LearningRateSchedule schedule = LearningRateSchedule.fixed(1e-3f);
        private long seed = DEFAULT_SEED;
        private String engine = "PyTorch";
        private Device[] devices;
        private Path runDirectory;
        private boolean resume;
        private boolean prefetch = true;
        private BestBy bestBy = BestBy.VAL_LOSS;
        private boolean keepBest;
        private boolean logScale = true;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private Initializer initializer;
        private final List<TrainingListener> trainingListeners = new ArrayList<>();
        private final List<EpochListener> epochListeners = new ArrayList<>();
        private PrintStream log = System.err;
        private ModelSpec modelSpec;

        private Builder() {}

        /**
         * Sets the network to train (required); its parameters are initialised by the trainer.
         *
         * @param block the block
         * @return this builder
         */
        public Builder setBlock(Block block) {
            this.block = block;
            return this;
        }

        /**
         * Sets the training data (required); it must also implement {@link LandmarkDataset}.
         *
         * @param train the training dataset
         * @return this builder
         */
        public Builder setTrainingData(RandomAccessDataset train) {
            this.train = train;
            return this;
        }

        /**
         * Sets the validation data (required); it must also implement {@link LandmarkDataset}.
         *
         * @param validation the validation dataset, un-augmented
         * @return this builder
         */
        public Builder setValidationData(RandomAccessDataset validation) {
            this.validation = validation;
            return this;
        }

        /**
         * Sets the total number of epochs (required; a resumed run continues up to it).
         *
         * @param epochs at least 1
         * @return this builder
         */
        public Builder setEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the batch size: required for datasets other than {@link FaceLandmarkDataset}, whose
         * sampling ({@code setSampling}) sets it (giving both, they must agree).
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the loss (default {@link MseLoss} with mean reduction).
         *
         * @param loss the loss
         * @return this builder
         */
        public Builder optLoss(Loss loss) {
            this.loss = loss;
            return this;
        }

        /**
         * Sets the Adam learning-rate schedule (default fixed 1e-3).
         *
         * @param schedule the schedule
         * @return this builder
         */
        public Builder optSchedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /**
         * Sets the run seed: it seeds the engine before parameter initialisation and derives every
         * epoch's data order and augmentation (default {@link #DEFAULT_SEED}).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the engine by name (default {@code PyTorch}).
         *
         * @param engine {@code PyTorch} or {@code MXNet}
         * @return this builder
         */
        public Builder optEngine(String engine) {
            this.engine = engine;
            return this;
        }

        /**
         * Sets the devices (default every GPU of the engine, else the CPU; see {@link
         * DeviceSelection}).
         *
         * @param devices the devices; batches are split across them
         * @return this builder
         */
        public Builder optDevices(Device[] devices) {
            this.devices = devices == null ? null : devices.clone();
            return this;
        }

        /**
         * Sets the run folder for checkpoints, history, plots and the model; without one nothing is
         * written.
         *
         * @param runDirectory the folder
         * @return this builder
         */
        public Builder optRunDirectory(Path runDirectory) {
            this.runDirectory = runDirectory;
            return this;
        }

        /**
         * Continues from the run folder's {@code last} checkpoint if there is one.
         *
         * @param resume whether to resume
         * @return this builder
         */
        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /**
         * Sets which validation figure picks the {@code best} checkpoint (default validation loss).
         *
         * @param bestBy the criterion
         * @return this builder
         */
        public Builder optBestBy(BestBy bestBy) {
            this.bestBy = bestBy;
            return this;
        }

        /**
         * Saves and reports the best epoch's model instead of the last one's.
         *
         * @param keepBest whether to keep the best epoch
         * @return this builder
         */
        public Builder optKeepBest(boolean keepBest) {
            this.keepBest = keepBest;
            return this;
        }

        /**
         * Sets whether a {@link FaceLandmarkDataset}'s next batch is prepared on a background
         * thread while the current one trains (default true). Both ways train on identical tensors;
         * off, the step waits for every batch's decoding and augmentation.
         *
         * @param prefetch whether to prepare batches ahead
         * @return this builder
         */
        public Builder optPrefetch(boolean prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /**
         * Draws the loss curve with a logarithmic loss axis (default true).
         *
         * @param logScale whether to use a log scale
         * @return this builder
         */
        public Builder optLogScale(boolean logScale) {
            this.logScale = logScale;
            return this;
        }

        /**
         * Adds a metadata pair stored in every checkpoint and the model file (architecture, scheme,
         * input size, normalisation, …).
         *
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder addMetadata(String key, String value) {
            metadata.put(key, value);
            return this;
        }

        /**
         * Sets an initialiser for every parameter, replacing the block's own.
         *
         * @param initializer the initialiser
         * @return this builder
         */
        public Builder optInitializer(Initializer initializer) {
            this.initializer = initializer;
            return this;
        }

        /**
         * Adds a DJL training listener (it hears every batch and epoch).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder addTrainingListener(TrainingListener listener) {
            trainingListeners.add(listener);
            return this;
        }

        /**
         * Adds a listener for epoch figures.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder addEpochListener(EpochListener listener) {
            epochListeners.add(listener);
            return this;
        }

        /**
         * Adds a {@link ProgressListener} drawing on {@code out} as both a training and an epoch
         * listener.
         *
         * @param out the stream, normally standard error
         * @return this builder
         */
        public Builder optProgress(PrintStream out) {
            ProgressListener p = new ProgressListener(out, Math.max(epochs, 1));
            trainingListeners.add(p);
            epochListeners.add(p);
            return this;
        }

        /**
         * Sets where notes such as "resumed from" go (default standard error).
         *
         * @param log the stream
         * @return this builder
         */
        public Builder optLog(PrintStream log) {
            this.log = log;
            return this;
        }

        /**
         * Makes the run save its final network as a {@link KeypointModel} directory ({@value
         * #MODEL_DIRECTORY} in the run folder) with this spec, so {@link KeypointModel#load(Path)}
         * and the inference API reload it with no other arguments. Without it, a {@link
         * KeypointBlock} trained on a {@link FaceLandmarkDataset} gets the spec {@link
         * ModelSpec#of} derives from them; any other run saves {@code model.kpt}, a {@link
         * Checkpoint} without optimiser state.
         *
         * @param spec the architecture, scheme, input size, crop and normalisation of the run; its
         *     architecture and configuration must be the block's, and {@link #build()} refuses a
         *     {@code FaceLandmarkDataset} that prepares photos otherwise ({@link
         *     ModelSpec#checkMatches}); {@link ModelSpec#datasetBuilder()} builds one that matches
         * @return this builder
         */
        public Builder optModelSpec(ModelSpec spec) {
            this.modelSpec = Objects.requireNonNull(spec, "spec");
            return this;
        }

        /**
         * Builds the trainer.
         *
         * @return the trainer
         * @throws IllegalArgumentException naming the missing or bad value
         */
        public KeypointTrainer build() {
            if (block == null) {
                throw new IllegalArgumentException("Missing block: call setBlock()");
            }
            if (train == null) {
                throw new IllegalArgumentException("Missing training data: call setTrainingData()");
            }
            if (validation == null) {
                throw new IllegalArgumentException(
                        "Missing validation data: call setValidationData()");
            }
            if (!(train instanceof LandmarkDataset) || !(validation instanceof LandmarkDataset)) {
                throw new IllegalArgumentException(
                        "Training and validation data must implement LandmarkDataset");
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("Missing epochs: call setEpochs(n >= 1)");
            }
            // Derived values stay local: the builder itself is not changed by build().
            int batch = batchSize;
            boolean shuffled = true;
            if (train instanceof FaceLandmarkDataset f) {
                // The dataset's sampling is the run's: its batch size, and its shuffling.
                if (batch < 1) {
                    batch = f.batchSize();
                } else if (batch != f.batchSize()) {
                    throw new IllegalArgumentException(
                            "The trainer's batch size "
                                    + batchSize
                                    + " disagrees with the training data's sampling, batch size "
                                    + f.batchSize()
                                    + "; set it in one place (setSampling on the dataset is"
                                    + " enough)");
                }
                shuffled = f.shuffles();
            }
            if (batch < 1) {
                throw new IllegalArgumentException("Missing batch size: call setBatchSize(n >= 1)");
            }
            if (engine == null || engine.isBlank()) {
                throw new IllegalArgumentException("Missing engine name: call optEngine()");
            }
            if (devices != null && devices.length == 0) {
                throw new IllegalArgumentException("Device list is empty");
            }
            if (modelSpec != null
                    && (!(block instanceof KeypointBlock kb)
                            || !kb.architecture().equals(modelSpec.architecture()))) {
                // Checked here, not when the model is saved after the last epoch.
                throw new IllegalArgumentException(
                        "The model spec describes a '"
                                + modelSpec.architecture()
                                + "' network but the block is "
                                + (block instanceof KeypointBlock kb
                                        ? "a '" + kb.architecture() + "'"
                                        : "not a KeypointBlock: " + block.getClass().getName()));
            }
            ModelSpec spec = modelSpec;
            if (spec == null
                    && block instanceof KeypointBlock kb
                    && train instanceof FaceLandmarkDataset f) {
                // The spec follows from the network and the data: the run saves a model
                // directory that reloads with no other argument.
                spec = ModelSpec.of(kb, f);
            }
            if (spec != null) {
                // A saved model must prepare photos as its training data did.
                if (train instanceof FaceLandmarkDataset f) {
                    spec.checkMatches(f);
                }
                if (validation instanceof FaceLandmarkDataset f) {
                    spec.checkMatches(f);
                }
            }
            return new KeypointTrainer(this, batch, shuffled, spec);
        }
    }
}
