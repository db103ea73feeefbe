package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.format.PtsFormat;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.ImageHeader;
import io.github.keypoints.data.image.OpenCv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

class MorphCommandsTest {

    @TempDir Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
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
        CliRun r =
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
        CliRun r =
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
        CliRun r =
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
        CliRun r =
                run("mean-face", "--data", faces().toString(), "--out", png.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().get("faces").getAsInt()).isEqualTo(4);
        assertThat(ImageHeader.read(png)).isEqualTo(new ImageHeader(96, 72, "png"));
        // The picture is the library's mean face of the same four faces, pixel for pixel (up to
        // one grey level: the workers' sums may be added in another order).
        List<io.github.keypoints.morph.Face> faces = new java.util.ArrayList<>();
        for (String name : List.of("a1", "a2", "b1", "b2")) {
            Mat m = ImageFiles.read(dir.resolve("faces").resolve(name + ".png"), false);
            try {
                faces.add(
                        new io.github.keypoints.morph.Face(
                                name,
                                io.github.keypoints.morph.ImageBuffer.fromMat(m),
                                PtsFormat.parse(dir.resolve("faces").resolve(name + ".pts"))));
            } finally {
                m.release();
            }
        }
        io.github.keypoints.morph.ImageBuffer want =
                io.github.keypoints.morph.MeanFace.builder()
                        .setSize(96, 72)
                        .build()
                        .compute(faces)
                        .image();
        Mat got = ImageFiles.read(png, false);
        try {
            byte[] g = io.github.keypoints.morph.ImageBuffer.fromMat(got).data();
            assertThat(g).hasSameSizeAs(want.data());
            int worst = 0;
            for (int i = 0; i < g.length; i++) {
                worst = Math.max(worst, Math.abs((g[i] & 0xff) - (want.data()[i] & 0xff)));
            }
            assertThat(worst).isLessThanOrEqualTo(1);
        } finally {
            got.release();
        }
    }

    @Test
    void caricatureWritesTheExaggeratedFace() throws IOException {
        Path png = dir.resolve("c.png");
        CliRun r =
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
        CliRun glob =
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

        CliRun ext =
                run("morph", "--data", data.toString(), "--out", dir.resolve("x.webm").toString());
        assertThat(ext.code()).isNotZero();
        assertThat(ext.err()).contains("x.webm");

        CliRun size =
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

        CliRun face =
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

        CliRun missing =
                run("mean-face", "--data", dir.resolve("none").toString(), "--out", "m.png");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains(dir.resolve("none").toString());
        assertThat(dir.resolve("x.gif")).doesNotExist();
    }

    @Test
    void automaticModeRejectsBadArguments() throws IOException {
        Path photos = Files.createDirectories(dir.resolve("photos"));
        CliRun noModel =
                run(
                        "morph",
                        "--data",
                        photos.toString(),
                        "--model",
                        dir.resolve("no-model").toString(),
                        "--out",
                        dir.resolve("a.gif").toString());
        assertThat(noModel.code()).isNotZero();
        assertThat(noModel.err()).contains("--model").contains("no-model");
        CliRun withFaces =
                run(
                        "morph",
                        "--data",
                        photos.toString(),
                        "--model",
                        photos.toString(),
                        "--faces",
                        "x.jpg",
                        "--out",
                        dir.resolve("a.gif").toString());
        assertThat(withFaces.code()).isNotZero();
        assertThat(withFaces.err()).contains("--faces");
        assertThat(dir.resolve("a.gif")).doesNotExist();
    }

    @Test
    void automaticModeMorphsRealPhotosWithASavedModel() throws IOException {
        Path misc =
                Path.of(System.getProperty("keypoints.shared.data", "../../shared/data"))
                        .resolve("faces_misc/face_recognition");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isDirectory(misc), "shared photos not found at " + misc);
        // An untrained tiny model: the keypoints are meaningless, the pipeline is what is tested.
        io.github.keypoints.models.ModelSpec spec =
                io.github.keypoints.models.ModelSpec.builder()
                        .setBlock(
                                io.github.keypoints.models.NoseTipNet.builder()
                                        .setOutputs(2 * LandmarkScheme.IMM_58.size())
                                        .optChannels(4, 4, 4)
                                        .optHidden(16)
                                        .build())
                        .setScheme(LandmarkScheme.IMM_58)
                        .setInputSize(32, 24)
                        .build();
        Path model = dir.resolve("model");
        try (io.github.keypoints.models.KeypointModel m =
                io.github.keypoints.models.KeypointModel.create(
                        spec, "PyTorch", ai.djl.Device.cpu())) {
            m.save(model);
        }
        Path photos = Files.createDirectories(dir.resolve("photos"));
        for (String n : List.of("obama.jpg", "biden.jpg", "obama2.jpg", "biden2.jpg")) {
            Files.copy(misc.resolve(n), photos.resolve(n));
        }
        Files.writeString(photos.resolve("broken.jpg"), "not a jpeg");
        Path gif = dir.resolve("auto.gif");
        CliRun r =
                run(
                        "morph",
                        "--data",
                        photos.toString(),
                        "--model",
                        model.toString(),
                        "--frames",
                        "2",
                        "--size",
                        "40x40",
                        "--out",
                        gif.toString(),
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonObject j = r.json();
        assertThat(j.get("faces").getAsInt()).isGreaterThanOrEqualTo(2);
        assertThat(j.getAsJsonArray("rejected")).hasSize(5 - j.get("faces").getAsInt());
        assertThat(r.err()).contains("broken.jpg");
        assertThat(ImageHeader.read(gif).width()).isEqualTo(40);
    }

    /** Three synthetic IMM-style 640x480 faces ({@code 0N-1m.jpg}, 68 points each). */
    private Path immStyleFaces() throws IOException {
        OpenCv.load();
        Path root = dir.resolve("imm");
        Files.createDirectories(root);
        Random r = new Random(11);
        for (int f = 1; f <= 3; f++) {
            Mat m = new Mat(480, 640, CvType.CV_8UC3, new Scalar(30 + 60 * f, 90, 160));
            Imgproc.circle(m, new Point(320, 240), 150, new Scalar(200, 180 - 30 * f, 150), -1);
            Imgproc.line(m, new Point(0, 0), new Point(639, 479), new Scalar(10, 250, 10), 9);
            ImageFiles.write(m, root.resolve(String.format("%02d-1m.jpg", f)));
            m.release();
            float[] xy = new float[136];
            for (int i = 0; i < 68; i++) {
                xy[2 * i] = 180 + 280 * r.nextFloat();
                xy[2 * i + 1] = 100 + 280 * r.nextFloat();
            }
            xy[2 * 36] = 250;
            xy[2 * 36 + 1] = 200;
            xy[2 * 45] = 390;
            xy[2 * 45 + 1] = 200 + 10 * r.nextFloat();
            PtsFormat.write(
                    Keypoints.of(LandmarkScheme.IBUG_68, xy),
                    root.resolve(String.format("%02d-1m.pts", f)));
        }
        return root;
    }

    @Test
    void benchMorphTimesEachPythonPartAndWorkerCountInAProcessOfItsOwn() throws Exception {
        Assumptions.assumeTrue(
                SystemPython.imports("cv2", "numpy"),
                SystemPython.PATH
                        + " has no cv2: the morph reference is not run here (it would install it)");
        CliRun r =
                run(
                        "bench",
                        "morph",
                        "--data",
                        immStyleFaces().toString(),
                        "--frames",
                        "2",
                        "--json");
        assertThat(r.code()).as(r.err() + r.out()).isZero();
        JsonObject j = r.json();
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(j.get("pythonWorkers").getAsInt()).isEqualTo(cores);
        JsonArray pids = j.getAsJsonArray("pythonPids");
        assertThat(pids).hasSize(4);
        List<Long> distinct =
                Stream.of(0, 1, 2, 3).map(i -> pids.get(i).getAsLong()).distinct().toList();
        // frames and mean face, one process and one per core: four processes (two on one core,
        // where the one-process figures stand for both)
        assertThat(distinct).hasSize(cores > 1 ? 4 : 2);
        // Both sides warp the same triangles: the pictures agree to within a grey level, and the
        // per-core split renders exactly what one process renders.
        assertThat(j.get("frameMeanAbsDiff").getAsDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("meanFaceMeanAbsDiff").getAsDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("frameMeanAbsDiffWorkers").getAsDouble())
                .isEqualTo(j.get("frameMeanAbsDiff").getAsDouble());
        assertThat(j.get("meanFaceMeanAbsDiffWorkers").getAsDouble())
                .isEqualTo(j.get("meanFaceMeanAbsDiff").getAsDouble());
        assertThat(j.get("frameRatio").getAsDouble())
                .isCloseTo(
                        j.get("pythonFrameMs").getAsDouble() / j.get("javaFrameMs").getAsDouble(),
                        org.assertj.core.data.Offset.offset(1e-9));
        assertThat(j.get("frameRatioOneThread").getAsDouble())
                .isCloseTo(
                        j.get("pythonFrameMsOneProcess").getAsDouble()
                                / j.get("javaFrameMsOneThread").getAsDouble(),
                        org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.out()).contains("--part frames --workers 1", "--part mean --workers " + cores);
        // The one-process reference is a one-core process (NumPy's BLAS threads pinned to one),
        // and the command says so when it is not.
        double pyCores = j.get("pythonOneProcessCores").getAsDouble();
        assertThat(pyCores)
                .isCloseTo(
                        j.get("pythonFrameCpuMs").getAsDouble()
                                / j.get("pythonFrameMsOneProcess").getAsDouble(),
                        org.assertj.core.data.Offset.offset(1e-9))
                .isLessThanOrEqualTo(BenchMorphCommand.ONE_CORE_SLACK);
        assertThat(r.err()).doesNotContain("more than one core");
    }

    @Test
    void benchMorphHasHelp() {
        CliRun r = run("bench", "morph", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--frames", "--no-reference", "forked");
    }
}
