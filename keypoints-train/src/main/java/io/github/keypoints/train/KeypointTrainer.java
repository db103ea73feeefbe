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
import io.github.keypoints.data.load.SplitRule;
import io.github.keypoints.models.ConvolutionCheck;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.NativeMemorySettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trains a keypoint network with DJL's {@link Trainer} and returns it as a {@link TrainedModel}:
 * the model ready to predict with, its {@link TrainingProvenance}, the epoch history and honest
 * validation figures in original-image pixels.
 *
 * <p>Each epoch: the training samples in an order drawn from {@code (seed, epoch)} (the dataset's
 * own order when its sampling does not shuffle; and, for {@link EpochAware} datasets such as an
 * augmenting {@link FaceLandmarkDataset}, the epoch set before it starts, so its draws depend on
 * the epoch alone); for each batch forward, loss, backward on every device of the run
 * (data-parallel when there are several GPUs) and an Adam step; then a validation pass. A {@link
 * FaceLandmarkDataset}'s next batch is prepared (decoded from the cache, augmented, normalised) on
 * a background thread while the current one trains, and the next epoch's first batch while the
 * current epoch validates ({@link Builder#optPrefetch}); {@link EpochListener#onBatchTiming}
 * reports the wait and the step time of every batch.
 *
 * <p>Everything else is a side job, a {@link KeypointTrainingListener} (a DJL {@code
 * TrainingListener}) a run may have or leave out ({@link Builder#optJobs}); by default {@link
 * TrainingJobs#standard}: the {@link NonFiniteGuard} (a non-finite loss stops the run naming the
 * batch's samples), {@link ValidationMetrics} (pixel errors, MAE, NME), and with a run folder a
 * {@link CheckpointSaver} (the model directory plus optimiser state after every epoch; resuming
 * continues with the losses of an uninterrupted run on CPU), a {@link HistoryWriter} ({@code
 * history.csv}, loss curve) and {@link ReportPictures} (filters, best and worst predictions).
 *
 * <p>The network is a {@link KeypointBlock} and the run has a {@link ModelSpec}: given with {@link
 * Builder#optModelSpec}, or derived from the block and a {@link FaceLandmarkDataset} ({@link
 * ModelSpec#of}). With a run folder the trained model is also saved there as a {@link
 * KeypointModel} directory ({@value #MODEL_DIRECTORY}), the one saved-model format, which {@link
 * KeypointModel#load(Path)} and DJL's {@code Criteria} read.
 * <!-- snippet-context: KeypointBlock block; FaceLandmarkDataset train;
 *      FaceLandmarkDataset validation; -->
 *
 * <pre>{@code
 * try (TrainedModel trained =
 *         KeypointTrainer.builder()
 *                 .setBlock(block)
 *                 .setTrainingData(train)          // its sampling sets the batch size
 *                 .setValidationData(validation)
 *                 .setEpochs(25)
 *                 .optSchedule(LearningRateSchedule.fixed(1e-3f))
 *                 .optRunDirectory(Path.of("runs/nose"))
 *                 .build()
 *                 .fit()) {
 *     System.out.println(trained.validation().meanPx() + " px");
 * }
 * }</pre>
 */
public final class KeypointTrainer {

    /** How many times a run repeats an epoch after a corrupted step unless told otherwise. */
    public static final int DEFAULT_RECOVERIES = 2;

    /** The default seed of a run. */
    public static final long DEFAULT_SEED = 0L;

    /** The run-folder entry of the saved model. */
    public static final String MODEL_DIRECTORY = "model";

    /**
     * The provenance key that describes the weight average of a run that keeps one ({@link
     * Builder#optWeightAverage}).
     */
    public static final String WEIGHT_AVERAGE_KEY = "weight_average";

    /** The prefix of this library's packages, whose listeners do not read gradients. */
    private static final String OWN_PACKAGES = "io.github.keypoints.";

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
    private final BestBy bestBy;
    private final boolean keepBest;
    private final Map<String, String> metadata;
    private final Initializer initializer;
    private final OptimizerStep.Gradients gradients;
    private final List<KeypointTrainingListener> jobs;
    private final List<TrainingListener> trainingListeners;
    private final List<EpochListener> epochListeners;
    private final PrintStream log;
    private final ModelSpec modelSpec;
    private final String dataSource;
    private final SplitRule split;
    private final LandmarkRecipe recipe;
    private final float weightAverage;
    private final int recoveries;
    private final boolean resume;
    private final java.util.function.Supplier<List<KeypointTrainingListener>> repeatJobs;

    private KeypointTrainer(
            Builder b,
            int batchSize,
            boolean shuffle,
            ModelSpec modelSpec,
            List<KeypointTrainingListener> jobs) {
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
        this.bestBy = b.bestBy;
        this.keepBest = b.keepBest;
        this.metadata = new LinkedHashMap<>(b.metadata);
        this.initializer = b.initializer;
        this.trainingListeners = List.copyOf(b.trainingListeners);
        this.epochListeners = List.copyOf(b.epochListeners);
        this.log = b.log;
        this.modelSpec = modelSpec;
        this.jobs = List.copyOf(jobs);
        this.gradients = b.gradients != null ? b.gradients : defaultGradients(jobs, b);
        this.dataSource = b.dataSource;
        this.split = b.split;
        this.recipe = b.recipe;
        this.weightAverage = b.weightAverage;
        this.recoveries = b.recoveries;
        this.resume = b.resume;
        if (b.jobMaker != null) {
            var maker = b.jobMaker;
            this.repeatJobs = () -> List.copyOf(maker.apply(true));
        } else if (b.jobs == null) {
            Path dir = b.runDirectory;
            boolean logScale = b.logScale;
            this.repeatJobs = () -> TrainingJobs.standard(dir, true, logScale);
        } else {
            this.repeatJobs = null;
        }
        if (weightAverage > 0) {
            metadata.put(
                    WEIGHT_AVERAGE_KEY,
                    "exponential moving average of the weights, decay "
                            + weightAverage
                            + " per step");
        }
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
        return runDirectory.resolve(CheckpointSaver.DIRECTORY);
    }

    /**
     * Runs the training (or, with a resuming {@link CheckpointSaver}, continues it from the last
     * checkpoint) up to the configured number of epochs.
     *
     * <p>A run with a run folder and the standard jobs (or a {@link Builder#optJobMaker}) recovers
     * from a corrupted step: when the {@link NonFiniteGuard} stops it ({@link
     * NonFiniteLossException}: a NaN, infinite or absurd loss) after it checkpointed an epoch of
     * its own, the run continues from the last checkpoint in this JVM, as {@link Builder#optResume}
     * would, and repeats the epoch; a step that went wrong once (seen on MXNet under heavy load)
     * then gives the numbers an undisturbed run has. When the same batch fails again, the fault is
     * the run's own (a diverging loss, a bad sample) and the exception reaches the caller, saying
     * so; so it does after {@link Builder#optRecoveries} repeats, before the run checkpointed an
     * epoch (a checkpoint another run left in the folder does not count, unless this run resumed
     * from it), or with one list of the caller's jobs ({@link Builder#optJobs}). The listeners
     * given to the builder hear the repeated epoch again.
     *
     * @return the trained model with its provenance, history and validation figures; the caller
     *     closes it
     * @throws IOException if data or run files cannot be read or written
     * @throws NonFiniteLossException if a loss stays NaN, infinite or absurd (see above)
     */
    public TrainedModel fit() throws IOException {
        long t0 = System.nanoTime();
        java.time.Instant started = java.time.Instant.now();
        List<KeypointTrainingListener> runJobs = jobs;
        NonFiniteLossException previous = null;
        int repeated = 0;
        while (true) {
            try {
                return attempt(runJobs, t0);
            } catch (NonFiniteLossException e) {
                String refusal = recoveryRefusal(e, previous, repeated, started);
                if (refusal != null) {
                    throw previous == null
                            ? e
                            : new NonFiniteLossException(
                                    e.getMessage() + "; " + refusal, e.epoch(), e.batch());
                }
                repeated++;
                previous = e;
                log.printf(
                        Locale.ROOT,
                        "%s%nrepeating from the last checkpoint (recovery %d of %d)%n",
                        e.getMessage(),
                        repeated,
                        recoveries);
                List<KeypointTrainingListener> next = repeatJobs.get();
                if (next.stream().noneMatch(j -> j instanceof CheckpointSaver c && c.resumes())) {
                    throw new IllegalStateException(
                            "optJobMaker(true) gave no resuming CheckpointSaver", e);
                }
                // The repeat judges its first batches by the losses seen so far, not by none.
                guard(runJobs).ifPresent(g -> guard(next).ifPresent(n -> n.continueFrom(g)));
                runJobs = next;
            }
        }
    }

    private static Optional<NonFiniteGuard> guard(List<KeypointTrainingListener> jobs) {
        return jobs.stream()
                .filter(NonFiniteGuard.class::isInstance)
                .map(NonFiniteGuard.class::cast)
                .findFirst();
    }

    /**
     * Why a stopped run is not repeated from its last checkpoint, or null if it is.
     *
     * @param e why this attempt stopped
     * @param previous why the previous attempt stopped, or null
     * @param repeated how many attempts were repeated so far
     * @param started when {@link #fit} started: an older checkpoint is another run's, unless this
     *     one resumed from it
     */
    private String recoveryRefusal(
            NonFiniteLossException e,
            NonFiniteLossException previous,
            int repeated,
            java.time.Instant started)
            throws IOException {
        if (previous != null && e.samePlace(previous)) {
            return "the same batch failed again after repeating from the last checkpoint, so this"
                    + " is the run itself (a diverging loss, a learning rate too high, a bad"
                    + " sample), not a passing fault";
        }
        if (repeated >= recoveries) {
            return repeated == 0
                    ? "no recovery allowed"
                    : "stopped after " + repeated + " recoveries";
        }
        if (repeatJobs == null || runDirectory == null) {
            return "no run folder with jobs the trainer can make again to repeat from";
        }
        Path history =
                checkpointDirectory(runDirectory)
                        .resolve(CheckpointSaver.LAST)
                        .resolve(Checkpoint.HISTORY_FILE);
        if (!Files.isRegularFile(history)
                || !resume && Files.getLastModifiedTime(history).toInstant().isBefore(started)) {
            return "no epoch of this run was checkpointed yet";
        }
        return null;
    }

    /** One attempt at the run with these jobs: {@link #fit}'s work. */
    private TrainedModel attempt(List<KeypointTrainingListener> jobs, long t0) throws IOException {
        Engine.getEngine(engine).setRandomSeed((int) seed);
        LandmarkDataset valInfo = (LandmarkDataset) validation;
        int steps = (int) ((train.size() + batchSize - 1) / batchSize);
        if (steps == 0) {
            throw new IllegalArgumentException("training dataset is empty");
        }
        if (validation.size() == 0) {
            throw new IllegalArgumentException("validation dataset is empty");
        }
        TrainingProvenance provenance = provenance();
        ValidationMetrics metrics =
                jobs.stream()
                        .filter(ValidationMetrics.class::isInstance)
                        .map(ValidationMetrics.class::cast)
                        .findFirst()
                        .orElse(null);
        List<EpochListener> hearEpochs = new ArrayList<>(jobs);
        hearEpochs.addAll(epochListeners);
        for (TrainingListener l : trainingListeners) {
            if (l instanceof EpochListener e && !hearEpochs.contains(e)) {
                hearEpochs.add(e);
            }
        }
        List<KeypointTrainingListener> hearRun = new ArrayList<>(jobs);
        for (TrainingListener l : trainingListeners) {
            if (l instanceof KeypointTrainingListener k && !hearRun.contains(k)) {
                hearRun.add(k);
            }
        }

        if (block.isInitialized()) {
            // Otherwise once the trainer has initialised it, so the check compares the
            // convolutions this network runs at this input size.
            ConvolutionCheck.verify(engine, block);
        }
        List<EpochRecord> history;
        EpochRecord reported;
        EvaluationResult reportedVal;
        byte[] finalParameters;
        String stopReason;
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
            jobs.forEach(config::addTrainingListeners);
            trainingListeners.forEach(config::addTrainingListeners);
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
                TrainingRun run =
                        new TrainingRun(
                                trainer,
                                model,
                                (KeypointBlock) block,
                                adam,
                                modelSpec,
                                provenance,
                                train,
                                validation,
                                log);
                for (KeypointTrainingListener l : hearRun) {
                    l.onRunStart(run);
                }
                run.start();
                trainer.initialize(input);
                ConvolutionCheck.verify(engine, block);
                OptimizerStep step = OptimizerStep.of(trainer, adam, gradients);
                try (WeightAverage average = startAverage(run, steps)) {
                    run.setAverage(average);
                    EpochRecord best =
                            run.history().stream()
                                    .min((a, b) -> Double.compare(bestBy.of(a), bestBy.of(b)))
                                    .orElse(null);
                    byte[] bestParameters = keepBest ? run.resumedBest() : null;
                    EvaluationResult lastVal = null;
                    // The next epoch's batches, begun while this epoch validates (prefetching).
                    List<List<Long>> nextBatches = null;
                    for (int epoch = run.history().size(); epoch < epochs; epoch++) {
                        long e0 = System.nanoTime();
                        final int ep = epoch;
                        hearEpochs.forEach(l -> l.onEpochStart(ep));
                        List<List<Long>> batches =
                                nextBatches != null
                                        ? nextBatches
                                        : beginEpoch(train, epoch, steps, prefetcher);
                        nextBatches = null;
                        double lossSum = 0;
                        long lossCount = 0;
                        for (int b = 0; b < steps; b++) {
                            List<Long> idx = batches.get(b);
                            long asked = System.nanoTime();
                            try (NDManager bm = trainer.getManager().newSubManager();
                                    Batch batch =
                                            prefetcher != null
                                                    ? batch(
                                                            bm,
                                                            prefetcher.take(),
                                                            idx,
                                                            b + 1L,
                                                            steps)
                                                    : batch(bm, train, idx, b + 1L, steps)) {
                                long ready = System.nanoTime();
                                double batchLoss =
                                        trainBatch(trainer, step, batch, epoch, b + 1L, steps);
                                lossSum += batchLoss * idx.size();
                                lossCount += idx.size();
                                step.apply();
                                if (average != null) {
                                    average.update();
                                }
                                long stepped = System.nanoTime();
                                final long done = b + 1L;
                                hearEpochs.forEach(
                                        l ->
                                                l.onBatchTiming(
                                                        done,
                                                        steps,
                                                        ready - asked,
                                                        stepped - ready));
                                hearEpochs.forEach(l -> l.onBatchEnd(done, steps, batchLoss));
                            }
                        }
                        float lr = schedule.rate((long) (epoch + 1) * steps - 1, steps, epochs);
                        if (prefetcher != null && epoch + 1 < epochs && validation != train) {
                            // The first batch of the next epoch is prepared during validation,
                            // so the next epoch's first step does not wait for it. Not when
                            // training and validation are one dataset: its epoch decides what
                            // validation reads.
                            nextBatches = beginEpoch(train, epoch + 1, steps, prefetcher);
                        }
                        Validation v =
                                validate(
                                        average == null ? trainer : average.trainer(),
                                        trainer,
                                        valInfo,
                                        validation,
                                        batchSize,
                                        metrics);
                        lastVal = v.result;
                        EpochRecord r =
                                new EpochRecord(
                                        epoch,
                                        lr,
                                        lossSum / lossCount,
                                        v.loss,
                                        v.result == null ? Double.NaN : v.result.meanPx(),
                                        v.result == null ? Double.NaN : v.result.maePx(),
                                        v.result == null ? Double.NaN : v.result.nme(),
                                        (System.nanoTime() - e0) / 1e9);
                        run.addEpoch(r);
                        boolean isBest = best == null || bestBy.of(r) < bestBy.of(best);
                        if (isBest) {
                            best = r;
                            if (keepBest) {
                                bestParameters =
                                        average == null ? run.parameters() : average.parameters();
                            }
                        }
                        trainer.notifyListeners(l -> l.onEpoch(trainer));
                        hearEpochs.forEach(l -> l.onEpochEnd(r, isBest));
                        if (run.stopReason().isPresent()) {
                            if (nextBatches != null && train instanceof EpochAware a) {
                                a.setEpoch(epoch); // the next epoch will not run
                            }
                            log.printf(
                                    Locale.ROOT,
                                    "stopped after epoch %d of %d: %s%n",
                                    epoch + 1,
                                    epochs,
                                    run.stopReason().get());
                            break;
                        }
                    }
                    stopReason = run.stopReason().orElse(null);
                    history = List.copyOf(run.history());
                    if (history.isEmpty()) {
                        throw new IllegalArgumentException("epochs must be at least 1");
                    }
                    reported = history.get(history.size() - 1);
                    reportedVal = lastVal;
                    if (keepBest && best != null && best != reported) {
                        if (bestParameters == null) {
                            throw new IllegalStateException(
                                    "The best epoch ("
                                            + (best.epoch() + 1)
                                            + ") came before the resume and its checkpoint is gone:"
                                            + " keeping the best epoch needs the "
                                            + CheckpointSaver.BEST
                                            + " checkpoint");
                        }
                        run.loadParameters(bestParameters);
                        reported = best;
                        reportedVal = null;
                    }
                    if (reportedVal == null && metrics != null) {
                        // A fresh trainer sees the block's current arrays.
                        DefaultTrainingConfig fresh =
                                new DefaultTrainingConfig(loss)
                                        .optDevices(devices)
                                        .addTrainingListeners(metrics);
                        try (Trainer t = model.newTrainer(fresh)) {
                            reportedVal =
                                    validate(t, t, valInfo, validation, batchSize, metrics).result;
                        }
                    }
                    finalParameters = run.parameters();
                    if (average != null && reported == history.get(history.size() - 1)) {
                        // The last epoch is reported: its model is the average.
                        finalParameters = average.parameters();
                    }
                }
            }
        }
        KeypointModel trained =
                KeypointModel.fromParameters(
                        modelSpec.withProvenance(
                                savedProvenance(provenance, reported, reportedVal, stopReason)),
                        finalParameters,
                        engine,
                        devices[0]);
        try {
            Path directory = null;
            if (runDirectory != null) {
                directory = runDirectory.resolve(MODEL_DIRECTORY);
                trained.save(directory);
            }
            TrainedModel result =
                    new TrainedModel(
                            trained,
                            provenance,
                            history,
                            reported,
                            reportedVal,
                            directory,
                            trainableParameters(trained.block()),
                            (System.nanoTime() - t0) / 1e9,
                            stopReason);
            for (KeypointTrainingListener l : hearRun) {
                l.onRunEnd(result);
            }
            return result;
        } catch (IOException | RuntimeException e) {
            trained.close();
            throw e;
        }
    }

    /**
     * Starts the run's weight average after the trainer has initialised the network: from a resumed
     * average, else from the network's weights; null when the run does not average.
     */
    private WeightAverage startAverage(TrainingRun run, int steps) throws IOException {
        if (weightAverage <= 0) {
            return null;
        }
        byte[] start = run.resumedAverage();
        if (start == null) {
            if (!run.history().isEmpty()) {
                log.printf(
                        Locale.ROOT,
                        "the checkpoint resumed holds no weight average: the average starts from"
                                + " its weights after epoch %d%n",
                        run.history().size());
            }
            start = run.parameters();
        }
        long total = (long) steps * epochs;
        long takesOver = WeightAverage.decayTakesOver(weightAverage);
        if (takesOver > total) {
            log.printf(
                    Locale.ROOT,
                    "weight average: its decay %s takes over from the warm-up after %,d steps and"
                            + " this run has %,d, so the warm-up sets it throughout (the average"
                            + " spans about a ninth of the steps so far, %,d at the end): decays"
                            + " above %s train the same%n",
                    weightAverage,
                    takesOver,
                    total,
                    total / 9,
                    WeightAverage.decayAt(1f, total - 1));
        }
        return new WeightAverage(
                modelSpec,
                (KeypointBlock) block,
                start,
                weightAverage,
                (long) run.history().size() * steps,
                engine,
                devices,
                loss);
    }

    /** The run's typed provenance. */
    private TrainingProvenance provenance() {
        return new TrainingProvenance(
                dataSource != null ? dataSource : train.getClass().getSimpleName(),
                Optional.ofNullable(split),
                Optional.ofNullable(recipe),
                seed,
                engine,
                epochs,
                batchSize,
                loss.getName(),
                schedule,
                train.size(),
                validation.size(),
                metadata);
    }

    /**
     * What the saved model's {@code model.json} records: the spec's own provenance, the run's, the
     * reported epoch and its validation figures.
     */
    private Map<String, String> savedProvenance(
            TrainingProvenance provenance,
            EpochRecord reported,
            EvaluationResult val,
            String stopReason) {
        Map<String, String> p = new LinkedHashMap<>(modelSpec.provenance());
        p.putAll(provenance.toMap());
        p.put("epoch", Integer.toString(reported.epoch() + 1));
        if (val != null) {
            p.put("val_mean_px", Double.toString(val.meanPx()));
            p.put("val_mae_px", Double.toString(val.maePx()));
            p.put("val_nme", Double.toString(val.nme()));
        }
        p.put("val_loss", Double.toString(reported.valLoss()));
        if (stopReason != null) {
            p.put("stopped_early", stopReason);
        }
        return p;
    }

    /**
     * Sets up one epoch: tells an {@link EpochAware} dataset the epoch (augmentation draws derive
     * from dataset seed, epoch and index, so a resumed run draws what it would have drawn), splits
     * the epoch's order into batches and, when prefetching, starts preparing the first one.
     */
    private List<List<Long>> beginEpoch(
            RandomAccessDataset train, int epoch, int steps, BatchPrefetcher prefetcher) {
        if (train instanceof EpochAware a) {
            a.setEpoch(epoch);
        }
        List<Long> order =
                shuffle ? epochOrder(train.size(), seed, epoch) : epochOrder(train.size());
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
        return batches;
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

    /**
     * One training batch split across the run's devices, as DJL's EasyTrain does it; the listeners
     * hear it (with its loss, {@link LossBatchData}) before the optimiser step.
     */
    private static double trainBatch(
            Trainer trainer,
            OptimizerStep step,
            Batch batch,
            int epoch,
            long number,
            long batches) {
        Batch[] splits = batch.split(trainer.getDevices(), false);
        Map<Device, NDList> labels = new ConcurrentHashMap<>();
        Map<Device, NDList> predictions = new ConcurrentHashMap<>();
        double weighted = 0;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            for (Batch split : splits) {
                NDList x = split.getData();
                NDList y = split.getLabels();
                NDList preds = trainer.forward(x, y);
                NDArray lossValue = trainer.getLoss().evaluate(y, preds);
                step.backward(collector, lossValue);
                weighted += lossValue.getFloat() * split.getSize();
                labels.put(y.get(0).getDevice(), y);
                predictions.put(preds.get(0).getDevice(), preds);
            }
        }
        double loss = weighted / batch.getSize();
        LossBatchData data =
                new LossBatchData(batch, labels, predictions, loss, epoch, number, batches);
        trainer.notifyListeners(l -> l.onTrainingBatch(trainer, data));
        return loss;
    }

    /** Where this run's gradients go between backward pass and step (for tests). */
    OptimizerStep.Gradients gradients() {
        return gradients;
    }

    /**
     * {@code FRESH} unless a listener of the run comes from outside this library's packages (none
     * of the library's own reads the parameters' gradients).
     */
    private static OptimizerStep.Gradients defaultGradients(
            List<KeypointTrainingListener> jobs, Builder b) {
        List<TrainingListener> all = new ArrayList<>(jobs);
        all.addAll(b.trainingListeners);
        for (TrainingListener l : all) {
            if (!l.getClass().getName().startsWith(OWN_PACKAGES)) {
                return OptimizerStep.Gradients.ACCUMULATED;
            }
        }
        return OptimizerStep.Gradients.FRESH;
    }

    private record Validation(double loss, EvaluationResult result) {}

    /**
     * The validation pass of the network {@code forward} runs (the training network, or its weight
     * average): the loss, and, through {@code metrics} (which hears every batch like any listener
     * of {@code trainer}), the landmark errors.
     */
    private static Validation validate(
            Trainer forward,
            Trainer trainer,
            LandmarkDataset info,
            RandomAccessDataset data,
            int batchSize,
            ValidationMetrics metrics)
            throws IOException {
        if (metrics != null) {
            metrics.begin(info);
        }
        double lossSum = 0;
        long n = data.size();
        long batches = (n + batchSize - 1) / batchSize;
        for (long start = 0; start < n; start += batchSize) {
            List<Long> idx = new ArrayList<>();
            for (long i = start; i < Math.min(n, start + batchSize); i++) {
                idx.add(i);
            }
            try (NDManager bm = trainer.getManager().newSubManager();
                    Batch batch = batch(bm, data, idx, start / batchSize + 1, batches)) {
                NDList preds = forward.evaluate(batch.getData());
                lossSum +=
                        trainer.getLoss().evaluate(batch.getLabels(), preds).getFloat()
                                * idx.size();
                Device device = preds.singletonOrThrow().getDevice();
                TrainingListener.BatchData bd =
                        new TrainingListener.BatchData(
                                batch, Map.of(device, batch.getLabels()), Map.of(device, preds));
                trainer.notifyListeners(l -> l.onValidationBatch(trainer, bd));
            }
        }
        return new Validation(lossSum / n, metrics == null ? null : metrics.result());
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
        if (!(data instanceof LandmarkDataset info)) {
            throw new IllegalArgumentException("The data must implement LandmarkDataset");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        ValidationMetrics metrics = new ValidationMetrics();
        try (Model model = Model.newInstance("keypoints-eval", Device.cpu(), engine)) {
            model.setBlock(block);
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(
                                    loss == null ? new MseLoss(MseLoss.Reduction.MEAN) : loss)
                            .optDevices(new Device[] {Device.cpu()})
                            .addTrainingListeners(metrics);
            try (Trainer trainer = model.newTrainer(config)) {
                Validation v = validate(trainer, trainer, info, data, batchSize, metrics);
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
        private int recoveries = DEFAULT_RECOVERIES;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private Initializer initializer;
        private OptimizerStep.Gradients gradients;
        private final List<TrainingListener> trainingListeners = new ArrayList<>();
        private final List<EpochListener> epochListeners = new ArrayList<>();
        private PrintStream log = System.err;
        private ModelSpec modelSpec;
        private List<KeypointTrainingListener> jobs;
        private java.util.function.Function<Boolean, List<? extends KeypointTrainingListener>>
                jobMaker;
        private String dataSource;
        private SplitRule split;
        private LandmarkRecipe recipe;
        private float weightAverage;

        private Builder() {}

        /**
         * Sets the run's side jobs, replacing the standard ones ({@link TrainingJobs#standard}):
         * pass a subset of them, other {@link KeypointTrainingListener}s, or nothing for a run that
         * only trains and reports its losses. Jobs hear events in this order, before the listeners
         * of {@link #addTrainingListener}.
         *
         * @param jobs the jobs
         * @return this builder
         */
        public Builder optJobs(List<? extends KeypointTrainingListener> jobs) {
            this.jobs = List.copyOf(jobs);
            return this;
        }

        /**
         * Sets a maker of the run's side jobs, instead of one list ({@link #optJobs(List)}): it is
         * called with whether the run resumes when the trainer is built, and again with {@code
         * true} for every repeat after a corrupted step ({@link KeypointTrainer#fit}), so a run
         * whose jobs are not the standard ones can repeat too. Each call must return fresh jobs,
         * with a {@link CheckpointSaver} that resumes when asked to.
         *
         * @param maker makes the jobs from the resume flag
         * @return this builder
         */
        public Builder optJobMaker(
                java.util.function.Function<Boolean, List<? extends KeypointTrainingListener>>
                        maker) {
            this.jobMaker = Objects.requireNonNull(maker, "maker");
            return this;
        }

        /**
         * Sets the run's side jobs; see {@link #optJobs(List)}.
         *
         * @param jobs the jobs
         * @return this builder
         */
        public Builder optJobs(KeypointTrainingListener... jobs) {
            return optJobs(List.of(jobs));
        }

        /**
         * Names the training data in the provenance (for example the database folder), default the
         * dataset's class name.
         *
         * @param dataSource a description of the data
         * @return this builder
         */
        public Builder optDataSource(String dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * Records how the faces were split in the provenance, so evaluation can rebuild the
         * validation faces from the saved model.
         *
         * @param split the rule
         * @return this builder
         */
        public Builder optSplit(SplitRule split) {
            this.split = Objects.requireNonNull(split, "split");
            return this;
        }

        /**
         * Records the recipe in the provenance ({@link LandmarkRecipe#trainer} sets it).
         *
         * @param recipe the recipe
         * @return this builder
         */
        public Builder optRecipe(LandmarkRecipe recipe) {
            this.recipe = Objects.requireNonNull(recipe, "recipe");
            return this;
        }

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
         * Keeps an exponential moving average of the network's weights, updated after every
         * optimiser step (off by default). The network trains on with its own weights, while
         * validation, the choice of the best epoch ({@link #optKeepBest}), the checkpoints' model
         * and the model the run returns and saves are the average; every parameter is averaged,
         * BatchNorm's running statistics included. After update {@code t} of the run the average
         * moves by {@code 1 - d} towards the weights, {@code d = min(decay, (1 + t) / (10 + t))},
         * so it spans about {@code 1 / (1 - decay)} steps once {@code t} passes about {@code 10 /
         * (1 - decay)}, and before that about the last ninth of the steps so far (a run too short
         * for its decay to take over says so in the log, and trains the same with any such decay).
         * A checkpoint keeps the training weights beside the average ({@link
         * Checkpoint#TRAINING_PARAMS_FILE}), so a resumed run goes on with both; the provenance
         * records the decay ({@link #WEIGHT_AVERAGE_KEY}).
         *
         * @param decay the decay per step, in (0, 1), such as 0.998; 0 turns the average off
         * @return this builder
         * @throws IllegalArgumentException if the decay is outside [0, 1)
         */
        public Builder optWeightAverage(float decay) {
            if (!(decay >= 0 && decay < 1)) {
                throw new IllegalArgumentException(
                        "The weight average's decay must be in (0, 1), or 0 for none; got "
                                + decay);
            }
            this.weightAverage = decay;
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
         * Sets the run folder: the trained model is saved there ({@value #MODEL_DIRECTORY}), and
         * the standard jobs write their checkpoints, history and pictures there; without one
         * nothing is written.
         *
         * @param runDirectory the folder
         * @return this builder
         */
        public Builder optRunDirectory(Path runDirectory) {
            this.runDirectory = runDirectory;
            return this;
        }

        /**
         * Makes the standard checkpoint job continue from the run folder's {@code last} checkpoint
         * if there is one (with {@link #optJobs}, give the {@link CheckpointSaver} its own resume
         * flag instead).
         *
         * @param resume whether to resume
         * @return this builder
         */
        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /**
         * Sets how many times a run may repeat an epoch from its last checkpoint after a NaN,
         * infinite or absurd loss ({@link #fit()}; default {@value #DEFAULT_RECOVERIES}; 0 stops at
         * the first, as before). Needs a run folder and the standard jobs or a {@link
         * #optJobMaker}; a batch that fails again after its repeat stops the run whatever the
         * count.
         *
         * @param recoveries how many repeats a run may make, at least 0
         * @return this builder
         */
        public Builder optRecoveries(int recoveries) {
            if (recoveries < 0) {
                throw new IllegalArgumentException("recoveries must be >= 0, got " + recoveries);
            }
            this.recoveries = recoveries;
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
         * thread while the current one trains, the next epoch's first batch while the current epoch
         * validates (unless training and validation are the same dataset object, whose epoch
         * decides what validation reads), default true. Both ways train and validate on identical
         * tensors; off, the step waits for every batch's decoding and augmentation.
         *
         * @param prefetch whether to prepare batches ahead
         * @return this builder
         */
        public Builder optPrefetch(boolean prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /**
         * Makes the standard history job draw the loss curve with a logarithmic loss axis (default
         * true).
         *
         * @param logScale whether to use a log scale
         * @return this builder
         */
        public Builder optLogScale(boolean logScale) {
            this.logScale = logScale;
            return this;
        }

        /**
         * Adds a pair to the run's provenance ({@link TrainingProvenance#extra()}), recorded in
         * every checkpoint and the saved model.
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
         * Sets where each batch's gradients go between the backward pass and the optimiser step
         * ({@link OptimizerStep.Gradients}). By default {@link OptimizerStep.Gradients#FRESH} (on
         * PyTorch on the CPU, computed at the step, after the listeners have heard the batch, as
         * arrays of the step's own, in the same libtorch call as Adam's update; nothing accumulated
         * into or cleared from the parameters' gradients: a faster step, the same weights) unless
         * the run has a listener from outside this library, which might read the parameters'
         * gradients when it hears a batch: then {@link OptimizerStep.Gradients#ACCUMULATED}, as
         * DJL's trainer leaves them. Set {@code FRESH} for a run whose listeners do not read
         * gradients, {@code ACCUMULATED} for one whose do.
         *
         * @param gradients where the gradients go
         * @return this builder
         */
        public Builder optGradients(OptimizerStep.Gradients gradients) {
            this.gradients = Objects.requireNonNull(gradients, "gradients");
            return this;
        }

        /**
         * Adds a DJL training listener (it hears every batch and epoch; see {@link #optGradients}
         * for a listener that reads the parameters' gradients).
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
         * ModelSpec#of} derives from them; other training data needs it.
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
            if (!(block instanceof KeypointBlock kb)) {
                throw new IllegalArgumentException(
                        "The block must be a KeypointBlock (the trainer returns and saves a"
                                + " KeypointModel), not "
                                + block.getClass().getName());
            }
            ModelSpec spec = modelSpec;
            if (spec == null) {
                if (!(train instanceof FaceLandmarkDataset f)) {
                    throw new IllegalArgumentException(
                            "Missing model spec: training data other than a FaceLandmarkDataset"
                                    + " does not say how photos become tensors; call"
                                    + " optModelSpec()");
                }
                // The spec follows from the network and the data: the model reloads with no
                // other argument.
                spec = ModelSpec.of(kb, f);
            }
            // A saved model must prepare photos as its training data did.
            if (train instanceof FaceLandmarkDataset f) {
                spec.checkMatches(f);
            }
            if (validation instanceof FaceLandmarkDataset f) {
                spec.checkMatches(f);
            }
            if (jobs != null && jobMaker != null) {
                throw new IllegalArgumentException("Set optJobs or optJobMaker, not both");
            }
            List<KeypointTrainingListener> runJobs =
                    jobMaker != null
                            ? List.copyOf(jobMaker.apply(resume))
                            : jobs != null
                                    ? jobs
                                    : TrainingJobs.standard(runDirectory, resume, logScale);
            if (resume && runJobs.stream().noneMatch(CheckpointSaver.class::isInstance)) {
                throw new IllegalArgumentException(
                        "optResume(true) needs a CheckpointSaver among the jobs"
                                + (runDirectory == null
                                        ? " and a run folder (optRunDirectory)"
                                        : ""));
            }
            if (resume
                    && (jobs != null || jobMaker != null)
                    && runJobs.stream()
                            .filter(CheckpointSaver.class::isInstance)
                            .noneMatch(j -> ((CheckpointSaver) j).resumes())) {
                throw new IllegalArgumentException(
                        "optResume(true) with optJobs: the CheckpointSaver given was built not to"
                                + " resume; build it with resume = true");
            }
            if (bestBy != BestBy.VAL_LOSS
                    && runJobs.stream().noneMatch(ValidationMetrics.class::isInstance)) {
                throw new IllegalArgumentException(
                        "optBestBy("
                                + bestBy
                                + ") needs pixel figures: add a ValidationMetrics job");
            }
            NativeMemorySettings.warnOnceIfMissing();
            NativeMemorySettings.warnOnceIfMxNetCopiesUseOpenMp(engine);
            return new KeypointTrainer(this, batch, shuffled, spec, runJobs);
        }
    }
}
