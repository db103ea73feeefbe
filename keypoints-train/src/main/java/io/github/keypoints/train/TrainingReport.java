package io.github.keypoints.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What a finished {@link KeypointTrainer#fit()} returns.
 *
 * @param history every epoch of the run, including those before a resume
 * @param reported the epoch whose model was saved as {@link #model()} (the last one, or the best
 *     one when the run keeps the best)
 * @param validation the full validation result of the saved model
 * @param model the saved model: a {@code KeypointModel} directory when the run had a model spec,
 *     otherwise a {@link Checkpoint} file without optimiser state
 * @param parameters the trainable parameter count
 * @param seconds wall-clock seconds of this call
 */
public record TrainingReport(
        List<EpochRecord> history,
        EpochRecord reported,
        EvaluationResult validation,
        Path model,
        long parameters,
        double seconds) {

    /**
     * Copies the history.
     *
     * @param history every epoch of the run, including those before a resume
     * @param reported the epoch whose model was saved as {@link #model()} (the last one, or the
     *     best one when the run keeps the best)
     * @param validation the full validation result of the saved model
     * @param model the saved model: a {@code KeypointModel} directory when the run had a model
     *     spec, otherwise a {@link Checkpoint} file without optimiser state
     * @param parameters the trainable parameter count
     * @param seconds wall-clock seconds of this call
     */
    public TrainingReport {
        history = List.copyOf(history);
    }
}
