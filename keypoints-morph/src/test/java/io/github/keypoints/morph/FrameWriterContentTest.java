package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.image.ImageFiles;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the frame writers leave on disk, read back independently: GIF frames decoded by ImageIO
 * (pixels, delays, loop flag, trailer), PNG frames decoded one by one, the raw stream an MP4 writer
 * pipes into ffmpeg (captured by a stand-in script, so this runs without ffmpeg), and the
 * all-or-nothing contract: failures and aborts leave neither the target nor temporary files, and
 * finished outputs get ordinary permissions.
 */
class FrameWriterContentTest {

    @TempDir Path dir;

    /**
     * Four flat quadrants of distinct colours (few colours, so a GIF palette holds them exactly).
     */
    static ImageBuffer quadrants(int w, int h, int ch, int shift) {
        int[][] colours = {{10, 200, 30}, {250, 5, 90}, {40, 40, 220}, {128, 255, 0}};
        byte[] d = new byte[w * h * ch];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int q = ((x < w / 2 ? 0 : 1) + (y < h / 2 ? 0 : 2) + shift) % 4;
                for (int c = 0; c < ch; c++) {
                    d[(y * w + x) * ch + c] = (byte) colours[q][ch == 1 ? 1 : c];
                }
            }
        }
        return new ImageBuffer(w, h, ch, d);
    }

    /** Channel c of pixel (x, y) of a decoded image, in the BGR order of {@link ImageBuffer}. */
    private static int decoded(BufferedImage img, int x, int y, int c, int channels) {
        int rgb = img.getRGB(x, y);
        if (channels == 1) {
            return rgb & 0xff;
        }
        return switch (c) {
            case 0 -> rgb & 0xff; // blue
            case 1 -> (rgb >> 8) & 0xff;
            default -> (rgb >> 16) & 0xff;
        };
    }

    private static void assertSamePixels(BufferedImage got, ImageBuffer expected) {
        assertThat(got.getWidth()).isEqualTo(expected.width());
        assertThat(got.getHeight()).isEqualTo(expected.height());
        for (int y = 0; y < expected.height(); y++) {
            for (int x = 0; x < expected.width(); x++) {
                for (int c = 0; c < expected.channels(); c++) {
                    assertThat(decoded(got, x, y, c, expected.channels()))
                            .as("pixel %d,%d channel %d", x, y, c)
                            .isEqualTo(expected.get(x, y, c));
                }
            }
        }
    }

    @Test
    void gifFramesDecodeToTheWrittenPixelsWithDelayLoopAndTrailer() throws IOException {
        for (int ch : new int[] {1, 3}) {
            Path gif = dir.resolve("m" + ch + ".gif");
            List<ImageBuffer> frames = new ArrayList<>();
            try (FrameWriter w = FrameWriter.open(gif, 3)) {
                for (int i = 0; i < 3; i++) {
                    frames.add(quadrants(7, 5, ch, i));
                    w.write(frames.get(i));
                }
            }
            byte[] bytes = Files.readAllBytes(gif);
            // endWriteSequence writes the GIF trailer; without it the file is truncated.
            assertThat(bytes[bytes.length - 1]).isEqualTo((byte) 0x3B);
            try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
                ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
                r.setInput(in);
                assertThat(r.getNumImages(true)).isEqualTo(3);
                for (int i = 0; i < 3; i++) {
                    assertSamePixels(r.read(i), frames.get(i));
                    IIOMetadataNode root =
                            (IIOMetadataNode)
                                    r.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0");
                    IIOMetadataNode gce =
                            (IIOMetadataNode)
                                    root.getElementsByTagName("GraphicControlExtension").item(0);
                    // 100 / 3 fps = 33.3 centiseconds, rounded.
                    assertThat(gce.getAttribute("delayTime")).isEqualTo("33");
                    assertThat(gce.getAttribute("disposalMethod")).isEqualTo("none");
                    assertThat(gce.getAttribute("userInputFlag")).isEqualTo("FALSE");
                    assertThat(gce.getAttribute("transparentColorFlag")).isEqualTo("FALSE");
                    IIOMetadataNode app =
                            (IIOMetadataNode)
                                    root.getElementsByTagName("ApplicationExtension").item(0);
                    assertThat(app.getAttribute("applicationID")).isEqualTo("NETSCAPE");
                    assertThat((byte[]) app.getUserObject()).containsExactly(1, 0, 0);
                }
            }
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void gifDelayIsAtLeastOneCentisecond() throws IOException {
        Path gif = dir.resolve("fast.gif");
        try (FrameWriter w = FrameWriter.open(gif, 1000)) {
            w.write(quadrants(4, 4, 3, 0));
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
            r.setInput(in);
            IIOMetadataNode root =
                    (IIOMetadataNode)
                            r.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode gce =
                    (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
            assertThat(gce.getAttribute("delayTime")).isEqualTo("1");
        }
    }

    @Test
    void pngFramesDecodeToTheWrittenPixelsInOrder() throws IOException {
        Path out = dir.resolve("frames");
        List<ImageBuffer> frames = new ArrayList<>();
        try (FrameWriter w = FrameWriter.open(out, 10)) {
            for (int i = 0; i < 3; i++) {
                frames.add(quadrants(6, 3, i == 1 ? 1 : 3, i));
                w.write(frames.get(i));
            }
        }
        for (int i = 0; i < 3; i++) {
            ImageBuffer back =
                    ImageBuffer.fromMat(
                            ImageFiles.read(
                                    out.resolve(String.format("frame-%05d.png", i)), false));
            ImageBuffer expected = frames.get(i);
            for (int y = 0; y < expected.height(); y++) {
                for (int x = 0; x < expected.width(); x++) {
                    for (int c = 0; c < back.channels(); c++) {
                        int e = expected.get(x, y, expected.channels() == 1 ? 0 : c);
                        assertThat(back.get(x, y, c)).isEqualTo(e);
                    }
                }
            }
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void finishedOutputsGetOrdinaryPermissions() throws IOException {
        Assumptions.assumeTrue(
                dir.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "no POSIX permissions on this file system");
        Path gif = dir.resolve("p.gif");
        try (FrameWriter w = FrameWriter.open(gif, 10)) {
            w.write(quadrants(4, 4, 3, 0));
        }
        Path folder = dir.resolve("pngs");
        try (FrameWriter w = FrameWriter.open(folder, 10)) {
            w.write(quadrants(4, 4, 3, 0));
        }
        // Temporary files are created owner-only; the finished ones must not stay so.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(gif)))
                .isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
                .isEqualTo("rwxr-xr-x");
    }

    @Test
    void closingWithoutFramesFailsAndLeavesNothing() throws IOException {
        for (String name : new String[] {"e.gif", "e.avi", "empty"}) {
            Path target = dir.resolve(name);
            FrameWriter w = FrameWriter.open(target, 10);
            assertThatThrownBy(w::close)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("No frames");
            // A second close (try-with-resources after a failure) does nothing.
            w.close();
            assertThat(target).doesNotExist();
            assertThat(leftovers()).as(name).isEmpty();
        }
    }

    @Test
    void abortAfterFramesLeavesNothingAndAfterCloseKeepsTheOutput() throws IOException {
        for (String name : new String[] {"a.gif", "a.avi", "afolder"}) {
            Path target = dir.resolve(name);
            FrameWriter w = FrameWriter.open(target, 10);
            w.write(quadrants(8, 8, 3, 0));
            w.write(quadrants(8, 8, 3, 1));
            w.abort();
            w.abort();
            w.close();
            assertThat(target).as(name).doesNotExist();
            assertThat(leftovers()).as(name).isEmpty();
            // Aborting before the first frame is fine too.
            FrameWriter unused = FrameWriter.open(target, 10);
            unused.abort();
            assertThat(leftovers()).as(name).isEmpty();
            // Abort after a successful close must not remove the finished output.
            FrameWriter done = FrameWriter.open(target, 10);
            done.write(quadrants(8, 8, 3, 0));
            done.close();
            done.abort();
            assertThat(target).as(name).exists();
        }
    }

    @Test
    void framesOfAnotherSizeAreRejected() throws IOException {
        for (String name : new String[] {"s.gif", "s.avi"}) {
            try (FrameWriter w = FrameWriter.open(dir.resolve(name), 10)) {
                w.write(quadrants(8, 6, 3, 0));
                w.write(quadrants(8, 6, 3, 1));
                assertThatThrownBy(() -> w.write(quadrants(6, 8, 3, 0)))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("6x8")
                        .hasMessageContaining("8x6");
                assertThatThrownBy(() -> w.write(quadrants(8, 7, 3, 0)))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void pngFolderRefusesANonEmptyFolderOrAFileAndFillsAnEmptyOne() throws IOException {
        Path full = Files.createDirectory(dir.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "x");
        assertThatThrownBy(() -> FrameWriter.open(full, 10))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not empty");
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertThatThrownBy(() -> FrameWriter.open(file, 10))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a folder");
        Path empty = Files.createDirectory(dir.resolve("emptyfolder"));
        try (FrameWriter w = FrameWriter.open(empty, 10)) {
            w.write(quadrants(4, 4, 3, 0));
        }
        try (Stream<Path> s = Files.list(empty)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("frame-00000.png");
        }
        assertThat(full.resolve("keep.txt")).exists();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void fpsMustBePositiveAndFinite() {
        for (double fps : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> FrameWriter.open(dir.resolve("f.gif"), fps))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fps");
        }
    }

    @Test
    void mp4GoesToFfmpegWhenOnThePathElseToThePureJavaEncoder() throws IOException {
        Path mp4 = dir.resolve("o.mp4");
        FrameWriter w = FrameWriter.open(mp4, 10);
        if (Mp4FrameWriter.findOnPath("ffmpeg", System.getenv("PATH")).isPresent()) {
            assertThat(w).isInstanceOf(Mp4FrameWriter.class);
        } else {
            assertThat(w).isInstanceOf(JavaMp4FrameWriter.class);
        }
        w.abort();
        assertThat(leftovers()).isEmpty();
        assertThat(mp4).doesNotExist();
    }

    // ------------------------------------------------------------- MP4 through a stand-in ffmpeg

    /** A folder holding an executable "ffmpeg" script, or skips where there is no POSIX shell. */
    private Path fakeFfmpeg(String name, String body) throws IOException {
        Assumptions.assumeTrue(
                new File("/bin/sh").canExecute(), "no /bin/sh: the stand-in ffmpeg cannot run");
        Path bin = Files.createDirectories(dir.resolve(name));
        Path script = bin.resolve("ffmpeg");
        Files.writeString(script, "#!/bin/sh\n" + body);
        script.toFile().setExecutable(true);
        return bin;
    }

    /** Records its arguments next to itself and copies stdin to its last argument. */
    private static final String RECORDING_FFMPEG =
            "for a; do last=$a; done\n"
                    + "printf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args\"\n"
                    + "cat > \"$last\"\n";

    @Test
    void mp4WriterPipesEveryFrameRawToFfmpegAndCommitsItsOutput() throws IOException {
        for (int ch : new int[] {1, 3}) {
            Path bin = fakeFfmpeg("bin" + ch, RECORDING_FFMPEG);
            Path mp4 = dir.resolve("v" + ch + ".mp4");
            List<ImageBuffer> frames = new ArrayList<>();
            try (FrameWriter w = new Mp4FrameWriter(mp4, 12.5, bin.toString())) {
                for (int i = 0; i < 3; i++) {
                    frames.add(quadrants(5, 3, ch, i));
                    w.write(frames.get(i));
                }
                assertThatThrownBy(() -> w.write(quadrants(3, 5, ch, 0)))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("3x5");
            }
            byte[] expected = new byte[0];
            for (ImageBuffer f : frames) {
                int at = expected.length;
                expected = Arrays.copyOf(expected, at + f.data().length);
                System.arraycopy(f.data(), 0, expected, at, f.data().length);
            }
            assertThat(Files.readAllBytes(mp4)).isEqualTo(expected);
            List<String> args = Files.readAllLines(bin.resolve("args"));
            assertThat(args).containsSubsequence("-pix_fmt", ch == 3 ? "bgr24" : "gray");
            assertThat(args).containsSubsequence("-s", "5x3");
            assertThat(args).containsSubsequence("-r", "12.5");
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void mp4WriterReportsAFailingFfmpegAndLeavesNothing() throws IOException {
        Path bin = fakeFfmpeg("badbin", "cat > /dev/null\necho 'codec exploded'\nexit 3\n");
        Path mp4 = dir.resolve("bad.mp4");
        FrameWriter w = new Mp4FrameWriter(mp4, 10, bin.toString());
        w.write(quadrants(4, 4, 3, 0));
        assertThatThrownBy(w::close)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("code 3")
                .hasMessageContaining("codec exploded");
        assertThat(mp4).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void mp4WriterWithoutFramesOrAbortedLeavesNothing() throws IOException {
        Path bin = fakeFfmpeg("idlebin", RECORDING_FFMPEG);
        Path mp4 = dir.resolve("idle.mp4");
        FrameWriter none = new Mp4FrameWriter(mp4, 10, bin.toString());
        assertThatThrownBy(none::close).hasMessageContaining("No frames");
        none.close();
        FrameWriter aborted = new Mp4FrameWriter(mp4, 10, bin.toString());
        aborted.write(quadrants(4, 4, 3, 0));
        aborted.abort();
        aborted.abort();
        aborted.close();
        FrameWriter early = new Mp4FrameWriter(mp4, 10, bin.toString());
        early.abort();
        assertThat(mp4).doesNotExist();
        assertThat(leftovers()).isEmpty();
        // After a successful close an abort must keep the output.
        FrameWriter ok = new Mp4FrameWriter(mp4, 10, bin.toString());
        ok.write(quadrants(4, 4, 3, 0));
        ok.close();
        ok.abort();
        assertThat(mp4).exists();
    }

    @Test
    void mp4WriterInterruptedWhileWaitingForFfmpegLeavesNothingAndKeepsTheFlag()
            throws IOException {
        Path pidFile = dir.resolve("ffmpeg.pid");
        Path bin =
                fakeFfmpeg(
                        "slowbin",
                        "echo $$ > "
                                + pidFile
                                + ".tmp && mv "
                                + pidFile
                                + ".tmp "
                                + pidFile
                                + "\ncat > /dev/null\nsleep 5\n");
        Path mp4 = dir.resolve("slow.mp4");
        FrameWriter w = new Mp4FrameWriter(mp4, 10, bin.toString());
        w.write(quadrants(4, 4, 3, 0));
        // ffmpeg has started once it has written its process id.
        for (int i = 0; i < 100 && !Files.exists(pidFile); i++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(w::close)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("Interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(mp4).doesNotExist();
        // Nobody waits for the encoder any more: it must have been stopped, not left running.
        Files.delete(pidFile);
        ProcessHandle.of(pid)
                .ifPresent(
                        h -> {
                            try {
                                h.onExit().get(2, java.util.concurrent.TimeUnit.SECONDS);
                            } catch (Exception e) {
                                throw new AssertionError("ffmpeg " + pid + " still runs", e);
                            }
                        });
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void findOnPathTakesTheFirstExecutableRegularFile() throws IOException {
        Path notExec = Files.createDirectories(dir.resolve("p1"));
        Files.writeString(notExec.resolve("tool"), "x");
        Path isDir = Files.createDirectories(dir.resolve("p2/tool"));
        Path good = fakeFfmpeg("p3", "exit 0\n");
        Files.copy(good.resolve("ffmpeg"), good.resolve("tool"));
        good.resolve("tool").toFile().setExecutable(true);
        Path later = fakeFfmpeg("p4", "exit 0\n");
        Files.copy(later.resolve("ffmpeg"), later.resolve("tool"));
        later.resolve("tool").toFile().setExecutable(true);
        String path =
                String.join(
                        File.pathSeparator,
                        notExec.toString(),
                        isDir.getParent().toString(),
                        good.toString(),
                        later.toString());
        assertThat(Mp4FrameWriter.findOnPath("tool", path)).contains(good.resolve("tool"));
        assertThat(Mp4FrameWriter.findOnPath("tool", notExec.toString())).isEmpty();
        assertThat(Mp4FrameWriter.findOnPath("tool", isDir.getParent().toString())).isEmpty();
        assertThat(Mp4FrameWriter.findOnPath("tool", null)).isEmpty();
        assertThat(Mp4FrameWriter.findOnPath("no-such-tool-here", path)).isEmpty();
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
