package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.load.ImmSplit;
import io.github.keypoints.train.MeanShapeBaseline;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

    @TempDir Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void helpShowsTheDefaultsAndAnExample() {
        CliRun r = run("demo", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains("--epochs-nose")
                .contains("nose-tip model (default: " + DemoCommand.DEFAULT_EPOCHS_NOSE + ",")
                .contains("58-point model (default: " + DemoCommand.DEFAULT_EPOCHS_FULL + ",")
                .contains("--quick")
                .contains("Example:")
                .contains("./keypoints demo --data ../shared/data/imm_face_db");
    }

    @Test
    void zeroEpochsIsABadArgument() {
        CliRun r = run("demo", "--data", dir.toString(), "--epochs-nose", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--epochs-nose: expected N >= 1, found 0");
        CliRun f = run("demo", "--data", dir.toString(), "--epochs-full", "-3");
        assertThat(f.code()).isEqualTo(2);
        assertThat(f.err()).contains("--epochs-full: expected N >= 1, found -3");
    }

    @Test
    void anUnknownEngineIsABadArgument() {
        CliRun r = run("demo", "--data", dir.toString(), "--engine", "TensorFlow");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--engine: expected PyTorch or MXNet, found TensorFlow");
    }

    @Test
    void aMissingDataFolderIsNamed() {
        Path missing = dir.resolve("nowhere");
        CliRun r = run("demo", "--data", missing.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--data: no such folder: " + missing);
    }

    @Test
    void aFolderThatIsNotImmIsRejected() throws IOException {
        Files.writeString(dir.resolve("a.pts"), "version: 1\nn_points: 68\n{\n}\n");
        CliRun r = run("demo", "--data", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("is not the IMM Face Database");
    }

    @Test
    void aMalformedArchiveChecksumIsABadArgument() {
        CliRun r = run("demo", "--cache", dir.toString(), "--data-sha256", "abc");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--data-sha256: expected 64 hexadecimal digits, found 'abc'");
    }

    @Test
    void withoutDataOrNetworkTheErrorSaysWhatToPass() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun r =
                run(
                        "demo",
                        "--cache",
                        dir.resolve("cache").toString(),
                        "--data-url",
                        "http://127.0.0.1:" + port + "/imm_face_db.zip",
                        "--out",
                        dir.resolve("run").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .contains("no network: download of http://127.0.0.1:" + port)
                .contains("pass --data /path/to/imm_face_db");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    /**
     * The demo trains through the library (the recipes and the trainer), and what it reports is
     * what {@code evaluate} measures on the saved models, which record the recipe and the split.
     */
    @Test
    void aQuickDemoTrainsBothRecipesAndEvaluateReproducesItsFigures() throws IOException {
        Path imm =
                Path.of(System.getProperty("keypoints.shared.data", "../../shared/data"))
                        .resolve("imm_face_db");
        Assumptions.assumeTrue(
                Files.isDirectory(imm), "shared IMM data not found at " + imm + "; skipping");
        Path out = dir.resolve("demo");
        CliRun r =
                run(
                        "demo",
                        "--data",
                        imm.toString(),
                        "--epochs-nose",
                        "1",
                        "--epochs-full",
                        "1",
                        "--out",
                        out.toString(),
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().get("nose_tip_epochs").getAsInt()).isEqualTo(1);
        assertThat(Files.readString(out.resolve("report.md")))
                .contains("| nose-tip | 1 |")
                .contains("| imm58 | 1 |")
                .contains("](imm58/gallery.png)");
        Path model = out.resolve("imm58/model");
        assertThat(io.github.keypoints.models.KeypointModel.readSpec(model).provenance())
                .containsEntry("split", "imm-person<=32")
                .containsEntry(
                        "recipe",
                        io.github.keypoints.train.LandmarkRecipe.imm58Improved().toBuilder()
                                .optEpochs(1)
                                .build()
                                .toString());
        CliRun eval =
                run("evaluate", "--model", model.toString(), "--data", imm.toString(), "--json");
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.json().get("samples").getAsInt()).isEqualTo(48);
        assertThat(eval.json().get("val_mean_px").getAsDouble())
                .isEqualTo(r.json().get("imm58_val_mean_px").getAsDouble());
    }

    /** The baselines the issue quotes for the reference split: 47.4 px (nose), 42.8 px (58). */
    @Test
    void meanShapeBaselinesMatchTheReferenceFigures() throws IOException {
        Path imm =
                Path.of(System.getProperty("keypoints.shared.data", "../../shared/data"))
                        .resolve("imm_face_db");
        Assumptions.assumeTrue(
                Files.isDirectory(imm), "shared IMM data not found at " + imm + "; skipping");
        ImmSplit split =
                ImmSplit.byPerson(
                        DatasetLoader.builder()
                                .setPath(imm)
                                .optFormat(DatasetFormat.IMM)
                                .build()
                                .load()
                                .samples(),
                        ImmSplit.REFERENCE_LAST_TRAIN_PERSON);
        assertThat(
                        MeanShapeBaseline.evaluate(
                                        split.train(), split.validation(), LandmarkScheme.NOSE_TIP)
                                .meanPx())
                .isCloseTo(47.4, org.assertj.core.data.Offset.offset(0.5));
        assertThat(
                        MeanShapeBaseline.evaluate(
                                        split.train(), split.validation(), LandmarkScheme.IMM_58)
                                .meanPx())
                .isCloseTo(42.8, org.assertj.core.data.Offset.offset(0.5));
    }
}
