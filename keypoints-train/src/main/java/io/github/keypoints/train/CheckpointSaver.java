package io.github.keypoints.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The checkpoint side job: after every epoch it saves the run as a {@link Checkpoint} directory
 * {@value #LAST} (and {@value #BEST} when the epoch is the best so far), and, when resuming, it
 * continues the run from {@value #LAST} at the start. An epoch whose training or validation loss is
 * not finite is never saved, so the checkpoints keep the last finite epoch.
 * <!-- snippet-context: KeypointTrainer.Builder builder; java.nio.file.Path run; -->
 *
 * <pre>{@code
 * builder.optJobs(
 *         new ValidationMetrics(),
 *         new CheckpointSaver(run.resolve("checkpoints"), true));   // resume if there is one
 * }</pre>
 */
public final class CheckpointSaver implements KeypointTrainingListener {

    /** The folder of a run folder that the standard jobs keep checkpoints in. */
    public static final String DIRECTORY = "checkpoints";

    /** The latest epoch's checkpoint directory. */
    public static final String LAST = "last";

    /** The best epoch's checkpoint directory. */
    public static final String BEST = "best";

    private final Path directory;
    private final boolean resume;
    private TrainingRun run;

    /**
     * Creates the job.
     *
     * @param directory the folder holding {@value #LAST} and {@value #BEST}
     * @param resume whether to continue from {@value #LAST} when it exists
     */
    public CheckpointSaver(Path directory, boolean resume) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.resume = resume;
    }

    /**
     * Returns the folder of the checkpoints.
     *
     * @return the folder
     */
    public Path directory() {
        return directory;
    }

    /**
     * Returns whether the job resumes.
     *
     * @return true if it continues from {@value #LAST}
     */
    public boolean resumes() {
        return resume;
    }

    @Override
    public void onRunStart(TrainingRun run) throws IOException {
        this.run = run;
        if (!resume) {
            return;
        }
        Optional<Path> last = lastCheckpoint();
        if (last.isEmpty()) {
            Path oldFormat = directory.resolve(LAST + ".ckpt");
            if (Files.isRegularFile(oldFormat)) {
                throw new IOException(
                        oldFormat
                                + " is a single-file checkpoint of an earlier version of keypoints,"
                                + " which this version cannot resume (its checkpoints are model"
                                + " directories, "
                                + directory.resolve(LAST)
                                + "); train again, or resume with the version that wrote it");
            }
            return;
        }
        Checkpoint ck = Checkpoint.load(last.get());
        Path bestDir = directory.resolve(BEST);
        Optional<Checkpoint> best =
                Files.isDirectory(bestDir)
                        ? Optional.of(Checkpoint.load(bestDir))
                        : Optional.empty();
        run.resume(ck, best);
        run.log().printf("resumed from %s after epoch %d%n", last.get(), ck.epochsDone());
    }

    /**
     * The {@value #LAST} directory, or the previous one a save moved aside if the process died
     * between the two moves of the folder swap.
     */
    private Optional<Path> lastCheckpoint() throws IOException {
        Path last = directory.resolve(LAST);
        if (Files.isDirectory(last)) {
            return Optional.of(last);
        }
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(directory)) {
            List<Path> aside =
                    s.filter(p -> p.getFileName().toString().startsWith("." + LAST + ".old-"))
                            .sorted()
                            .toList();
            return aside.isEmpty() ? Optional.empty() : Optional.of(aside.get(aside.size() - 1));
        }
    }

    @Override
    public void onEpochEnd(EpochRecord record, boolean best) {
        if (run == null) {
            throw new IllegalStateException("CheckpointSaver heard an epoch before the run start");
        }
        if (!Double.isFinite(record.trainLoss()) || !Double.isFinite(record.valLoss())) {
            return;
        }
        try {
            Checkpoint.save(directory.resolve(LAST), run);
            if (best) {
                Checkpoint.save(directory.resolve(BEST), run);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot write the checkpoint of epoch " + (record.epoch() + 1), e);
        }
    }
}
