package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {

    /**
     * A stream buffered in front of the bytes, so that text only arrives when the listener flushes:
     * a progress bar without a line break must be flushed to be seen.
     */
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private final PrintStream out =
            new PrintStream(
                    new BufferedOutputStream(bytes, 1 << 16), false, StandardCharsets.UTF_8);

    private String taken() {
        String s = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        return s;
    }

    private static final Pattern BAR =
            Pattern.compile(
                    "\\repoch (\\d+)/(\\d+) \\[([=> ]*)\\] (\\d+)/(\\d+) loss (\\S+) ETA"
                            + " (\\d\\d):(\\d\\d):(\\d\\d)   ");

    private static Matcher bar(String line) {
        Matcher m = BAR.matcher(line);
        assertThat(m.matches()).as("progress line %s", line).isTrue();
        return m;
    }

    @Test
    void barFillsInProportionToTheDoneStepsAndIsThirtyWide() {
        ProgressListener p = new ProgressListener(out, 3);
        p.onEpochStart(1);
        p.onBatchEnd(0, 4, 1.0);
        Matcher m = bar(taken());
        // The bar is visible at once (flushed), shows the 1-based epoch, and nothing is done yet.
        assertThat(m.group(1)).isEqualTo("2");
        assertThat(m.group(2)).isEqualTo("3");
        assertThat(m.group(3)).isEqualTo(">" + " ".repeat(29));
        assertThat(m.group(4) + "/" + m.group(5)).isEqualTo("0/4");
        // No step done: no rate to extrapolate from, so no time left is claimed.
        assertThat(m.group(7) + m.group(8) + m.group(9)).isEqualTo("000000");

        p.onBatchEnd(2, 4, 1.0);
        assertThat(bar(taken()).group(3)).isEqualTo("=".repeat(15) + ">" + " ".repeat(14));
        p.onBatchEnd(3, 4, 1.0);
        // 30 * 3 / 4 = 22.5, truncated
        assertThat(bar(taken()).group(3)).isEqualTo("=".repeat(22) + ">" + " ".repeat(7));
        p.onBatchEnd(4, 4, 1.0);
        assertThat(bar(taken()).group(3)).isEqualTo("=".repeat(30));
    }

    @Test
    void lossShownIsTheRunningMeanOfTheEpochsBatches() {
        ProgressListener p = new ProgressListener(out, 1);
        p.onEpochStart(0);
        p.onBatchEnd(1, 3, 2.0);
        assertThat(bar(taken()).group(6)).isEqualTo("2.0000");
        p.onBatchEnd(2, 3, 4.0);
        assertThat(bar(taken()).group(6)).isEqualTo("3.0000");
        p.onBatchEnd(3, 3, 9.0);
        assertThat(bar(taken()).group(6)).isEqualTo("5.0000");
        // A new epoch starts a new mean.
        p.onEpochStart(1);
        p.onBatchEnd(1, 3, 0.5);
        assertThat(bar(taken()).group(6)).isEqualTo("0.50000");
    }

    private static long seconds(Matcher m) {
        long h = Long.parseLong(m.group(7));
        long min = Long.parseLong(m.group(8));
        long s = Long.parseLong(m.group(9));
        assertThat(min).isLessThan(60);
        assertThat(s).isLessThan(60);
        return h * 3600 + min * 60 + s;
    }

    @Test
    void etaExtrapolatesTheElapsedTimePerStepToTheStepsLeft() throws Exception {
        ProgressListener p = new ProgressListener(out, 1);
        long t0 = System.nanoTime();
        p.onEpochStart(0);
        Thread.sleep(1000);
        // elapsed is at least the sleep and at most the time measured around the call
        for (long[] doneTotal : new long[][] {{2, 4}, {1, 4}, {1, 3724}, {4, 5}}) {
            long done = doneTotal[0];
            long total = doneTotal[1];
            p.onBatchEnd(done, total, 1.0);
            double hi = (System.nanoTime() - t0) / 1e9;
            double factor = (double) (total - done) / done;
            long eta = seconds(bar(taken()));
            assertThat(eta)
                    .as("ETA for %d/%d", done, total)
                    .isBetween((long) Math.floor(1.0 * factor), Math.round(hi * factor) + 1);
        }
    }

    @Test
    void epochSummaryLineShowsTheRecordsFiguresAndMarksTheBest() {
        ProgressListener p = new ProgressListener(out, 10);
        p.onEpochEnd(new EpochRecord(2, 0.00125, 0.5, 0.25, 3.14159, 2.0, 0.045, 12.34), true);
        String nl = System.lineSeparator();
        assertThat(taken())
                .isEqualTo(
                        "\repoch 3/10 train 0.50000 val 0.25000 | val mean 3.14 px, MAE 2.00 px,"
                                + " NME 4.50% | lr 0.0013 | 12.3 s *best"
                                + nl);
        p.onEpochEnd(new EpochRecord(0, 0.1, 1.5, 2.5, 10, 20, Double.NaN, 1), false);
        assertThat(taken())
                .isEqualTo(
                        "\repoch 1/10 train 1.5000 val 2.5000 | val mean 10.00 px, MAE 20.00 px,"
                                + " NME n/a | lr 0.10 | 1.0 s"
                                + nl);
    }
}
