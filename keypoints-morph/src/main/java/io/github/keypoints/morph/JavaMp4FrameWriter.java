package io.github.keypoints.morph;

import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.nio.file.Path;
import org.jcodec.api.SequenceEncoder;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rational;

/**
 * Encodes H.264 MP4 in pure Java with JCodec (a Maven dependency; no executable needed). H.264's
 * 4:2:0 sampling needs even sizes, so an odd width or height gets one more column or row, a copy of
 * the last one, as the ffmpeg path pads. Slower than ffmpeg (tens of milliseconds per 640×480
 * frame), which {@link FrameWriter#open} therefore prefers when one is on the PATH.
 */
final class JavaMp4FrameWriter implements FrameWriter {

    private final AtomicOutput out;
    private final Rational fps;
    private SeekableByteChannel channel;
    private SequenceEncoder encoder;
    private int width = -1;
    private int height = -1;
    private boolean done;

    JavaMp4FrameWriter(Path target, double fps) throws IOException {
        if (!(fps > 0) || !Double.isFinite(fps)) {
            throw new IllegalArgumentException("fps must be positive, was " + fps);
        }
        this.out = AtomicOutput.file(target);
        // Frame rates such as 12.5 are kept exactly to a thousandth of a frame per second.
        this.fps = Rational.R((int) Math.round(fps * 1000), 1000);
    }

    @Override
    public void write(ImageBuffer frame) throws IOException {
        if (done) {
            throw new IllegalStateException("The movie is closed");
        }
        if (encoder == null) {
            width = frame.width();
            height = frame.height();
            channel = NIOUtils.writableChannel(out.temp().toFile());
            encoder = SequenceEncoder.createWithFps(channel, fps);
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
        encoder.encodeNativeFrame(toPicture(frame));
    }

    /** JCodec's RGB picture (bytes stored as value − 128), padded to even sizes. */
    static Picture toPicture(ImageBuffer frame) {
        int w = frame.width();
        int h = frame.height();
        int pw = w + (w & 1);
        int ph = h + (h & 1);
        int c = frame.channels();
        byte[] src = frame.data();
        Picture p = Picture.create(pw, ph, ColorSpace.RGB);
        byte[] dst = p.getPlaneData(0);
        for (int y = 0; y < ph; y++) {
            int sy = Math.min(y, h - 1);
            for (int x = 0; x < pw; x++) {
                int s = (sy * w + Math.min(x, w - 1)) * c;
                int d = 3 * (y * pw + x);
                if (c == 3) {
                    dst[d] = (byte) ((src[s + 2] & 0xff) - 128);
                    dst[d + 1] = (byte) ((src[s + 1] & 0xff) - 128);
                    dst[d + 2] = (byte) ((src[s] & 0xff) - 128);
                } else {
                    byte g = (byte) ((src[s] & 0xff) - 128);
                    dst[d] = g;
                    dst[d + 1] = g;
                    dst[d + 2] = g;
                }
            }
        }
        return p;
    }

    @Override
    public void close() throws IOException {
        if (done) {
            return;
        }
        done = true;
        try {
            if (encoder == null) {
                throw new IOException("No frames were written");
            }
            encoder.finish();
            channel.close();
            out.commit();
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            out.close();
            throw e;
        }
    }

    @Override
    public void abort() {
        if (!done) {
            done = true;
            closeQuietly();
            out.close();
        }
    }

    private void closeQuietly() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the temporary file is deleted next
            }
        }
    }
}
