package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.format.PixelOrigin;
import io.github.keypoints.data.format.PtsFormat;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.OpenCv;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.NoseTipNet;
import io.github.keypoints.models.inference.KeypointDetector;
import io.github.keypoints.morph.LandmarkPredictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

class PredictCommandTest {

    @TempDir Path dir;

    private Path model;
    private Path faces;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** A tiny 68-point face-crop model and a .pts folder of three noisy 120x90 faces. */
    @BeforeEach
    void setUp() throws Exception {
        OpenCv.load();
        ModelSpec spec =
                ModelSpec.builder()
                        .setBlock(
                                NoseTipNet.builder()
                                        .setOutputs(136)
                                        .optChannels(4, 4, 4)
                                        .optHidden(16)
                                        .build())
                        .setScheme(LandmarkScheme.IBUG_68)
                        .setInputSize(32, 32)
                        .optCrop(new CropPolicy(CropPolicy.Kind.FACE_BOX, 1.3, true))
                        .build();
        model = dir.resolve("model");
        try (KeypointModel m = KeypointModel.create(spec, "PyTorch", Device.cpu())) {
            m.save(model);
        }
        faces = dir.resolve("faces");
        Files.createDirectories(faces);
        SplittableRandom r = new SplittableRandom(5);
        for (int n = 0; n < 3; n++) {
            byte[] px = new byte[120 * 90 * 3];
            for (int i = 0; i < px.length; i++) {
                px[i] = (byte) r.nextInt(256);
            }
            Mat m = new Mat(90, 120, CvType.CV_8UC3);
            m.put(0, 0, px);
            ImageFiles.write(m, faces.resolve("f" + n + ".png"));
            m.release();
            float[] xy = new float[136];
            for (int i = 0; i < 68; i++) {
                xy[2 * i] = 30 + (i % 10) * 5 + n;
                xy[2 * i + 1] = 20 + (i / 10) * 7;
            }
            PtsFormat.write(
                    Keypoints.of(LandmarkScheme.IBUG_68, xy), faces.resolve("f" + n + ".pts"));
        }
    }

    @Test
    void helpShowsAnExample() {
        assertThat(run("predict", "--help").out()).contains("Example: ./keypoints predict");
        assertThat(run("submission", "--help").out()).contains("Example: ./keypoints submission");
    }

    @Test
    void withoutABoxEveryFoundFaceIsLandmarkedAndFacelessImagesAreListed() throws Exception {
        Path photo =
                Path.of(System.getProperty("keypoints.shared.data", "../../shared/data"))
                        .resolve("faces_misc/face_recognition/obama2.jpg");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isRegularFile(photo), "shared photo not found at " + photo);
        Path blank = dir.resolve("blank.png");
        Mat grey = new Mat(90, 120, CvType.CV_8UC3, new org.opencv.core.Scalar(128, 128, 128));
        ImageFiles.write(grey, blank);
        grey.release();
        CliRun r =
                run(
                        "predict",
                        "--model",
                        model.toString(),
                        photo.toString(),
                        blank.toString(),
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(blank + ": no face found");
        JsonObject j = r.json();
        assertThat(j.getAsJsonArray("no_face")).hasSize(1);
        assertThat(j.getAsJsonArray("no_face").get(0).getAsString()).isEqualTo(blank.toString());
        // The faces are the bundled finder's on the photo as the 1-channel model reads it, in the
        // finder's order (largest first), each landmarked.
        Mat m = ImageFiles.read(photo, true);
        java.util.List<Box> found;
        try {
            found = io.github.keypoints.data.detect.CascadeFaceFinder.builder().build().find(m);
        } finally {
            m.release();
        }
        assertThat(found).isNotEmpty();
        JsonArray preds = j.getAsJsonArray("predictions");
        assertThat(j.get("faces").getAsInt()).isEqualTo(found.size());
        assertThat(preds).hasSize(found.size());
        for (int i = 0; i < found.size(); i++) {
            JsonObject p = preds.get(i).getAsJsonObject();
            assertThat(p.get("face").getAsInt()).isEqualTo(i);
            JsonArray b = p.getAsJsonArray("box");
            assertThat(b.get(0).getAsDouble()).isCloseTo(found.get(i).x(), within(1e-9));
            assertThat(b.get(2).getAsDouble()).isCloseTo(found.get(i).width(), within(1e-9));
            assertThat(p.getAsJsonArray("points")).hasSize(68);
        }
    }

