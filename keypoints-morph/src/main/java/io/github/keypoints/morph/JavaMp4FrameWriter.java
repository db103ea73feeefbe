package io.github.keypoints.morph;

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
 * the last one, as the ffmpeg path pads. Slower than ffmpeg, which {@link FrameWriter#open}
 * therefore prefers when one is on the PATH.
 */
final class JavaMp4FrameWriter extends MovieFileWriter {

    private final Rational fps;
    private SeekableByteChannel channel;
    private SequenceEncoder encoder;

    JavaMp4FrameWriter(Path target, double fps) throws IOException {
        super(checked(target, fps));
        // Frame rates such as 12.5 are kept exactly to a thousandth of a frame per second.
        this.fps = Rational.R((int) Math.round(fps * 1000), 1000);
    }

    private static Path checked(Path target, double fps) {
        if (!(fps > 0) || !Double.isFinite(fps)) {
            throw new IllegalArgumentException("fps must be positive, was " + fps);
        }
        return target;
    }

    @Override
    void start(ImageBuffer first) throws IOException {
        channel = NIOUtils.writableChannel(temp().toFile());
        encoder = SequenceEncoder.createWithFps(channel, fps);
    }

    @Override
    void encode(ImageBuffer frame) throws IOException {
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
    void finish() throws IOException {
        encoder.finish();
        channel.close();
    }

    @Override
    void discard() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the temporary file is deleted next
            }
        }
    }
}
