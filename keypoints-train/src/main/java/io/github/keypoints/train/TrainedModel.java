package io.github.keypoints.train;

import io.github.keypoints.models.KeypointModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a finished {@link KeypointTrainer#fit()} returns: the trained network as a {@link
 * KeypointModel} ready to predict with, how it was made ({@link TrainingProvenance}), the epoch
 * history and the validation figures of the model returned. It owns the model's native memory:
 * close it (or {@link #model()}) when done.
 * <!-- snippet-context: KeypointTrainer.Builder builder; -->
 *
 * <pre>{@code
 * try (TrainedModel trained = builder.build().fit()) {
 *     System.out.println(trained.reported().epoch() + " " + trained.validation().meanPx());
 *     trained.model().save(Path.of("nose-model"));   // or use it straight away
 * }
 * }</pre>
 */
public final class TrainedModel implements AutoCloseable {

    private final KeypointModel model;
    private final TrainingProvenance provenance;
    private final List<EpochRecord> history;
    private final EpochRecord reported;
    private final EvaluationResult validation;
    private final Path directory;
    private final long parameters;
    private final double seconds;
    private final String stopReason;

    TrainedModel(
            KeypointModel model,
            TrainingProvenance provenance,
            List<EpochRecord> history,
            EpochRecord reported,
            EvaluationResult validation,
            Path directory,
            long parameters,
            double seconds,
            String stopReason) {
        this.model = Objects.requireNonNull(model, "model");
        this.provenance = Objects.requireNonNull(provenance, "provenance");
        this.history = List.copyOf(history);
        this.reported = Objects.requireNonNull(reported, "reported");
        this.validation = validation;
        this.directory = directory;
        this.parameters = parameters;
        this.seconds = seconds;
        this.stopReason = stopReason;
    }

    /**
     * Returns the trained model: the reported epoch's weights with the run's spec and provenance.
     *
     * @return the model, owned by this object
     */
    public KeypointModel model() {
        return model;
    }

    /**
     * Returns how the model was trained.
     *
     * @return the provenance
     */
    public TrainingProvenance provenance() {
        return provenance;
    }

    /**
     * Returns every epoch of the run, including those before a resume.
     *
     * @return the history, oldest first
     */
    public List<EpochRecord> history() {
        return history;
    }

    /**
     * Returns the epoch whose weights {@link #model()} holds: the last one, or the best one when
     * the run kept the best.
     *
     * @return the epoch's figures
     */
    public EpochRecord reported() {
        return reported;
    }

    /**
     * Returns the full validation result of {@link #model()}: per-sample errors in original-image
     * pixels.
     *
     * @return the result
     * @throws IllegalStateException if the run had no {@link ValidationMetrics} listener
     */
    public EvaluationResult validation() {
        if (validation == null) {
            throw new IllegalStateException(
                    "The run computed no validation metrics: it had no ValidationMetrics listener"
                            + " (see KeypointTrainer.Builder.optJobs)");
        }
        return validation;
    }

    /**
     * Returns whether the run computed validation metrics.
     *
     * @return true when {@link #validation()} has a result
     */
    public boolean hasValidation() {
        return validation != null;
    }

    /**
     * Returns where the run saved the model ({@link KeypointTrainer#MODEL_DIRECTORY} in its run
     * folder), a directory {@link KeypointModel#load(Path)} reads.
     *
     * @return the directory, or empty for a run without a run folder
     */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /**
     * Returns the number of trainable values.
     *
     * @return the parameter count
     */
    public long parameters() {
        return parameters;
    }

    /**
     * Returns the wall-clock seconds of the {@code fit()} call.
     *
     * @return the seconds
     */
    public double seconds() {
        return seconds;
    }

    /**
     * Returns why the run ended before its last epoch, when a listener stopped it ({@link
     * TrainingRun#stop}, such as {@link EarlyStopping}).
     *
     * @return the reason, or empty for a run that trained every epoch
     */
    public Optional<String> stopReason() {
        return Optional.ofNullable(stopReason);
    }

    /** Closes the model and its native memory. */
    @Override
    public void close() {
        model.close();
    }
}
