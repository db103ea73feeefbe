package io.github.keypoints.morph;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes the frames of a morph movie. Output appears atomically: frames go to a temporary file or
 * folder beside the target, {@link #close()} moves it into place, and {@link #abort()} (or a
 * failure) deletes it, so a crash never leaves a half-written movie.
 */
public interface FrameWriter extends AutoCloseable {

    /**
     * Appends a frame; every frame must have the size of the first.
     *
     * @param frame the frame (BGR or gray)
     * @throws IOException if writing fails
     */
    void write(ImageBuffer frame) throws IOException;

    /**
     * Finishes the movie and moves it into place.
     *
     * @throws IOException if finishing fails (the temporary output is then deleted)
     */
    @Override
    void close() throws IOException;

    /** Discards everything written so far; {@link #close()} afterwards does nothing. */
    void abort();

    /**
     * Opens the writer the target's name asks for: {@code .gif} (pure Java), {@code .avi}
     * (Motion-JPEG through OpenCV), {@code .mp4} (H.264: through an {@code ffmpeg} executable if
     * one is on the PATH, the faster encoder, otherwise in pure Java with JCodec), or anything
     * else: a folder of PNG frames.
     *
     * @param target the output file or folder
     * @param fps frames per second, positive
     * @return the writer
     * @throws IOException if the output cannot be started
     */
    static FrameWriter open(Path target, double fps) throws IOException {
        if (!(fps > 0) || !Double.isFinite(fps)) {
            throw new IllegalArgumentException("fps must be positive, was " + fps);
        }
        String name = target.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gif")) {
            return new GifFrameWriter(target, fps);
        }
        if (name.endsWith(".avi")) {
            return new AviFrameWriter(target, fps);
        }
        if (name.endsWith(".mp4")) {
            return Mp4FrameWriter.findOnPath("ffmpeg", System.getenv("PATH")).isPresent()
                    ? new Mp4FrameWriter(target, fps)
                    : new JavaMp4FrameWriter(target, fps);
        }
        if (name.contains(".")) {
            throw new IllegalArgumentException(
                    "Unsupported movie type for "
                            + target
                            + ": expected .gif, .avi, .mp4 or a folder name without extension");
        }
        return new PngFolderWriter(target);
    }
}
