package io.github.keypoints.morph;

import io.github.keypoints.data.io.AtomicOutput;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Pipes raw frames into an {@code ffmpeg} process that encodes H.264 MP4. */
final class Mp4FrameWriter implements FrameWriter {

    private final AtomicOutput out;
    private final double fps;
    private final Path ffmpeg;
    private final Path log;
    private Process process;
    private OutputStream pipe;
    private int width = -1;
    private int height = -1;
    private boolean done;

    Mp4FrameWriter(Path target, double fps) throws IOException {
        this(target, fps, System.getenv("PATH"));
    }

    /** Looks for ffmpeg on the given search path (the environment's PATH normally). */
    Mp4FrameWriter(Path target, double fps, String searchPath) throws IOException {
        this.ffmpeg =
                findOnPath("ffmpeg", searchPath)
                        .orElseThrow(
                                () ->
                                        new IOException(
                                                "Writing "
                                                        + target
                                                        + " needs an ffmpeg executable on the"
                                                        + " PATH, and none was found (PATH="
                                                        + searchPath
                                                        + "); install ffmpeg or write .gif or"
                                                        + " .avi instead"));
        this.out = AtomicOutput.file(target);
        this.log = Files.createTempFile("keypoints-ffmpeg", ".log");
        this.fps = fps;
    }

    static Optional<Path> findOnPath(String name, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public void write(ImageBuffer frame) throws IOException {
        if (process == null) {
            width = frame.width();
            height = frame.height();
            List<String> cmd =
                    List.of(
                            ffmpeg.toString(),
                            "-y",
                            "-loglevel",
                            "error",
                            "-f",
                            "rawvideo",
                            "-pix_fmt",
                            frame.channels() == 3 ? "bgr24" : "gray",
                            "-s",
                            width + "x" + height,
                            "-r",
                            Double.toString(fps),
                            "-i",
                            "-",
                            "-an",
                            "-c:v",
                            "libx264",
                            "-pix_fmt",
                            "yuv420p",
                            "-vf",
                            "pad=ceil(iw/2)*2:ceil(ih/2)*2",
                            "-f",
                            "mp4",
                            out.temp().toString());
            process =
                    new ProcessBuilder(cmd)
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
            pipe = process.getOutputStream();
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
        pipe.write(frame.data());
    }

    @Override
    public void close() throws IOException {
        if (done) {
            return;
        }
        done = true;
        try {
            if (process == null) {
                throw new IOException("No frames were written");
            }
            pipe.close();
            int code = process.waitFor();
            if (code != 0) {
                throw new IOException(
                        "ffmpeg exited with code " + code + ": " + Files.readString(log).trim());
            }
            out.commit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Nobody will wait for ffmpeg any more: stop it rather than leave it encoding.
            process.destroyForcibly();
            out.close();
            throw new IOException("Interrupted while waiting for ffmpeg", e);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Override
    public void abort() {
        if (!done) {
            done = true;
            if (process != null) {
                process.destroyForcibly();
            }
            out.close();
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a leftover log in the temp folder is harmless
            }
        }
    }
}
