package io.github.keypoints.train;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import java.io.IOException;

/**
 * A DJL {@link TrainingListener} that also hears a {@link KeypointTrainer} run's own events: the
 * run's start (with a {@link TrainingRun} view of the network, optimiser, data and history), each
 * epoch's figures ({@link EpochListener}) and the run's end (with the {@link TrainedModel}). The
 * run's side jobs are such listeners ({@link TrainingJobs}): checkpoints and resume, history,
 * report pictures, the non-finite guard and validation metrics; each can be left out or replaced
 * with {@link KeypointTrainer.Builder#optJobs}.
 *
 * <p>Listeners hear every event in the order they were given. Every method does nothing by default.
 */
public interface KeypointTrainingListener extends TrainingListener, EpochListener {

    /**
     * Called once the run's trainer exists, before its parameters are initialised and before the
     * first epoch: the place to keep the run and, for a resuming checkpoint job, to {@link
     * TrainingRun#resume resume}.
     *
     * @param run the run
     * @throws IOException if the listener cannot read or prepare its files
     */
    default void onRunStart(TrainingRun run) throws IOException {}

    /**
     * Called once the run has its final model, after the trainer is closed.
     *
     * @param result the trained model and figures; the listener must not close it
     * @throws IOException if the listener cannot write its files
     */
    default void onRunEnd(TrainedModel result) throws IOException {}

    @Override
    default void onEpoch(Trainer trainer) {}

    @Override
    default void onTrainingBatch(Trainer trainer, BatchData batchData) {}

    @Override
    default void onValidationBatch(Trainer trainer, BatchData batchData) {}

    @Override
    default void onTrainingBegin(Trainer trainer) {}

    @Override
    default void onTrainingEnd(Trainer trainer) {}
}
