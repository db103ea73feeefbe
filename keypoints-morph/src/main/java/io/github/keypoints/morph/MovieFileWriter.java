package io.github.keypoints.morph;

import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The life of a movie file that every encoder shares: frames go to a temporary file beside the
 * target ({@link AtomicOutput}); the first frame fixes the size and opens the encoder; {@link
 * #close()} finishes the file and moves it into place, or, on any failure, releases the encoder and
 * deletes the temporary file; {@link #abort()} discards everything. Subclasses only encode.
 */
abstract class MovieFileWriter implements FrameWriter {

    private final AtomicOutput out;
    private int width = -1;
    private int height = -1;
    private boolean done;

    MovieFileWriter(Path target) throws IOException {
        this.out = AtomicOutput.file(target);
    }

    /** The temporary file the encoder writes; {@link #close()} moves it onto the target. */
    final Path temp() {
        return out.temp();
    }

    /**
     * Opens the encoder for frames of the first frame's size and format.
     *
     * @param first the first frame (encoded next by {@link #encode})
     * @throws IOException if the encoder cannot start
     */
    abstract void start(ImageBuffer first) throws IOException;

    /**
     * Encodes one frame of the movie's size.
     *
     * @param frame the frame
     * @throws IOException if writing fails
     */
    abstract void encode(ImageBuffer frame) throws IOException;

    /**
     * Completes the file after the last frame.
     *
     * @throws IOException if the encoder fails
     */
    abstract void finish() throws IOException;

    /** Releases the encoder after a failure or an abort, quietly; safe before {@link #start}. */
    abstract void discard();

    @Override
    public final void write(ImageBuffer frame) throws IOException {
        if (done) {
            throw new IllegalStateException("The movie is closed");
        }
        if (width < 0) {
            start(frame);
            width = frame.width();
            height = frame.height();
        } else if (frame.width() != width || frame.height() != height) {
            throw new IllegalArgumentException(
                    "Frame is "
                            + frame.width()
                            + "x"
                            + frame.height()
                            + ", the movie is "
                            + width
                            + "x"
                            + height);
        }
        encode(frame);
    }

    @Override
    public final void close() throws IOException {
        if (done) {
            return;
        }
        done = true;
        try {
            if (width < 0) {
                throw new IOException("No frames were written");
            }
            finish();
            out.commit();
        } catch (IOException | RuntimeException e) {
            discard();
            out.close();
            throw e;
        }
    }

    @Override
    public final void abort() {
        if (!done) {
            done = true;
            discard();
            out.close();
        }
    }
}
