package io.github.keypoints.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The standard side jobs of a {@link KeypointTrainer} run, as DJL's {@code
 * TrainingListener.Defaults} gives its standard listeners: a run without {@link
 * KeypointTrainer.Builder#optJobs} gets {@link #standard}; a run that wants fewer or other jobs
 * passes its own list (for example this one without the pictures).
 */
public final class TrainingJobs {

    private TrainingJobs() {}

    /**
     * Returns the standard jobs: the {@link NonFiniteGuard} and {@link ValidationMetrics}, and,
     * with a run folder, a {@link CheckpointSaver} in its {@value CheckpointSaver#DIRECTORY}
     * folder, a {@link HistoryWriter} and {@link ReportPictures}.
     *
     * @param runDirectory the run folder, or {@code null} for a run that writes nothing
     * @param resume whether the checkpoint job continues from the last checkpoint
     * @param logScale whether the loss curve's axis is logarithmic
     * @return a new, modifiable list, in the order the jobs hear events
     */
    public static List<KeypointTrainingListener> standard(
            Path runDirectory, boolean resume, boolean logScale) {
        List<KeypointTrainingListener> jobs = new ArrayList<>();
        jobs.add(new NonFiniteGuard());
        jobs.add(new ValidationMetrics());
        if (runDirectory != null) {
            jobs.add(
                    new CheckpointSaver(KeypointTrainer.checkpointDirectory(runDirectory), resume));
            jobs.add(new HistoryWriter(runDirectory, logScale));
            jobs.add(new ReportPictures(runDirectory));
        }
        return jobs;
    }

    /**
     * Returns the standard jobs of a run folder, not resuming, with a logarithmic loss curve.
     *
     * @param runDirectory the run folder, or {@code null}
     * @return a new, modifiable list
     */
    public static List<KeypointTrainingListener> standard(Path runDirectory) {
        return standard(runDirectory, false, true);
    }
}
