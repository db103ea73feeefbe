package io.github.keypoints.morph;

import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.opencv.core.Mat;

/** Writes frames as {@code frame-00000.png}, … into a folder that appears when complete. */
final class PngFolderWriter implements FrameWriter {

    private final AtomicOutput out;
    private int count;
    private boolean done;

    PngFolderWriter(Path target) throws IOException {
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.list(target)) {
                if (s.findAny().isPresent()) {
                    throw new IOException(
                            "Output folder "
                                    + target
                                    + " exists and is not empty; not replacing it");
                }
            }
        } else if (Files.exists(target)) {
            throw new IOException("Output " + target + " exists and is not a folder");
        }
        this.out = AtomicOutput.folder(target);
    }

    @Override
    public void write(ImageBuffer frame) {
        Mat m = frame.toMat();
        try {
            ImageFiles.write(m, out.temp().resolve(String.format("frame-%05d.png", count++)));
        } finally {
            m.release();
        }
    }

    @Override
    public void close() throws IOException {
        if (done) {
            return;
        }
        done = true;
        try {
            if (count == 0) {
                throw new IOException("No frames were written");
            }
            out.commit();
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    @Override
    public void abort() {
        if (!done) {
            done = true;
            out.close();
        }
    }
}
