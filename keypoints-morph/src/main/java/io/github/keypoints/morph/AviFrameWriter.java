package io.github.keypoints.morph;

import io.github.keypoints.data.image.OpenCv;
import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.nio.file.Path;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.videoio.VideoWriter;
import org.opencv.videoio.Videoio;

/** Writes a Motion-JPEG AVI with OpenCV's {@code VideoWriter} (the openpnp build's only codec). */
final class AviFrameWriter implements FrameWriter {

    private final AtomicOutput out;
    private final double fps;
    private VideoWriter writer;
    private int width = -1;
    private int height = -1;
    private boolean done;

    AviFrameWriter(Path target, double fps) throws IOException {
        OpenCv.load();
        this.out = AtomicOutput.file(target);
        this.fps = fps;
    }

    @Override
    public void write(ImageBuffer frame) throws IOException {
        if (writer == null) {
            width = frame.width();
            height = frame.height();
            writer =
                    new VideoWriter(
                            out.temp().toString(),
                            // The built-in MJPEG encoder; without it OpenCV first tries to read the
                            // digits of the temporary name as an image-sequence pattern.
                            Videoio.CAP_OPENCV_MJPEG,
                            VideoWriter.fourcc('M', 'J', 'P', 'G'),
                            fps,
                            new Size(width, height),
                            frame.channels() == 3);
            if (!writer.isOpened()) {
                throw new IOException(
                        "OpenCV cannot open a Motion-JPEG AVI writer for " + out.temp());
            }
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
        Mat m = frame.toMat();
        try {
            writer.write(m);
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
            if (writer == null) {
                throw new IOException("No frames were written");
            }
            writer.release();
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
            if (writer != null) {
                writer.release();
            }
            out.close();
        }
    }
}
