package io.github.keypoints.train;

import java.util.Locale;
import java.util.Objects;

/**
 * A side job that stops a run once a validation figure has not improved for a number of epochs (its
 * patience): the epoch that makes it stop is still validated, heard and checkpointed, and the run
 * returns its model as usual, with {@link TrainedModel#stopReason()} saying why. Combine it with
 * {@link KeypointTrainer.Builder#optKeepBest} to return the best epoch's weights. A resumed run
 * counts the epochs before the resume too.
 * <!-- snippet-context: KeypointTrainer.Builder builder; java.nio.file.Path run; -->
 *
 * <pre>{@code
 * List<KeypointTrainingListener> jobs = TrainingJobs.standard(run);
 * jobs.add(new EarlyStopping(BestBy.VAL_LOSS, 5, 0));   // 5 epochs without a lower loss
 * builder.optJobs(jobs).optKeepBest(true);
 * }</pre>
 */
public final class EarlyStopping implements KeypointTrainingListener {

    private final BestBy criterion;
    private final int patience;
    private final double minDelta;
    private TrainingRun run;
    private double best;
    private int bestEpoch;
    private int stale;
    private boolean primed;

    /**
     * Creates the job.
     *
     * @param criterion the figure watched, lower is better (a pixel figure needs a {@link
     *     ValidationMetrics} job)
     * @param patience how many epochs in a row may fail to improve before the run stops, at least 1
     * @param minDelta how much lower than the best so far a figure must be to count as better, at
     *     least 0
     * @throws IllegalArgumentException for a patience under 1 or a negative or non-finite delta
     */
    public EarlyStopping(BestBy criterion, int patience, double minDelta) {
        this.criterion = Objects.requireNonNull(criterion, "criterion");
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1, was " + patience);
        }
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException(
                    "minDelta must be finite and at least 0, was " + minDelta);
        }
        this.patience = patience;
        this.minDelta = minDelta;
    }

    @Override
    public void onRunStart(TrainingRun run) {
        this.run = run;
        this.best = Double.POSITIVE_INFINITY;
        this.bestEpoch = -1;
        this.stale = 0;
        this.primed = false;
    }

    @Override
    public void onEpochStart(int epoch) {
        if (run != null && !primed) {
            // The epochs before this run's first one: a resumed run's restored history (the
            // checkpoint job restores it in its own onRunStart, before or after this one's).
            primed = true;
            run.history().forEach(this::observe);
        }
    }

    @Override
    public void onEpochEnd(EpochRecord record, boolean bestSoFar) {
        if (run == null) {
            throw new IllegalStateException("EarlyStopping heard an epoch before the run start");
        }
        observe(record);
        if (stale >= patience) {
            run.stop(
                    String.format(
                            Locale.ROOT,
                            "%s did not improve%s for %d epoch%s (best %.6g at epoch %d)",
                            criterion,
                            minDelta > 0 ? " by more than " + minDelta : "",
                            stale,
                            stale == 1 ? "" : "s",
                            best,
                            bestEpoch + 1));
        }
    }

    private void observe(EpochRecord record) {
        double v = criterion.of(record);
        if (v < best - minDelta) {
            best = v;
            bestEpoch = record.epoch();
            stale = 0;
        } else {
            stale++;
        }
    }
}
