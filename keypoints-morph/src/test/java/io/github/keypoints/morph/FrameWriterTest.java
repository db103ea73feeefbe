package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.image.OpenCv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;
import org.opencv.videoio.VideoCapture;
import org.opencv.videoio.Videoio;

class FrameWriterTest {

    @TempDir Path dir;

    private static ImageBuffer frame(int seed) {
        return FacePoints.randomImage(new Random(seed), 32, 24, 3);
    }

    @Test
    void gifLoopsForeverWithTheFrameDelay() throws IOException {
        Path gif = dir.resolve("m.gif");
        try (FrameWriter w = FrameWriter.open(gif, 20)) {
            for (int i = 0; i < 3; i++) {
                w.write(frame(i));
            }
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
            r.setInput(in);
            assertThat(r.getNumImages(true)).isEqualTo(3);
            IIOMetadataNode root =
                    (IIOMetadataNode)
                            r.getImageMetadata(1).getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode gce =
                    (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
            assertThat(gce.getAttribute("delayTime")).isEqualTo("5");
            IIOMetadataNode app =
                    (IIOMetadataNode)
                            ((IIOMetadataNode)
                                            r.getImageMetadata(0)
                                                    .getAsTree("javax_imageio_gif_image_1.0"))
                                    .getElementsByTagName("ApplicationExtension")
                                    .item(0);
            assertThat(app.getAttribute("applicationID")).isEqualTo("NETSCAPE");
            assertThat((byte[]) app.getUserObject()).containsExactly(1, 0, 0);
            assertThat(r.read(0).getWidth()).isEqualTo(32);
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aviHasEveryFrame() throws IOException {
        Path avi = dir.resolve("m.avi");
        try (FrameWriter w = FrameWriter.open(avi, 10)) {
            for (int i = 0; i < 4; i++) {
                w.write(frame(i));
            }
        }
        OpenCv.load();
        VideoCapture cap = new VideoCapture(avi.toString());
        try {
            assertThat(cap.isOpened()).isTrue();
            assertThat(cap.get(Videoio.CAP_PROP_FRAME_WIDTH)).isEqualTo(32);
            int n = 0;
            Mat m = new Mat();
            while (cap.read(m)) {
                n++;
            }
            m.release();
            assertThat(n).isEqualTo(4);
        } finally {
            cap.release();
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void pngFolderAppearsWhole() throws IOException {
        Path out = dir.resolve("frames");
        try (FrameWriter w = FrameWriter.open(out, 10)) {
            w.write(frame(1));
            w.write(frame(2));
            assertThat(out).doesNotExist();
        }
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("frame-00000.png", "frame-00001.png");
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void abortLeavesNothing() throws IOException {
        Path gif = dir.resolve("a.gif");
        FrameWriter w = FrameWriter.open(gif, 10);
        w.write(frame(1));
        w.abort();
        w.close();
        assertThat(gif).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void mp4WithoutFfmpegNamesTheProblem() throws IOException {
        Path emptyBin = Files.createDirectory(dir.resolve("bin"));
        assertThatThrownBy(() -> new Mp4FrameWriter(dir.resolve("m.mp4"), 10, emptyBin.toString()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ffmpeg")
                .hasMessageContaining("m.mp4");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void mp4IsWrittenWhenFfmpegIsOnThePath() throws IOException {
        Assumptions.assumeTrue(
                Mp4FrameWriter.findOnPath("ffmpeg", System.getenv("PATH")).isPresent(),
                "no ffmpeg on the PATH: MP4 output not testable here");
        Path mp4 = dir.resolve("m.mp4");
        try (FrameWriter w = FrameWriter.open(mp4, 10)) {
            for (int i = 0; i < 5; i++) {
                w.write(frame(i));
            }
        }
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(mp4), 8);
        assertThat(new String(head, 4, 4, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("ftyp");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void unknownExtensionIsRejected() {
        assertThatThrownBy(() -> FrameWriter.open(dir.resolve("m.webm"), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("m.webm");
    }

    private java.util.List<Path> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
