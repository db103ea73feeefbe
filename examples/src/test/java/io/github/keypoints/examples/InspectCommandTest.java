package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class InspectCommandTest {

    @TempDir Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** Writes a folder of three 68-point .pts faces with 120x90 PNGs; returns it. */
    private Path ptsFolder() throws IOException {
        OpenCv.load();
        Path root = dir.resolve("faces");
        Files.createDirectories(root.resolve("sub"));
        String[] names = {"a", "b", "sub/c"};
        for (int n = 0; n < names.length; n++) {
            Mat m = new Mat(90, 120, CvType.CV_8UC3, new Scalar(30 * n, 90, 160));
            ImageFiles.write(m, root.resolve(names[n] + ".png"));
            m.release();
            float[] xy = new float[136];
            for (int i = 0; i < 68; i++) {
                xy[2 * i] = 20 + i;
                xy[2 * i + 1] = 20 + (i * 7) % 50;
            }
            PtsFormat.write(
                    Keypoints.of(LandmarkScheme.IBUG_68, xy), root.resolve(names[n] + ".pts"));
        }
        return root;
    }

    @Test
    void reportsCountsAndWritesGalleryWithJsonLastLine() throws IOException {
        Path root = ptsFolder();
        Path out = dir.resolve("out");
        CliRun r = run("inspect", "--data", root.toString(), "--out", out.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("format: pts", "samples: 3", "points per sample: 68", "skipped: 0");
        JsonObject j = r.json();
        assertThat(j.get("samples").getAsInt()).isEqualTo(3);
        assertThat(j.get("points").getAsInt()).isEqualTo(68);
        assertThat(j.getAsJsonArray("skipped")).isEmpty();
        Path gallery = Path.of(j.get("gallery").getAsString());
        assertThat(gallery).isEqualTo(out.resolve("gallery.png"));
        assertThat(ImageHeader.read(gallery)).isEqualTo(new ImageHeader(960, 240, "png"));
        assertThat(Files.readString(out.resolve("report.md")))
                .contains("./keypoints inspect --data")
                .contains("| samples | 3 |")
                .contains("](gallery.png)");
    }

    @Test
    void augmentDrawsNSeededSamples() throws IOException {
        Path root = ptsFolder();
        CliRun r =
                run(
                        "inspect",
                        "--data",
                        root.toString(),
                        "--augment",
                        "5",
                        "--out",
                        dir.resolve("g").toString(),
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().get("galleryImages").getAsInt()).isEqualTo(5);
        assertThat(ImageHeader.read(dir.resolve("g/gallery.png")))
                .isEqualTo(new ImageHeader(1280, 480, "png"));
    }

    @Test
    void lenientRunListsSkippedFilesAndSucceeds() throws IOException {
        Path root = ptsFolder();
        Path bad = root.resolve("b.pts");
        // point 0's x, 20 px, is written one-based as 21.0
        Files.writeString(bad, Files.readString(bad).replaceFirst("\n21\\.0 ", "\nNaN "));
        Files.delete(root.resolve("sub/c.png"));
        CliRun r = run("inspect", "--data", root.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonObject j = r.json();
        assertThat(j.get("samples").getAsInt()).isEqualTo(1);
        assertThat(j.getAsJsonArray("skipped")).hasSize(2);
        JsonObject first = j.getAsJsonArray("skipped").get(0).getAsJsonObject();
        assertThat(first.get("file").getAsString()).isEqualTo(bad.toString());
        assertThat(first.get("reason").getAsString())
                .contains("line 4: expected a finite number for x of point 0, found 'NaN'");
        assertThat(r.out()).contains("skipped " + bad + ": line 4");
        assertThat(j.has("gallery")).isFalse();
    }

    @Test
    void ptsOriginDecidesWhereTheFilesCoordinatesStart() throws IOException {
        Path root = ptsFolder();
        Path b = root.resolve("b.pts");
        // x = 181 in a 120-px-wide image: 180 px from the first pixel centre when one-based (the
        // loader's limit, inclusive), 181 px, beyond it, when read as written
        List<String> lines = new ArrayList<>(Files.readAllLines(b));
        lines.set(3, "181 20");
        Files.write(b, lines);
        CliRun one = run("inspect", "--data", root.toString(), "--json");
        assertThat(one.json().get("samples").getAsInt()).isEqualTo(3);
        CliRun zero = run("inspect", "--data", root.toString(), "--pts-origin", "zero", "--json");
        assertThat(zero.json().get("samples").getAsInt()).isEqualTo(2);
        assertThat(
                        zero.json()
                                .getAsJsonArray("skipped")
                                .get(0)
                                .getAsJsonObject()
                                .get("reason")
                                .getAsString())
                .contains("point 0 at (181.0, 20.0) is absurd");
    }

    @Test
    void strictRunFailsNamingTheBadFileOnStderr() throws IOException {
        Path root = ptsFolder();
        Path bad = root.resolve("b.pts");
        Files.write(bad, new byte[] {(byte) 0xFF, (byte) 0xFE, 'j', 'u', 'n', 'k'});
        CliRun r = run("inspect", "--data", root.toString(), "--strict", "--json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("keypoints inspect: " + bad + ": line 1: expected UTF-8 text");
        assertThat(r.out()).doesNotContain("samples:");
    }

    @Test
    void imageCorruptBeyondItsHeaderIsReportedAtDecode() throws IOException {
        // A PNG whose header and IEND are intact but whose pixel data fails its CRC passes the
        // load's header check; the gallery's decode must then name it.
        Path root = ptsFolder();
        Path png = root.resolve("a.png");
        Mat m = new Mat(90, 120, CvType.CV_8UC3);
        org.opencv.core.Core.randu(m, 0, 256);
        ImageFiles.write(m, png);
        m.release();
        byte[] b = Files.readAllBytes(png);
        for (int i = b.length / 2; i < b.length / 2 + 64; i++) {
            b[i] ^= 0x5A;
        }
        Files.write(png, b);
        assertThat(ImageHeader.read(png).width()).isEqualTo(120);

        CliRun lenient =
                run(
                        "inspect",
                        "--data",
                        root.toString(),
                        "--out",
                        dir.resolve("o").toString(),
                        "--json");
        assertThat(lenient.code()).as(lenient.err()).isZero();
        JsonObject j = lenient.json();
        assertThat(j.get("samples").getAsInt()).isEqualTo(3);
        assertThat(j.get("galleryImages").getAsInt()).isEqualTo(2);
        JsonObject skipped = j.getAsJsonArray("skipped").get(0).getAsJsonObject();
        assertThat(skipped.get("file").getAsString()).isEqualTo(png.toString());
        assertThat(skipped.get("reason").getAsString())
                .startsWith("cannot decode: Image file " + png);

        CliRun strict =
                run(
                        "inspect",
                        "--data",
                        root.toString(),
                        "--strict",
                        "--out",
                        dir.resolve("s").toString());
        assertThat(strict.code()).isEqualTo(1);
        assertThat(strict.err()).contains("keypoints inspect: " + png + ": cannot decode");
        assertThat(dir.resolve("s/gallery.png")).doesNotExist();
    }

    @Test
    void badArgumentsAreUsageErrors() {
        CliRun missing = run("inspect", "--data", dir.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err())
                .contains("--data: no such file or folder: " + dir.resolve("nope"));
        CliRun fmt = run("inspect", "--data", dir.toString(), "--format", "csv");
        assertThat(fmt.code()).isEqualTo(2);
        assertThat(fmt.err()).contains("Unknown dataset format 'csv': expected imm, pts or xml");
        CliRun undetectable = run("inspect", "--data", dir.toString());
        assertThat(undetectable.code()).isEqualTo(2);
        assertThat(undetectable.err()).contains("Cannot tell the dataset format of " + dir);
    }

    @Test
    void realImmFolderLoadsStrictly() {
        Path imm =
                Path.of(
                        System.getProperty("keypoints.shared.data", "../../shared/data"),
                        "imm_face_db");
        Assumptions.assumeTrue(
                Files.isDirectory(imm), "Real IMM data not found at " + imm + "; skipping");
        Path out = dir.resolve("imm");
        CliRun r =
                run(
                        "inspect",
                        "--data",
                        imm.toString(),
                        "--strict",
                        "--augment",
                        "4",
                        "--out",
                        out.toString(),
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonObject j = r.json();
        assertThat(j.get("samples").getAsInt()).isEqualTo(240);
        assertThat(j.get("points").getAsInt()).isEqualTo(58);
        assertThat(j.getAsJsonArray("skipped")).isEmpty();
        assertThat(out.resolve("gallery.png")).exists();
    }
}
