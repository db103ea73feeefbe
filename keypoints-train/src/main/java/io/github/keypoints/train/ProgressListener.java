package io.github.keypoints.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A {@link KeypointTrainingListener} (a DJL {@code TrainingListener} and {@link EpochListener})
 * that draws a one-line progress bar with the running loss and the time left of the epoch, and
 * prints one summary line per epoch, to a stream (standard error by default, so standard output
 * stays clean for {@code --json}).
 */
public final class ProgressListener implements KeypointTrainingListener {

    private final PrintStream out;
    private final int epochs;
    private long epochStart;
    private int epoch;
    private double lossSum;
    private long lossCount;

    /**
     * Creates the listener.
     *
     * @param out the stream to draw on
     * @param epochs the total number of epochs, for the display
     */
    public ProgressListener(PrintStream out, int epochs) {
        this.out = out;
        this.epochs = epochs;
    }

    /**
     * Marks the start of an epoch.
     *
     * @param epoch the epoch index
     */
    @Override
    public void onEpochStart(int epoch) {
        this.epoch = epoch;
        this.epochStart = System.nanoTime();
        this.lossSum = 0;
        this.lossCount = 0;
    }

    /** {@inheritDoc} */
    @Override
    public void onBatchEnd(long done, long total, double loss) {
        // Tensors are not touched here: the loss arrives as a number from the trainer.
        lossSum += loss;
        lossCount++;
        double elapsed = (System.nanoTime() - epochStart) / 1e9;
        double eta = done == 0 ? 0 : elapsed / done * (total - done);
        int width = 30;
        int filled = (int) (width * done / Math.max(1, total));
        String bar =
                "=".repeat(filled)
                        + (filled < width ? ">" : "")
                        + " ".repeat(Math.max(0, width - filled - 1));
        out.printf(
                Locale.ROOT,
                "\repoch %d/%d [%s] %d/%d loss %.5g ETA %s   ",
                epoch + 1,
                epochs,
                bar,
                done,
                total,
                lossSum / lossCount,
                clock(eta));
        out.flush();
    }

    /** {@inheritDoc} */
    @Override
    public void onEpochEnd(EpochRecord r, boolean best) {
        out.printf(
                Locale.ROOT,
                "\repoch %d/%d train %.5g val %.5g | val mean %.2f px, MAE %.2f px, NME %s | lr %.2g | %.1f s%s%n",
                r.epoch() + 1,
                epochs,
                r.trainLoss(),
                r.valLoss(),
                r.valMeanPx(),
                r.valMaePx(),
                Double.isNaN(r.valNme())
                        ? "n/a"
                        : String.format(Locale.ROOT, "%.2f%%", 100 * r.valNme()),
                r.learningRate(),
                r.seconds(),
                best ? " *best" : "");
        out.flush();
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
