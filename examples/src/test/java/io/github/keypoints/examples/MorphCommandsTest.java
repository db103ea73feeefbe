package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.format.PtsFormat;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.ImageHeader;
import io.github.keypoints.data.image.OpenCv;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

class MorphCommandsTest {

    @TempDir Path dir;

    record Run(int code, String out, String err) {
        JsonObject json() {
            List<String> lines = out.lines().toList();
            return JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
        }
    }

    private static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = KeypointsCommand.execute(args);
            return new Run(
                    code,
                    out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Four synthetic 68-point faces (two "a*", two "b*") on 96x72 pictures. */
    private Path faces() throws IOException {
        OpenCv.load();
        Path root = dir.resolve("faces");
        Files.createDirectories(root);
        Random r = new Random(7);
        String[] names = {"a1", "a2", "b1", "b2"};
        for (String name : names) {
            Mat m = new Mat(72, 96, CvType.CV_8UC3, new Scalar(40 + r.nextInt(150), 90, 160));
            Imgproc.circle(m, new Point(48, 36), 20, new Scalar(200, 180, 150), -1);
            ImageFiles.write(m, root.resolve(name + ".png"));
            m.release();
            float[] xy = new float[136];
            for (int i = 0; i < 68; i++) {
                xy[2 * i] = 24 + 48 * r.nextFloat();
                xy[2 * i + 1] = 14 + 44 * r.nextFloat();
            }
            xy[2 * 36] = 34;
            xy[2 * 36 + 1] = 30;
            xy[2 * 45] = 62;
            xy[2 * 45 + 1] = 30 + r.nextFloat();
            PtsFormat.write(Keypoints.of(LandmarkScheme.IBUG_68, xy), root.resolve(name + ".pts"));
        }
        return root;
    }

    @Test
    void morphWritesAGifThroughTheGlobbedFaces() throws IOException {
        Path gif = dir.resolve("m.gif");
        Run r =
                run(
                        "morph",
                        "--data",
                        faces().toString(),
                        "--glob",
                        "a*.png",
                        "--frames",
                        "3",
                        "--size",
                        "48x36",
                        "--out",
                        gif.toString(),
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonObject j = r.json();
        assertThat(j.get("faces").getAsInt()).isEqualTo(2);
        assertThat(j.get("frames").getAsInt()).isEqualTo(4);
        assertThat(j.get("out").getAsString()).isEqualTo(gif.toString());
        assertThat(j.get("seconds").getAsDouble()).isPositive();
        assertThat(ImageHeader.read(gif).width()).isEqualTo(48);
    }

    @Test
    void morphWritesPngFramesForNamedFacesInOrder() throws IOException {
        Path frames = dir.resolve("frames");
        Run r =
                run(
                        "morph",
                        "--data",
                        faces().toString(),
                        "--faces",
                        "b2.png",
                        "a1",
                        "b1",
                        "--frames",
                        "2",
                        "--out",
                        frames.toString(),
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().get("frames").getAsInt()).isEqualTo(5);
        try (Stream<Path> s = Files.list(frames)) {
            assertThat(s.count()).isEqualTo(5);
        }
        assertThat(ImageHeader.read(frames.resolve("frame-00000.png")).width()).isEqualTo(96);
    }

    @Test
    void meanFaceComparesGroupsSideBySide() throws IOException {
        Path png = dir.resolve("groups.png");
        Run r =
                run(
                        "mean-face",
                        "--data",
                        faces().toString(),
                        "--group",
                        "A=a*.png",
                        "--group",
                        "B=b*.png",
                        "--out",
                        png.toString(),
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonObject j = r.json();
        assertThat(j.get("faces").getAsInt()).isEqualTo(4);
        JsonArray groups = j.getAsJsonArray("groups");
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0).getAsJsonObject().get("name").getAsString()).isEqualTo("A");
        assertThat(groups.get(1).getAsJsonObject().get("faces").getAsInt()).isEqualTo(2);
        ImageHeader h = ImageHeader.read(png);
        assertThat(h.width()).isEqualTo(192);
        assertThat(h.height()).isGreaterThan(72);
    }

    @Test
    void meanFaceOfAllFaces() throws IOException {
        Path png = dir.resolve("mean.png");
        Run r = run("mean-face", "--data", faces().toString(), "--out", png.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().get("faces").getAsInt()).isEqualTo(4);
        assertThat(ImageHeader.read(png)).isEqualTo(new ImageHeader(96, 72, "png"));
    }

    @Test
    void caricatureWritesTheExaggeratedFace() throws IOException {
        Path png = dir.resolve("c.png");
        Run r =
                run(
                        "caricature",
                        "--data",
                        faces().toString(),
                        "--face",
                        "a2.png",
                        "--factor",
                        "1.8",
                        "--compare",
                        "--out",
                        png.toString(),
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().get("face").getAsString()).isEqualTo("a2");
        assertThat(ImageHeader.read(png).width()).isEqualTo(192);
    }

    @Test
    void badArgumentsAreNamedOnStderr() throws IOException {
        Path data = faces();
        Run glob =
                run(
                        "morph",
                        "--data",
                        data.toString(),
                        "--glob",
                        "zz*",
                        "--out",
                        dir.resolve("x.gif").toString());
        assertThat(glob.code()).isNotZero();
        assertThat(glob.err()).contains("--glob").contains("zz*");

        Run ext =
                run("morph", "--data", data.toString(), "--out", dir.resolve("x.webm").toString());
        assertThat(ext.code()).isNotZero();
        assertThat(ext.err()).contains("x.webm");

        Run size =
                run(
                        "mean-face",
                        "--data",
                        data.toString(),
                        "--size",
                        "12by5",
                        "--out",
                        dir.resolve("m.png").toString());
        assertThat(size.code()).isNotZero();
        assertThat(size.err()).contains("--size").contains("12by5");

        Run face =
                run(
                        "caricature",
                        "--data",
                        data.toString(),
                        "--face",
                        "nobody",
                        "--out",
                        dir.resolve("c.png").toString());
        assertThat(face.code()).isNotZero();
        assertThat(face.err()).contains("--face").contains("nobody");

        Run missing = run("mean-face", "--data", dir.resolve("none").toString(), "--out", "m.png");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains(dir.resolve("none").toString());
        assertThat(dir.resolve("x.gif")).doesNotExist();
    }

    @Test
    void benchMorphHasHelp() {
        Run r = run("bench", "morph", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--frames", "--no-reference");
    }
}
