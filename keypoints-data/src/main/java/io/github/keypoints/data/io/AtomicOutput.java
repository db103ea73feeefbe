package io.github.keypoints.data.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A file or folder written under a temporary name beside its target and moved into place on {@link
 * #commit()}, so a reader (or a run killed half-way) sees the old output or the new one, never a
 * half-written one. Closing without committing deletes the temporary output.
 *
 * <p>Temporary files are created owner-only by the JDK; a committed output gets ordinary
 * permissions ({@code rw-r--r--} for files, {@code rwxr-xr-x} for folders) where the file system
 * has POSIX permissions. A {@linkplain #durable() durable} file is forced to the disk before it is
 * moved (for checkpoints, which must survive a power cut; caches and pictures skip the cost).
 * Committing a folder replaces whatever folder is at the target (the old one is moved aside first
 * and deleted after); deciding whether an existing output may be replaced is the caller's job.
 * <!-- snippet-context: byte[] csv; List<Mat> frames; -->
 *
 * <pre>{@code
 * AtomicOutput.write(Path.of("runs/history.csv"), out -> out.write(csv));
 * try (AtomicOutput folder = AtomicOutput.folder(Path.of("runs/frames"))) {
 *     for (int i = 0; i < frames.size(); i++) {
 *         ImageFiles.write(frames.get(i), folder.temp().resolve(i + ".png"));
 *     }
 *     folder.commit();
 * }
 * }</pre>
 *
 * <p>Mutable and not thread-safe: one writer owns an instance.
 */
public final class AtomicOutput implements AutoCloseable {

    /** Writes the content of a file to a stream. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the content.
         *
         * @param out the stream to the temporary file; it is flushed and closed by the caller
         * @throws IOException if writing fails
         */
        void write(OutputStream out) throws IOException;
    }

    private final Path target;
    private final Path temp;
    private final boolean folder;
    private boolean committed;
    private boolean durable;

    private AtomicOutput(Path target, Path temp, boolean folder) {
        this.target = target;
        this.temp = temp;
        this.folder = folder;
    }

    /**
     * Starts a file: creates the target's parent folders and an empty temporary file beside it,
     * hidden (its name starts with a dot) and with the target's extension, so writers that choose a
     * format by the file name (video encoders, image codecs) choose the target's.
     *
     * @param target the file to write
     * @return the output; write to {@link #temp()}, then {@link #commit()}
     * @throws IOException if the folder or the temporary file cannot be created
     */
    public static AtomicOutput file(Path target) throws IOException {
        Path dir = parent(target);
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String suffix = dot > 0 ? name.substring(dot) : ".tmp";
        return new AtomicOutput(target, Files.createTempFile(dir, "." + name + ".", suffix), false);
    }

    /**
     * Starts a folder: creates the target's parent folders and an empty temporary folder beside it.
     *
     * @param target the folder to write
     * @return the output; fill {@link #temp()}, then {@link #commit()}
     * @throws IOException if the folders cannot be created
     */
    public static AtomicOutput folder(Path target) throws IOException {
        Path dir = parent(target);
        return new AtomicOutput(
                target, Files.createTempDirectory(dir, "." + target.getFileName() + ".tmp-"), true);
    }

    /**
     * Writes a whole file atomically.
     *
     * @param target the file
     * @param writer what to write
     * @throws IOException naming the file if it cannot be written; the target is then unchanged
     */
    public static void write(Path target, Writer writer) throws IOException {
        try (AtomicOutput out = file(target)) {
            try (OutputStream s = new BufferedOutputStream(Files.newOutputStream(out.temp()))) {
                writer.write(s);
            }
            out.commit();
        } catch (IOException e) {
            throw new IOException("Cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a whole file atomically and forces it to the disk before it replaces the target.
     *
     * @param target the file
     * @param writer what to write
     * @throws IOException naming the file if it cannot be written; the target is then unchanged
     */
    public static void writeDurably(Path target, Writer writer) throws IOException {
        try (AtomicOutput out = file(target).durable()) {
            try (OutputStream s = new BufferedOutputStream(Files.newOutputStream(out.temp()))) {
                writer.write(s);
            }
            out.commit();
        } catch (IOException e) {
            throw new IOException("Cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@link #commit()} force a file's content to the disk before moving it into place.
     *
     * @return this output
     */
    public AtomicOutput durable() {
        this.durable = true;
        return this;
    }

    /**
     * Writes bytes to a file atomically.
     *
     * @param target the file
     * @param bytes the content
     * @throws IOException naming the file if it cannot be written; the target is then unchanged
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Writes text to a file atomically, in UTF-8.
     *
     * @param target the file
     * @param text the content
     * @throws IOException naming the file if it cannot be written; the target is then unchanged
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Returns the temporary file or folder to write to.
     *
     * @return the temporary path, beside the target
     */
    public Path temp() {
        return temp;
    }

    /**
     * Returns the target.
     *
     * @return the path the output will have once committed
     */
    public Path target() {
        return target;
    }

    /**
     * Moves the temporary output into place, replacing what is there.
     *
     * @throws IOException if the move fails; the temporary output is then deleted on close
     * @throws IllegalStateException if already committed
     */
    public void commit() throws IOException {
        if (committed) {
            throw new IllegalStateException("Output " + target + " is already committed");
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(
                    temp, PosixFilePermissions.fromString(folder ? "rwxr-xr-x" : "rw-r--r--"));
        }
        if (folder) {
            commitFolder();
        } else {
            if (durable) {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
            move(temp, target, true);
        }
        committed = true;
    }

    private void commitFolder() throws IOException {
        if (!Files.exists(target)) {
            move(temp, target, false);
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new IOException("Output " + target + " exists and is not a folder");
        }
        Path old = temp.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
        move(target, old, false);
        try {
            move(temp, target, false);
        } catch (IOException e) {
            move(old, target, false);
            throw e;
        }
        FileTrees.delete(old);
    }

    private static void move(Path from, Path to, boolean replace) throws IOException {
        try {
            if (replace) {
                Files.move(
                        from,
                        to,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException e) {
            if (replace) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(from, to);
            }
        }
    }

    /**
     * Deletes the temporary output unless it was committed.
     *
     * @throws UncheckedIOException naming the temporary path if it cannot be deleted
     */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        try {
            FileTrees.delete(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete temporary output " + temp, e);
        }
    }

    private static Path parent(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return dir;
    }
}
