package io.github.keypoints.morph;

import io.github.keypoints.data.image.OpenCv;
import java.io.IOException;
import java.nio.file.Path;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.videoio.VideoWriter;
import org.opencv.videoio.Videoio;

/** Writes a Motion-JPEG AVI with OpenCV's {@code VideoWriter} (the openpnp build's only codec). */
final class AviFrameWriter extends MovieFileWriter {

    private final double fps;
    private VideoWriter writer;

    AviFrameWriter(Path target, double fps) throws IOException {
        super(withOpenCv(target));
        this.fps = fps;
    }

    /** Loads OpenCV before the temporary file exists, so a failure leaves nothing behind. */
    private static Path withOpenCv(Path target) {
        OpenCv.load();
        return target;
    }

    @Override
    void start(ImageBuffer first) throws IOException {
        VideoWriter w =
                new VideoWriter(
                        temp().toString(),
                        // The built-in MJPEG encoder; without it OpenCV first tries to read the
                        // digits of the temporary name as an image-sequence pattern.
                        Videoio.CAP_OPENCV_MJPEG,
                        VideoWriter.fourcc('M', 'J', 'P', 'G'),
                        fps,
                        new Size(first.width(), first.height()),
                        first.channels() == 3);
        if (!w.isOpened()) {
            w.release();
            throw new IOException("OpenCV cannot open a Motion-JPEG AVI writer for " + temp());
        }
        writer = w;
    }

    @Override
    void encode(ImageBuffer frame) {
        Mat m = frame.toMat();
        try {
            writer.write(m);
        } finally {
            m.release();
        }
    }

    @Override
    void finish() {
        writer.release();
        writer = null;
    }

    @Override
    void discard() {
        if (writer != null) {
            writer.release();
            writer = null;
        }
    }
}
