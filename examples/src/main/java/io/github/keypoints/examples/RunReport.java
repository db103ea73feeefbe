package io.github.keypoints.examples;

import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The {@code report.md} a command leaves in its run folder: a Markdown page that links the run's
 * PNG plots (by paths relative to the run folder, so the folder can be moved or published as is)
 * and shows its figures as tables. Mutable while a command fills it; written once, atomically.
 *
 * <pre>{@code
 * RunReport report = new RunReport(runDir, "keypoints demo");
 * report.paragraph("Trained on 192 faces.");
 * report.table(List.of("model", "val mean px"), List.of(List.of("nose-tip", "21.3")));
 * report.image(runDir.resolve("nose/loss-curve.png"), "Nose-tip loss curve");
 * Path written = report.write();
 * }</pre>
 */
public final class RunReport {

    /** The file name every run writes. */
    public static final String FILE_NAME = "report.md";

    private final Path runDirectory;
    private final StringBuilder text = new StringBuilder();

    /**
     * Starts a report with a level-1 title.
     *
     * @param runDirectory the run folder the report is written into
     * @param title the title
     */
    public RunReport(Path runDirectory, String title) {
        this.runDirectory = runDirectory;
        text.append("# ").append(title).append("\n\n");
    }

    /**
     * Adds a level-2 heading.
     *
     * @param heading the heading text
     * @return this report
     */
    public RunReport section(String heading) {
        text.append("## ").append(heading).append("\n\n");
        return this;
    }

    /**
     * Adds a paragraph of Markdown text.
     *
     * @param markdown the text
     * @return this report
     */
    public RunReport paragraph(String markdown) {
        text.append(markdown.strip()).append("\n\n");
        return this;
    }

    /**
     * Adds a fenced shell block, for the command that reproduces the run.
     *
     * @param command the command line
     * @return this report
     */
    public RunReport command(String command) {
        text.append("```bash\n").append(command.strip()).append("\n```\n\n");
        return this;
    }

    /**
     * Adds a table; cells are escaped so a {@code |} in a value cannot break the table.
     *
     * @param header the column names
     * @param rows the rows, each as long as the header
     * @return this report
     * @throws IllegalArgumentException naming the row whose length differs from the header
     */
    public RunReport table(List<String> header, List<List<String>> rows) {
        row(header);
        text.append('|');
        for (int i = 0; i < header.size(); i++) {
            text.append(" --- |");
        }
        text.append('\n');
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).size() != header.size()) {
                throw new IllegalArgumentException(
                        "Table row "
                                + r
                                + " has "
                                + rows.get(r).size()
                                + " cells, expected "
                                + header.size());
            }
            row(rows.get(r));
        }
        text.append('\n');
        return this;
    }

    /**
     * Links a picture of the run; a picture that was not written is listed as missing rather than
     * linked, so the report never shows a broken image.
     *
     * @param picture the PNG file (inside the run folder or elsewhere)
     * @param caption what the picture shows
     * @return this report
     */
    public RunReport image(Path picture, String caption) {
        if (!Files.isRegularFile(picture)) {
            text.append("*").append(caption).append(": not written.*\n\n");
            return this;
        }
        text.append("![")
                .append(caption)
                .append("](")
                .append(relative(picture))
                .append(")\n\n*")
                .append(caption)
                .append("* (`")
                .append(relative(picture))
                .append("`)\n\n");
        return this;
    }

    /**
     * Returns a path as the report links it: relative to the run folder, with forward slashes.
     *
     * @param file the file
     * @return the link target
     */
    public String relative(Path file) {
        Path base = runDirectory.toAbsolutePath().normalize();
        Path target = file.toAbsolutePath().normalize();
        String rel =
                target.startsWith(base) ? base.relativize(target).toString() : target.toString();
        return rel.replace('\\', '/');
    }

    /**
     * Returns the Markdown so far.
     *
     * @return the text
     */
    public String markdown() {
        return text.toString();
    }

    /**
     * Writes {@code report.md} into the run folder (atomically; the folder is created).
     *
     * @return the written file
     * @throws IOException naming the file if it cannot be written
     */
    public Path write() throws IOException {
        Path file = runDirectory.resolve(FILE_NAME);
        AtomicOutput.writeString(file, markdown());
        return file;
    }

    /**
     * Formats a number for a table: fixed decimals, {@code n/a} for NaN.
     *
     * @param value the value
     * @param decimals digits after the point
     * @return the text
     */
    public static String number(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private void row(List<String> cells) {
        text.append('|');
        for (String c : cells) {
            text.append(' ').append(c.replace("|", "\\|").replace('\n', ' ')).append(" |");
        }
        text.append('\n');
    }
}
