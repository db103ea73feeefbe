package io.github.keypoints.examples;

import io.github.keypoints.train.EpochRecord;
import io.github.keypoints.train.EvaluationResult;
import io.github.keypoints.train.TrainedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code report.md} of a training run folder: the command that made it, its figures, the loss
 * curve, the prediction gallery and the first-layer filters, with links to the history and the
 * saved model.
 */
final class TrainingRunReport {

    private TrainingRunReport() {}

    /** The command as typed, for the report: {@code ./keypoints train --model …}. */
    static String commandLine(CommandSpec spec) {
        StringBuilder b = new StringBuilder("./" + spec.root().name());
        for (String arg : spec.commandLine().getParseResult().originalArgs()) {
            b.append(' ').append(arg.matches("[A-Za-z0-9_./:=,+-]+") ? arg : quote(arg));
        }
        return b.toString();
    }

    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /**
     * Writes the report.
     *
     * @param measuredOn the faces the figures are on, such as "validation persons 33-40"
     * @param figures the reported figures (the saved model's)
     * @param extra further rows (name, value) such as test-set figures
     */
    static Path write(
            Path run,
            String title,
            String command,
            TrainedModel report,
            String measuredOn,
            EvaluationResult figures,
            double loss,
            Map<String, String> extra)
            throws IOException {
        RunReport r = new RunReport(run, title);
        r.paragraph("Made by:").command(command);
        EpochRecord e = report.reported();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("epochs run", Integer.toString(report.history().size())));
        rows.add(List.of("saved epoch", Integer.toString(e.epoch() + 1)));
        rows.add(List.of("training loss (saved epoch)", RunReport.number(e.trainLoss(), 6)));
        rows.add(List.of("loss on " + measuredOn, RunReport.number(loss, 6)));
        rows.add(
                List.of(
                        "mean point error on " + measuredOn + " (px)",
                        RunReport.number(figures.meanPx(), 2)));
        rows.add(List.of("MAE on " + measuredOn + " (px)", RunReport.number(figures.maePx(), 2)));
        rows.add(List.of("NME on " + measuredOn, RunReport.number(figures.nme(), 4)));
        rows.add(List.of("faces measured", Integer.toString(figures.count())));
        extra.forEach((k, v) -> rows.add(List.of(k, v)));
        rows.add(List.of("trainable parameters", Long.toString(report.parameters())));
        rows.add(List.of("seconds", RunReport.number(report.seconds(), 0)));
        r.section("Figures").table(List.of("what", "value"), rows);
        r.paragraph(
                "Errors are in original-image pixels. Per-epoch figures: `"
                        + r.relative(run.resolve("history.csv"))
                        + "`; the model: `"
                        + r.relative(report.directory().orElseThrow())
                        + "`.");
        r.section("Pictures")
                .image(run.resolve("loss-curve.png"), "training and validation loss per epoch")
                .image(
                        run.resolve("gallery.png"),
                        "best and worst validation predictions (truth and prediction drawn)")
                .image(run.resolve("filters.png"), "learned filters of the first convolution");
        return r.write();
    }
}
