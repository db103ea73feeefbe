package io.github.keypoints.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import io.github.keypoints.data.io.AtomicOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint in one file: metadata (free-form string pairs describing the model and
 * run), the epoch history so far, the block's parameters and the optimiser state.
 *
 * <p>The file is written with {@link AtomicOutput#writeDurably}, so killing the process at any
 * moment leaves either the previous checkpoint or the new one, never a torn file; a truncated or
 * foreign file is reported as such on loading. Layout: magic {@code KPCKPT}, format version,
 * metadata and history as JSON, then length-prefixed parameter and optimiser blobs.
 *
 * @param metadata string pairs such as architecture, scheme, input size and engine
 * @param history the finished epochs, oldest first
 * @param parameters the bytes of {@link Block#saveParameters}
 * @param optimizerState the bytes of {@link ResumableAdam#saveState()}, possibly empty
 */
public record Checkpoint(
        Map<String, String> metadata,
        List<EpochRecord> history,
        byte[] parameters,
        byte[] optimizerState) {

    private static final String MAGIC = "KPCKPT";
    private static final int FORMAT = 1;
    private static final Gson GSON =
            new GsonBuilder().serializeSpecialFloatingPointValues().create();

    /**
     * Copies the collections.
     *
     * @param metadata string pairs such as architecture, scheme, input size and engine
     * @param history the finished epochs, oldest first
     * @param parameters the bytes of {@link Block#saveParameters}
     * @param optimizerState the bytes of {@link ResumableAdam#saveState()}, possibly empty
     */
    public Checkpoint {
        metadata = Map.copyOf(metadata);
        history = List.copyOf(history);
    }

    /**
     * Captures a block's parameters and an optimiser's state.
     *
     * @param metadata the model and run description
     * @param history the epochs so far
     * @param block the trained block
     * @param optimizer the optimiser, or {@code null} for a model-only file
     * @return the checkpoint
     * @throws IOException if serialising fails
     */
    public static Checkpoint capture(
            Map<String, String> metadata,
            List<EpochRecord> history,
            Block block,
            ResumableAdam optimizer)
            throws IOException {
        ByteArrayOutputStream params = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(params)) {
            block.saveParameters(out);
        }
        byte[] opt = optimizer == null ? new byte[0] : optimizer.saveState();
        return new Checkpoint(metadata, history, params.toByteArray(), opt);
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
     * Writes the checkpoint atomically.
     *
     * @param file the target file
     * @throws IOException if writing fails (the old file is then untouched)
     */
    public void save(Path file) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("metadata", metadata);
        List<String> lines = new ArrayList<>();
        for (EpochRecord r : history) {
            lines.add(r.toCsv());
        }
        header.put("history", lines);
        String json = GSON.toJson(header);
        AtomicOutput.writeDurably(
                file,
                raw -> {
                    DataOutputStream out = new DataOutputStream(raw);
                    out.writeUTF(MAGIC);
                    out.writeInt(FORMAT);
                    byte[] j = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    out.writeInt(j.length);
                    out.write(j);
                    out.writeInt(parameters.length);
                    out.write(parameters);
                    out.writeInt(optimizerState.length);
                    out.write(optimizerState);
                    out.flush();
                });
    }

    /**
     * Reads a checkpoint file.
     *
     * @param file the file
     * @return the checkpoint
     * @throws IOException naming the file if it is missing, truncated or not a checkpoint
     */
    public static Checkpoint load(Path file) throws IOException {
        try (InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            DataInputStream in = new DataInputStream(raw);
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IOException(
                        file + ": not a keypoints checkpoint (magic '" + magic + "')");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException(
                        file + ": checkpoint format " + format + ", expected " + FORMAT);
            }
            String json = new String(readBlob(in, file), java.nio.charset.StandardCharsets.UTF_8);
            Map<String, Object> header =
                    GSON.fromJson(json, new TypeToken<Map<String, Object>>() {}.getType());
            @SuppressWarnings("unchecked")
            Map<String, String> meta = (Map<String, String>) header.get("metadata");
            @SuppressWarnings("unchecked")
            List<String> lines = (List<String>) header.get("history");
            List<EpochRecord> history = new ArrayList<>();
            for (String line : lines) {
                history.add(EpochRecord.parseCsv(line));
            }
            byte[] params = readBlob(in, file);
            byte[] opt = readBlob(in, file);
            return new Checkpoint(meta, history, params, opt);
        } catch (EOFException e) {
            throw new IOException(file + ": checkpoint is truncated", e);
        }
    }

    private static byte[] readBlob(DataInputStream in, Path file) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException(file + ": negative blob length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /**
     * Loads the saved parameters into an initialised block of the same architecture.
     *
     * @param block the block
     * @param manager the manager that owns the parameters (the model's)
     * @throws IOException if the parameters do not match the block
     */
    public void restoreParameters(Block block, NDManager manager) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
            block.loadParameters(manager, in);
        } catch (MalformedModelException e) {
            throw new IOException(
                    "checkpoint parameters do not fit the block: " + e.getMessage(), e);
        }
    }
}
