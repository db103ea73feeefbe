package io.github.keypoints.morph;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Pipes raw frames into an {@code ffmpeg} process that encodes H.264 MP4. */
final class Mp4FrameWriter extends MovieFileWriter {

    private final double fps;
    private final Path ffmpeg;
    private Path log;
    private Process process;
    private OutputStream pipe;

    Mp4FrameWriter(Path target, double fps) throws IOException {
        this(target, fps, System.getenv("PATH"));
    }

    /** Looks for ffmpeg on the given search path (the environment's PATH normally). */
    Mp4FrameWriter(Path target, double fps, String searchPath) throws IOException {
        super(withFfmpeg(target, searchPath));
        this.ffmpeg = findOnPath("ffmpeg", searchPath).orElseThrow();
        this.fps = fps;
        try {
            this.log = Files.createTempFile("keypoints-ffmpeg", ".log");
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    /** Refuses before the temporary file exists when there is no ffmpeg to write it. */
    private static Path withFfmpeg(Path target, String searchPath) throws IOException {
        if (findOnPath("ffmpeg", searchPath).isEmpty()) {
            throw new IOException(
                    "Writing "
                            + target
                            + " needs an ffmpeg executable on the PATH, and none was found (PATH="
                            + searchPath
                            + "); install ffmpeg or write .gif or .avi instead");
        }
        return target;
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
    void start(ImageBuffer first) throws IOException {
        ImageBuffer frame = first;
        int width = frame.width();
        int height = frame.height();
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
                        temp().toString());
        process =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        pipe = process.getOutputStream();
    }

    @Override
    void encode(ImageBuffer frame) throws IOException {
        pipe.write(frame.data());
    }

    @Override
    void finish() throws IOException {
        try {
            pipe.close();
            int code = process.waitFor();
            if (code != 0) {
                throw new IOException(
                        "ffmpeg exited with code " + code + ": " + Files.readString(log).trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Nobody will wait for ffmpeg any more: stop it rather than leave it encoding.
            process.destroyForcibly();
            throw new IOException("Interrupted while waiting for ffmpeg", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Override
    void discard() {
        if (process != null) {
            process.destroyForcibly();
        }
        if (log != null) {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a leftover log in the temp folder is harmless
            }
        }
    }
}