    @Test
    void predictPrintsOriginalPixelPointsAndWritesOverlays() throws Exception {
        Path image = faces.resolve("f1.png");
        Path out = dir.resolve("overlays");
        CliRun r =
                run(
                        "predict",
                        "--model",
                        model.toString(),
                        image.toString(),
                        "--box",
                        "30,20,50,40",
                        "--out",
                        out.toString(),
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonArray preds = r.json().getAsJsonArray("predictions");
        assertThat(preds).hasSize(1);
        JsonObject p = preds.get(0).getAsJsonObject();
        assertThat(p.get("image").getAsString()).isEqualTo(image.toString());
        assertThat(p.getAsJsonArray("box").get(2).getAsDouble()).isEqualTo(50);
        JsonArray points = p.getAsJsonArray("points");
        assertThat(points).hasSize(68);
        assertThat(java.nio.file.Files.readString(out.resolve("report.md")))
                .contains("./keypoints predict --model")
                .contains("| 30,20,50,40 | 68 |")
                .contains("](000-f1.png)");
        try (KeypointDetector d = KeypointDetector.builder().setModel(model).build()) {
            Keypoints k =
                    d.detect(image, java.util.Optional.of(new Box(30, 20, 50, 40))).keypoints();
            for (int i = 0; i < 68; i++) {
                JsonArray xy = points.get(i).getAsJsonArray();
                assertThat(xy.get(0).getAsDouble()).isCloseTo(k.x(i), within(1e-3));
                assertThat(xy.get(1).getAsDouble()).isCloseTo(k.y(i), within(1e-3));
            }
            // The morph's automatic mode takes the detector as its LandmarkPredictor.
            LandmarkPredictor predictor = d::predict;
            Mat m = ImageFiles.read(image, false);
            try {
                assertThat(predictor.predict(m, new Box(30, 20, 50, 40)).maxDistance(k))
                        .isLessThan(0.5);
            } finally {
                m.release();
            }
        }
        assertThat(Files.isRegularFile(Path.of(p.get("overlay").getAsString()))).isTrue();
    }

    @Test
    void submissionWritesOneRowPerCoordinate() throws Exception {
        Path csv = dir.resolve("sub.csv");
        CliRun r =
                run(
                        "submission",
                        "--model",
                        model.toString(),
                        "--data",
                        faces.toString(),
                        "--out",
                        csv.toString(),
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().get("faces").getAsInt()).isEqualTo(3);
        assertThat(r.json().get("rows").getAsInt()).isEqualTo(3 * 136);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("Id,Predicted");
        assertThat(lines).hasSize(1 + 3 * 136);
        assertThat(lines.get(1)).startsWith("1,");
        assertThat(lines.get(3 * 136)).startsWith(3 * 136 + ",");
        assertRowsArePredictions(lines, PixelOrigin.ONE_BASED);
        // The .pts numbers read as written (--pts-origin zero, as evaluate takes it): every box
        // one pixel further right and down, and every value the prediction on that box.
        Path zero = dir.resolve("sub-zero.csv");
        CliRun z =
                run(
                        "submission",
                        "--model",
                        model.toString(),
                        "--data",
                        faces.toString(),
                        "--format",
                        "pts",
                        "--pts-origin",
                        "zero",
                        "--out",
                        zero.toString());
        assertThat(z.code()).as(z.err()).isZero();
        List<String> zl = Files.readAllLines(zero);
        assertRowsArePredictions(zl, PixelOrigin.ZERO_BASED);
        assertThat(Double.parseDouble(zl.get(1).split(",")[1]))
                .isNotCloseTo(Double.parseDouble(lines.get(1).split(",")[1]), within(1e-3));
    }

    /**
     * Every value of a submission of the three faces is the library's own prediction on that face's
     * tight point box, its .pts file read from {@code origin}: faces in file order, points in
     * scheme order, x then y, ids from 1.
     */
    private void assertRowsArePredictions(List<String> lines, PixelOrigin origin)
            throws java.io.IOException {
        try (KeypointDetector d = KeypointDetector.builder().setModel(model).build()) {
            int row = 1;
            for (int n = 0; n < 3; n++) {
                Keypoints truth = PtsFormat.parse(faces.resolve("f" + n + ".pts"), origin);
                Keypoints k =
                        d.detect(
                                        faces.resolve("f" + n + ".png"),
                                        java.util.Optional.of(truth.boundingBox()))
                                .keypoints();
                for (int i = 0; i < 68; i++) {
                    for (double v : new double[] {k.x(i), k.y(i)}) {
                        String[] cells = lines.get(row).split(",");
                        assertThat(Integer.parseInt(cells[0])).isEqualTo(row);
                        assertThat(Double.parseDouble(cells[1])).isCloseTo(v, within(1e-3));
                        row++;
                    }
                }
            }
        }
    }

    @Test
    void errorsNameTheBadArgument() {
        Path missing = dir.resolve("no-model");
        CliRun r =
                run("predict", "--model", missing.toString(), faces.resolve("f0.png").toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains(missing.toString());
        CliRun badBox =
                run(
                        "predict",
                        "--model",
                        model.toString(),
                        faces.resolve("f0.png").toString(),
                        "--box",
                        "1,2");
        assertThat(badBox.code()).isNotZero();
        assertThat(badBox.err()).contains("--box");
        CliRun noImage = run("predict", "--model", model.toString(), "nope.png");
        assertThat(noImage.code()).isNotZero();
        assertThat(noImage.err()).contains("nope.png");
        CliRun noData =
                run(
                        "submission",
                        "--model",
                        model.toString(),
                        "--data",
                        dir.resolve("nothing").toString(),
                        "--out",
                        dir.resolve("x.csv").toString());
        assertThat(noData.code()).isNotZero();
        assertThat(noData.err()).contains("nothing");
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }
}
