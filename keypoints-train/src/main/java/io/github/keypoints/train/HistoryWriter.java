package io.github.keypoints.train;

import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The history side job: after every epoch it rewrites {@value #CSV_FILE} (one {@link EpochRecord}
 * per line, including the epochs before a resume) and draws {@value #PLOT_FILE}, each atomically.
 */
public final class HistoryWriter implements KeypointTrainingListener {

    /** The history table's file name. */
    public static final String CSV_FILE = "history.csv";

    /** The loss curve's file name. */
    public static final String PLOT_FILE = "loss-curve.png";

    private final Path directory;
    private final boolean logScale;
    private TrainingRun run;

    /**
     * Creates the job.
     *
     * @param directory the run folder the two files go into
     * @param logScale whether the loss axis of the curve is logarithmic
     */
    public HistoryWriter(Path directory, boolean logScale) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.logScale = logScale;
    }

    @Override
    public void onRunStart(TrainingRun run) {
        this.run = run;
    }

    @Override
    public void onEpochEnd(EpochRecord record, boolean best) {
        if (run == null) {
            throw new IllegalStateException("HistoryWriter heard an epoch before the run start");
        }
        StringBuilder csv = new StringBuilder(EpochRecord.CSV_HEADER).append('\n');
        for (EpochRecord r : run.history()) {
            csv.append(r.toCsv()).append('\n');
        }
        try {
            AtomicOutput.writeString(directory.resolve(CSV_FILE), csv.toString());
            LossCurvePlot.write(run.history(), logScale, directory.resolve(PLOT_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the history in " + directory, e);
        }
    }
}
