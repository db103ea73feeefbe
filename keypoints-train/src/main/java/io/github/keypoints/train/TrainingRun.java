package io.github.keypoints.train;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.RandomAccessDataset;
import io.github.keypoints.data.LandmarkDataset;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A live view of a {@link KeypointTrainer} run for its {@link KeypointTrainingListener}s: the
 * network being trained, its spec and provenance, the data, the optimiser state and the epochs
 * finished so far. A checkpoint job reads it to save and, at the run's start, {@link #resume
 * resumes} it.
 */
public final class TrainingRun {

    private final Trainer trainer;
    private final Model model;
    private final KeypointBlock block;
    private final ResumableAdam optimizer;
    private final ModelSpec spec;
    private final TrainingProvenance provenance;
    private final RandomAccessDataset train;
    private final RandomAccessDataset validation;
    private final PrintStream log;
    private final List<EpochRecord> history = new ArrayList<>();
    private boolean started;
    private byte[] resumedBest;
    private byte[] resumedAverage;
    private WeightAverage average;
    private volatile String stopReason;

    TrainingRun(
            Trainer trainer,
            Model model,
            KeypointBlock block,
            ResumableAdam optimizer,
            ModelSpec spec,
            TrainingProvenance provenance,
            RandomAccessDataset train,
            RandomAccessDataset validation,
            PrintStream log) {
        this.trainer = trainer;
        this.model = model;
        this.block = block;
        this.optimizer = optimizer;
        this.spec = spec;
        this.provenance = provenance;
        this.train = train;
        this.validation = validation;
        this.log = log;
    }

    /**
     * Returns DJL's trainer of the run.
     *
     * @return the trainer
     */
    public Trainer trainer() {
        return trainer;
    }

    /**
     * Returns the network being trained (its arrays belong to the run: read them, do not close
     * them).
     *
     * @return the block
     */
    public KeypointBlock block() {
        return block;
    }

    /**
     * Returns the spec the run's model is saved with.
     *
     * @return the spec
     */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * Returns how the run trains.
     *
     * @return the provenance
     */
    public TrainingProvenance provenance() {
        return provenance;
    }

    /**
     * Returns the training samples.
     *
     * @return the training data, as a {@link LandmarkDataset}
     */
    public LandmarkDataset trainingSamples() {
        return (LandmarkDataset) train;
    }

    /**
     * Returns the validation samples.
     *
     * @return the validation data, as a {@link LandmarkDataset}
     */
    public LandmarkDataset validationSamples() {
        return (LandmarkDataset) validation;
    }

    /**
     * Returns the number of epochs the run is set to.
     *
     * @return the epochs
     */
    public int epochs() {
        return provenance.epochs();
    }

    /**
     * Returns where the run's notes go (such as "resumed from").
     *
     * @return the stream
     */
    public PrintStream log() {
        return log;
    }

    /**
     * Returns the finished epochs, including those before a resume.
     *
     * @return an unmodifiable live view, oldest first
     */
    public List<EpochRecord> history() {
        return Collections.unmodifiableList(history);
    }

    /**
     * Returns the network's parameters as bytes ({@link KeypointBlock#saveParameters}).
     *
     * @return the bytes
     * @throws IOException if serialising fails
     */
    public byte[] parameters() throws IOException {
        return parametersOf(block);
    }

    /** A block's parameters as bytes ({@link KeypointBlock#saveParameters}). */
    static byte[] parametersOf(KeypointBlock block) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out)) {
            block.saveParameters(data);
        }
        return out.toByteArray();
    }

    /**
     * Returns the optimiser's state as bytes ({@link ResumableAdam#saveState()}).
     *
     * @return the bytes
     * @throws IOException if serialising fails
     */
    public byte[] optimizerState() throws IOException {
        return optimizer.saveState();
    }

    /**
     * Continues the run from a checkpoint: its parameters, optimiser state and history replace the
     * fresh ones, so the run goes on with the losses an uninterrupted run would have had. Only
     * allowed in {@link KeypointTrainingListener#onRunStart}. A checkpoint of a run that averages
     * its weights ({@link KeypointTrainer.Builder#optWeightAverage}) holds the average as its model
     * and the training weights beside it ({@link Checkpoint#trainingParameters()}): the network
     * continues from the training weights and the average from the model.
     *
     * @param last the checkpoint to continue from
     * @param best the best epoch's checkpoint, if there is one (the run may keep the best)
     * @throws IOException if the checkpoint does not fit the run's network (naming both)
     * @throws IllegalStateException outside {@code onRunStart}
     */
    public void resume(Checkpoint last, Optional<Checkpoint> best) throws IOException {
        if (started) {
            throw new IllegalStateException("A run can only resume in onRunStart");
        }
        checkFits(last);
        // Before the trainer initialises the block: its parameter store caches the arrays.
        if (last.trainingParameters().isPresent()) {
            // An averaging run's checkpoint: its model is the average, the training weights
            // are beside it.
            loadParameters(last.trainingParameters().get());
            resumedAverage = last.parameters();
        } else {
            loadParameters(last.parameters());
        }
        optimizer.loadState(model.getNDManager(), last.optimizerState());
        history.clear();
        history.addAll(last.history());
        if (best.isPresent()) {
            checkFits(best.get());
            resumedBest = best.get().parameters();
        }
    }

    private void checkFits(Checkpoint c) {
        if (!c.spec().architecture().equals(spec.architecture())
                || !c.spec().config().equals(spec.config())) {
            throw new IllegalArgumentException(
                    "The checkpoint holds a "
                            + c.spec().architecture()
                            + " "
                            + c.spec().config()
                            + " but the run trains a "
                            + spec.architecture()
                            + " "
                            + spec.config());
        }
    }

    /**
     * Asks the run to end after the current epoch, as if it were its last: the epoch is validated,
     * heard by every listener and checkpointed, then the run saves and returns its model as usual
     * ({@link TrainedModel#stopReason()} tells why). Early stopping is a job that calls this.
     *
     * @param reason why, for the log and the result
     */
    public void stop(String reason) {
        this.stopReason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns why the run was asked to stop early, if it was.
     *
     * @return the reason, or empty
     */
    public Optional<String> stopReason() {
        return Optional.ofNullable(stopReason);
    }

    /** Loads parameter bytes into the run's block. */
    void loadParameters(byte[] parameters) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
            block.loadParameters(model.getNDManager(), in);
        } catch (MalformedModelException e) {
            throw new IOException(
                    "checkpoint parameters do not fit the block: " + e.getMessage(), e);
        }
    }

    /** Closes the resume window: the trainer initialises the block next. */
    void start() {
        started = true;
    }

    /** The averaged weights a resume read (the model of an averaging run's checkpoint), or null. */
    byte[] resumedAverage() {
        return resumedAverage;
    }

    /** Sets the run's weight average, once the trainer has initialised the network. */
    void setAverage(WeightAverage average) {
        this.average = average;
    }

    /** The run's weight average, or null when it does not average. */
    WeightAverage average() {
        return average;
    }

    /** The best epoch's parameters read by a resume, or null. */
    byte[] resumedBest() {
        return resumedBest;
    }

    void addEpoch(EpochRecord record) {
        history.add(record);
    }
}
