package io.github.keypoints.train;

import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A training checkpoint: a {@link KeypointModel} directory (so {@link KeypointModel#load(Path)}
 * reads it like any saved model) plus the optimiser's state ({@value #OPTIMIZER_FILE}) and the
 * epoch history ({@value #HISTORY_FILE}); for a run that averages its weights the model is the
 * average and the training network's own weights are beside it ({@value #TRAINING_PARAMS_FILE}).
 * {@link CheckpointSaver} writes one after every epoch, the whole folder atomically and forced to
 * the disk, so a run killed at any moment leaves the previous checkpoint or the new one, never a
 * torn one.
 *
 * @param spec the saved model's spec, with the run's provenance and the epoch
 * @param history the finished epochs, oldest first
 * @param parameters the bytes of the model's {@value KeypointModel#PARAMS_FILE}
 * @param optimizerState the bytes of {@link ResumableAdam#saveState()}
 * @param trainingParameters for a run that averages its weights ({@link
 *     KeypointTrainer.Builder#optWeightAverage}), the training network's own weights ({@value
 *     #TRAINING_PARAMS_FILE}), while {@code parameters} holds the average; empty otherwise
 */
public record Checkpoint(
        ModelSpec spec,
        List<EpochRecord> history,
        byte[] parameters,
        byte[] optimizerState,
        Optional<byte[]> trainingParameters) {

    /** The optimiser state's file in a checkpoint directory. */
    public static final String OPTIMIZER_FILE = "optimizer.bin";

    /** The history's file in a checkpoint directory. */
    public static final String HISTORY_FILE = "history.csv";

    /**
     * The training network's own weights in the checkpoint of a run that averages its weights (the
     * model's {@value KeypointModel#PARAMS_FILE} holds the average).
     */
    public static final String TRAINING_PARAMS_FILE = "training.params";

    /**
     * Copies the history.
     *
     * @param spec the saved model's spec
     * @param history the finished epochs, oldest first
     * @param parameters the bytes of the model's parameter file
     * @param optimizerState the optimiser's state
     * @param trainingParameters the training weights of an averaging run, or empty
     */
    public Checkpoint {
        history = List.copyOf(history);
        trainingParameters = Objects.requireNonNull(trainingParameters, "trainingParameters");
    }

    /**
     * A checkpoint of a run that does not average its weights.
     *
     * @param spec the saved model's spec
     * @param history the finished epochs, oldest first
     * @param parameters the bytes of the model's parameter file
     * @param optimizerState the optimiser's state
     */
    public Checkpoint(
            ModelSpec spec, List<EpochRecord> history, byte[] parameters, byte[] optimizerState) {
        this(spec, history, parameters, optimizerState, Optional.empty());
    }

    /**
     * Returns the number of finished epochs.
     *
     * @return the history length
     */
    public int epochsDone() {
        return history.size();
    }

    /**
     * Writes a run's current state as a checkpoint directory, atomically.
     *
     * @param dir the checkpoint directory; an existing one is replaced
     * @param run the run
     * @throws IOException if writing fails (the old directory is then untouched)
     */
    public static void save(Path dir, TrainingRun run) throws IOException {
        Map<String, String> provenance = new LinkedHashMap<>(run.provenance().toMap());
        provenance.put("epoch", Integer.toString(run.history().size()));
        byte[] optimizer = run.optimizerState();
        WeightAverage average = run.average();
        // An averaging run's model is the average; its training weights go beside it.
        byte[] training = average == null ? null : run.parameters();
        StringBuilder csv = new StringBuilder(EpochRecord.CSV_HEADER).append('\n');
        for (EpochRecord r : run.history()) {
            csv.append(r.toCsv()).append('\n');
        }
        // The wrapper shares the run's arrays, which belong to the training model's memory:
        // closing the wrapper's own DJL model leaves them alive.
        try (KeypointModel wrapper =
                KeypointModel.create(
                        run.spec(),
                        average == null ? run.block() : average.block(),
                        run.provenance().engine(),
                        run.trainer().getDevices()[0])) {
            wrapper.save(
                    dir,
                    provenance,
                    folder -> {
                        Files.write(folder.resolve(OPTIMIZER_FILE), optimizer);
                        if (training != null) {
                            Files.write(folder.resolve(TRAINING_PARAMS_FILE), training);
                        }
                        Files.writeString(
                                folder.resolve(HISTORY_FILE),
                                csv.toString(),
                                StandardCharsets.UTF_8);
                    });
        }
    }

    /**
     * Reads a checkpoint directory.
     *
     * @param dir the directory
     * @return the checkpoint
     * @throws IOException naming the file that is missing or malformed
     */
    public static Checkpoint load(Path dir) throws IOException {
        ModelSpec spec = KeypointModel.readSpec(dir);
        byte[] params = read(dir.resolve(KeypointModel.PARAMS_FILE));
        byte[] optimizer = read(dir.resolve(OPTIMIZER_FILE));
        Path historyFile = dir.resolve(HISTORY_FILE);
        List<String> lines = Files.readAllLines(historyFile, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(EpochRecord.CSV_HEADER)) {
            throw new IOException(
                    historyFile + ": line 1 should be the header '" + EpochRecord.CSV_HEADER + "'");
        }
        List<EpochRecord> history = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                history.add(EpochRecord.parseCsv(lines.get(i)));
            } catch (RuntimeException e) {
                throw new IOException(historyFile + ": line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        Path trainingFile = dir.resolve(TRAINING_PARAMS_FILE);
        Optional<byte[]> training =
                Files.isRegularFile(trainingFile)
                        ? Optional.of(Files.readAllBytes(trainingFile))
                        : Optional.empty();
        return new Checkpoint(spec, history, params, optimizer, training);
    }

    private static byte[] read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "checkpoint file missing");
        }
        return Files.readAllBytes(file);
    }
}
