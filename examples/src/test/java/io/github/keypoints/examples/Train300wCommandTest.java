package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.format.PtsFormat;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.OpenCv;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.train.KeypointTrainer;
import io.github.keypoints.train.LandmarkRecipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import picocli.CommandLine;

/**
 * {@code train-300w} end to end on a synthetic 300-W layout (afw, helen/trainset, helen/testset
 * with {@code .pts} files): the test-set figures, the model directory and the report.
 */
class Train300wCommandTest {

    @TempDir Path dir;

    private void faces(Path folder, int count, SplittableRandom r) throws Exception {
        Files.createDirectories(folder);
        for (int n = 0; n < count; n++) {
            Mat m = new Mat(80, 100, CvType.CV_8UC3, new Scalar(r.nextInt(256), 90, 160));
            ImageFiles.write(m, folder.resolve("f" + n + ".png"));
            m.release();
            float[] xy = new float[136];
            for (int i = 0; i < 68; i++) {
                xy[2 * i] = 25 + (float) r.nextDouble(0, 50);
                xy[2 * i + 1] = 20 + (float) r.nextDouble(0, 40);
            }
            PtsFormat.write(
                    Keypoints.of(LandmarkScheme.IBUG_68, xy), folder.resolve("f" + n + ".pts"));
        }
    }

    /**
     * {@code train-300w} with a tiny {@code landmark-cnn} for two epochs on MXNet at batch 2, into
     * {@code out} with the JSON summary, plus the given arguments.
     */
    private static CliRun tinyTrain300w(Path out, String... args) {
        List<String> all = new ArrayList<>(List.of("train-300w"));
        all.addAll(List.of(args));
        all.addAll(
                List.of(
                        "--input",
                        "32",
                        "--channels",
                        "8,16",
                        "--hidden",
                        "16",
                        "--epochs",
                        "2",
                        "--batch",
                        "2",
                        "--engine",
                        "MXNet",
                        "--out",
                        out.toString(),
                        "--json"));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void trainsOnEveryDataFolderChoosesOnHeldOutPhotosAndScoresTheTestFolderLikeEvaluate()
            throws Exception {
        OpenCv.load();
        SplittableRandom r = new SplittableRandom(3);
        Path data = dir.resolve("ibug");
        faces(data.resolve("afw"), 3, r);
        faces(data.resolve("helen_trainset"), 3, r);
        Path test = dir.resolve("testset");
        faces(test, 2, r);
        Path out = dir.resolve("run");
        CliRun run =
                tinyTrain300w(
                        out,
                        "--data",
                        data.resolve("afw").toString(),
                        "--data",
                        data.resolve("helen_trainset").toString(),
                        "--test",
                        test.toString(),
                        "--holdout",
                        "3");
        assertThat(run.code()).as(run.err()).isZero();
        JsonObject j = run.json();
        // Six photos, every third held out (f0 of afw and f0 of helen_trainset sort first).
        assertThat(j.get("train_faces").getAsInt()).isEqualTo(4);
        assertThat(j.get("val_faces").getAsInt()).isEqualTo(2);
        assertThat(j.get("test_faces").getAsInt()).isEqualTo(2);
        assertThat(j.get("epochs").getAsInt()).isEqualTo(2);
        assertThat(j.get("model").getAsString()).isEqualTo(out.resolve("model").toString());
        assertThat(j.get("seconds").getAsDouble()).isPositive();
        // The test figures are what `evaluate` measures on the saved model, to the digit.
        Path perFace = dir.resolve("faces.csv");
        CliRun eval =
                evaluate(out.resolve("model"), test, "--json", "--per-face", perFace.toString());
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.json().get("samples").getAsInt()).isEqualTo(2);
        assertThat(eval.json().get("val_nme").getAsDouble())
                .isEqualTo(j.get("test_nme").getAsDouble());
        // --per-face: one row a face, whose mean is the figure.
        List<String> rows = Files.readAllLines(perFace);
        assertThat(rows).hasSize(3).first().isEqualTo(EvaluateCommand.PER_FACE_HEADER);
        double sum = 0;
        for (String row : rows.subList(1, 3)) {
            assertThat(row).matches("f[01](,[0-9.E-]+){4}");
            sum += Double.parseDouble(row.split(",")[2]);
        }
        assertThat(sum / 2).isCloseTo(j.get("test_nme").getAsDouble(), within(1e-12));
        assertThat(eval.json().get("val_mean_px").getAsDouble())
                .isEqualTo(j.get("test_mean_px").getAsDouble());
        // Mirrored training: the flip offset was fitted on the held-out faces and written into the
        // model, and the flip-averaged test figure is evaluate --flip-average's, to the digit.
        ModelSpec saved = KeypointModel.readSpec(out.resolve("model"));
        assertThat(saved.flipOffsetX()).isEqualTo(j.get("flip_offset_x").getAsDouble());
        assertThat(saved.flipOffsetX()).isNotZero();
        assertThat(saved.provenance().get("flip_offset_fit"))
                .startsWith("2 held-out faces that chose the epoch, residual");
        CliRun flipped = evaluate(out.resolve("model"), test, "--flip-average", "--json");
        assertThat(flipped.code()).as(flipped.err()).isZero();
        assertThat(flipped.json().get("val_nme").getAsDouble())
                .isEqualTo(j.get("test_nme_flip").getAsDouble());
        // Refitting on the same faces finds nothing left to correct and, as a dry run, writes
        // nothing; on other faces it finds another offset and writes it.
        Path heldOut = dir.resolve("held-out");
        copyFace(data.resolve("afw/f0"), "a0", heldOut);
        copyFace(data.resolve("helen_trainset/f0"), "h0", heldOut);
        CliRun refit = fitFlipOffset(out.resolve("model"), heldOut, "--every-face", "--dry-run");
        assertThat(refit.code()).as(refit.err()).isZero();
        assertThat(refit.json().get("residual_x_input_px").getAsDouble())
                .isCloseTo(0, within(1e-4));
        assertThat(refit.json().get("written").getAsBoolean()).isFalse();
        assertThat(KeypointModel.readSpec(out.resolve("model"))).isEqualTo(saved);
        CliRun onTest = fitFlipOffset(out.resolve("model"), test, "--every-face");
        assertThat(onTest.code()).as(onTest.err()).isZero();
        double refitted = onTest.json().get("offset_x").getAsDouble();
        assertThat(refitted).isNotCloseTo(saved.flipOffsetX(), within(1e-4));
        assertThat(KeypointModel.readSpec(out.resolve("model")).flipOffsetX()).isEqualTo(refitted);
        assertThat(
                        evaluate(out.resolve("model"), test, "--flip-average", "--json")
                                .json()
                                .get("val_nme"))
                .isEqualTo(onTest.json().get("nme_after"));
        KeypointModel.writeSpec(out.resolve("model"), saved);
        // The .pts files were read one-based (the default), and the model says so.
        assertThat(KeypointModel.readSpec(out.resolve("model")).provenance())
                .containsEntry("pts_origin", "ONE_BASED");
        // --pts-origin reaches the loader: a point written at x = 151 in a 100-px-wide image is
        // 150 px from the first pixel centre in a one-based file (the loader's limit, inclusive)
        // and 151 px, beyond it, when read as written.
        Path f0 = test.resolve("f0.pts");
        List<String> lines = new ArrayList<>(Files.readAllLines(f0));
        lines.set(3, "151 20");
        Files.write(f0, lines);
        assertThat(evaluate(out.resolve("model"), test).code()).isZero();
        CliRun zero = evaluate(out.resolve("model"), test, "--pts-origin", "zero");
        assertThat(zero.code()).isNotZero();
        assertThat(zero.err()).contains(f0.toString(), "point 0 at (151.0, 20.0) is absurd");
        CliRun half = evaluate(out.resolve("model"), test, "--pts-origin", "half");
        assertThat(half.code()).isNotZero();
        assertThat(half.err()).contains("--pts-origin must be one or zero, got 'half'");
        assertThat(Files.readString(out.resolve("report.md")))
                .contains("./keypoints train-300w --data")
                .contains("test NME (normalised by points 36/45)")
                .contains("](loss-curve.png)");
        assertThat(KeypointModel.readSpec(out.resolve("model")).provenance())
                .containsEntry("split", "photo-holdout every 3rd");
        CliRun noAudit = evaluate(out.resolve("model"), data, "--held-out", "audit");
        assertThat(noAudit.code()).isNotZero();
        assertThat(noAudit.err()).contains("not trained with train-300w --audit");
    }

    /** Copies a face's image and {@code .pts} under a new name. */
    private static void copyFace(Path from, String name, Path toDir) throws Exception {
        Files.createDirectories(toDir);
        for (String ext : new String[] {".png", ".pts"}) {
            Files.copy(from.resolveSibling(from.getFileName() + ext), toDir.resolve(name + ext));
        }
    }

    /**
     * {@code fit-flip-offset --model MODEL --data DATA --format pts --json} with more arguments.
     */
    private static CliRun fitFlipOffset(Path model, Path data, String... more) {
        List<String> all = new ArrayList<>(List.of("--json"));
        all.addAll(List.of(more));
        return onSavedModel("fit-flip-offset", model, data, all.toArray(String[]::new));
    }

    /** {@code evaluate --model MODEL --data DATA --format pts} with more arguments. */
    private static CliRun evaluate(Path model, Path data, String... more) {
        return onSavedModel("evaluate", model, data, more);
    }

    /** A command on a saved model and a folder of {@code .pts} faces, with more arguments. */
    private static CliRun onSavedModel(String command, Path model, Path data, String... more) {
        List<String> all =
                new ArrayList<>(
                        List.of(
                                command,
                                "--model",
                                model.toString(),
                                "--data",
                                data.toString(),
                                "--format",
                                "pts"));
        all.addAll(List.of(more));
        return CliRun.of(all.toArray(String[]::new));
    }

    /** What {@code evaluate} measures with the saved model on a folder of faces. */
    private static JsonObject evaluated(Path model, Path faces) {
        CliRun eval = evaluate(model, faces, "--json");
        assertThat(eval.code()).as(eval.err()).isZero();
        return eval.json();
    }

    /** What {@code evaluate --held-out PART} measures with the saved model on the training data. */
    private static JsonObject heldOut(Path model, Path data, String part) {
        CliRun eval = evaluate(model, data, "--held-out", part, "--json");
        assertThat(eval.code()).as(eval.err()).isZero();
        return eval.json();
    }

    @Test
    void auditKeepsEverySecondHeldOutPhotoOutOfTheChoiceAndMeasuresTheChosenModelOnIt()
            throws Exception {
        OpenCv.load();
        SplittableRandom r = new SplittableRandom(5);
        Path data = dir.resolve("ibug");
        faces(data.resolve("a"), 4, r);
        faces(data.resolve("b"), 4, r);
        Path out = dir.resolve("audited");
        CliRun run = tinyTrain300w(out, "--data", data.toString(), "--audit", "--holdout", "2");
        assertThat(run.code()).as(run.err()).isZero();
        JsonObject j = run.json();
        // Photos f0..f3 with a face in each folder; every 2nd held out (f0, f2); of those, every
        // 2nd from the second (f2) audits and f0 chooses the epoch.
        assertThat(j.get("train_faces").getAsInt()).isEqualTo(4);
        assertThat(j.get("val_faces").getAsInt()).isEqualTo(2);
        assertThat(j.get("audit_faces").getAsInt()).isEqualTo(2);
        Path choosing = dir.resolve("choosing");
        copyFace(data.resolve("a/f0"), "a0", choosing);
        copyFace(data.resolve("b/f0"), "b0", choosing);
        Path auditing = dir.resolve("auditing");
        copyFace(data.resolve("a/f2"), "a2", auditing);
        copyFace(data.resolve("b/f2"), "b2", auditing);
        Path model = out.resolve("model");
        // The saved model is the chosen epoch's: it reproduces the choosing faces' figure, and the
        // audit figure is the same model measured on the other half.
        assertThat(evaluated(model, choosing).get("val_nme").getAsDouble())
                .isCloseTo(j.get("val_nme").getAsDouble(), within(1e-6));
        double audit = evaluated(model, auditing).get("val_nme").getAsDouble();
        assertThat(j.get("audit_nme").getAsDouble()).isCloseTo(audit, within(1e-6));
        assertThat(audit).isNotCloseTo(j.get("val_nme").getAsDouble(), within(1e-4));
        // evaluate --held-out finds the same halves from the model's provenance.
        assertThat(heldOut(model, data, "audit").get("val_nme").getAsDouble())
                .isCloseTo(audit, within(1e-6));
        assertThat(heldOut(model, data, "choosing").get("val_nme").getAsDouble())
                .isCloseTo(j.get("val_nme").getAsDouble(), within(1e-6));
        assertThat(heldOut(model, data, "all").get("samples").getAsInt()).isEqualTo(4);
        // The last epoch's checkpoint, measured on the same audit faces.
        assertThat(j.get("last_epoch").getAsInt()).isEqualTo(2);
        Path last = out.resolve("checkpoints/last");
        assertThat(j.get("audit_last_nme").getAsDouble())
                .isCloseTo(evaluated(last, auditing).get("val_nme").getAsDouble(), within(1e-6));
        assertThat(j.get("val_last_nme").getAsDouble())
                .isCloseTo(evaluated(last, choosing).get("val_nme").getAsDouble(), within(1e-6));
        // The flip offset was fitted on the half that chose the epoch, not on the audit half.
        CliRun onChoosing = fitFlipOffset(model, choosing, "--every-face", "--dry-run");
        assertThat(onChoosing.json().get("residual_x_input_px").getAsDouble())
                .isCloseTo(0, within(1e-4));
        CliRun onAudit = fitFlipOffset(model, auditing, "--every-face", "--dry-run");
        assertThat(onAudit.json().get("residual_x_input_px").getAsDouble())
                .isNotCloseTo(0, within(1e-4));
        assertThat(Files.readString(out.resolve("report.md")))
                .contains("audit NME (normalised by points 36/45)");
        assertThat(KeypointModel.readSpec(model).provenance())
                .containsEntry(
                        Train300wCommand.AUDIT_KEY,
                        "every 2nd held-out photo from 1 (2 faces), not used to choose the epoch");
    }

    @Test
    void aWeightAverageIsTheSavedModelAndNamedInItsProvenance() throws Exception {
        OpenCv.load();
        Path data = dir.resolve("ibug");
        faces(data, 6, new SplittableRandom(7));
        Path out = dir.resolve("averaged");
        CliRun run =
                tinyTrain300w(
                        out,
                        "--data",
                        data.toString(),
                        "--holdout",
                        "3",
                        "--weight-average",
                        "0.9",
                        "--flip",
                        "off");
        assertThat(run.code()).as(run.err()).isZero();
        // Without mirroring there is no side to restore: no offset, no flip-averaged figure.
        assertThat(run.json().has("flip_offset_x")).isFalse();
        assertThat(KeypointModel.readSpec(out.resolve("model")).flipOffsetX()).isZero();
        Path model = out.resolve("model");
        // The figure the epoch was chosen by is the saved model's, that is the average's.
        assertThat(heldOut(model, data, "all").get("val_nme").getAsDouble())
                .isCloseTo(run.json().get("val_nme").getAsDouble(), within(1e-6));
        assertThat(KeypointModel.readSpec(model).provenance())
                .containsEntry(
                        KeypointTrainer.WEIGHT_AVERAGE_KEY,
                        "exponential moving average of the weights, decay 0.9 per step");
        assertThat(out.resolve("checkpoints/last/training.params")).isRegularFile();

        CliRun bad =
                tinyTrain300w(
                        dir.resolve("bad"), "--data", data.toString(), "--weight-average", "1");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("decay must be in (0, 1)").contains("got 1.0");
    }

    @Test
    void resumeContinuesFromTheLastCheckpointAndRefusesOtherSettings() throws Exception {
        OpenCv.load();
        Path data = dir.resolve("ibug");
        faces(data, 6, new SplittableRandom(11));
        Path out = dir.resolve("resumed");
        CliRun first = tinyTrain300w(out, "--data", data.toString(), "--holdout", "3");
        assertThat(first.code()).as(first.err()).isZero();
        // Every epoch is done: the resumed run trains none and reports the same model.
        CliRun again = tinyTrain300w(out, "--data", data.toString(), "--holdout", "3", "--resume");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("resumed from").contains("after epoch 2");
        assertThat(again.err()).doesNotContain("epoch 1/2");
        assertThat(again.json().get("val_nme").getAsDouble())
                .isEqualTo(first.json().get("val_nme").getAsDouble());
        // Another seed would continue a run it did not start: refused, naming the setting.
        CliRun other =
                tinyTrain300w(
                        out,
                        "--data",
                        data.toString(),
                        "--holdout",
                        "3",
                        "--resume",
                        "--seed",
                        "5");
        assertThat(other.code()).isNotZero();
        assertThat(other.err())
                .contains("--resume:")
                .contains("seed = '0'")
                .contains("this run has '5'");
    }

    @Test
    void auditNeedsTwoHeldOutPhotos() throws Exception {
        OpenCv.load();
        Path data = dir.resolve("three");
        faces(data, 3, new SplittableRandom(6));
        CliRun run =
                CliRun.of(
                        "train-300w",
                        "--data",
                        data.toString(),
                        "--audit",
                        "--holdout",
                        "3",
                        "--engine",
                        "MXNet",
                        "--out",
                        dir.resolve("none").toString());
        assertThat(run.code()).isNotZero();
        assertThat(run.err())
                .contains("--audit")
                .contains("the held-out faces (1) come from fewer than two photos")
                .contains("--holdout");
        assertThat(dir.resolve("none")).doesNotExist();
    }

    /** The recipe {@code train-300w} would train with these arguments. */
    private static LandmarkRecipe recipeOf(String... args) {
        Train300wCommand c = new Train300wCommand();
        String[] all = new String[args.length + 4];
        all[0] = "--data";
        all[1] = "faces";
        all[2] = "--out";
        all[3] = "run";
        System.arraycopy(args, 0, all, 4, args.length);
        new CommandLine(c).parseArgs(all);
        return c.recipe();
    }

    @Test
    void netChangesTheRecipesOwnNetworkOneParameterAtATime() {
        assertThat(recipeOf()).isEqualTo(LandmarkRecipe.ibug68());
        // The recipe's 16×16 maps (outputStride 4) stay; only the width changes.
        LandmarkRecipe narrow = recipeOf("--net", "baseChannels=16");
        assertThat(narrow.architectureConfig())
                .containsEntry("outputStride", 4)
                .containsEntry("baseChannels", 16)
                .hasSize(2);
        // A network named by --model starts from its builder's defaults (the ablation commands).
        assertThat(recipeOf("--model", "heatmap", "--net", "outputStride=2").architectureConfig())
                .containsOnlyKeys("outputStride");
    }

    @Test
    void theSmallRecipeIsTheDefaultWithSixteenBaseChannels() {
        LandmarkRecipe small = recipeOf("--recipe", "ibug68-small");
        assertThat(small).isEqualTo(LandmarkRecipe.ibug68Small());
        assertThat(small.architectureConfig())
                .containsEntry("baseChannels", 16)
                .containsEntry("outputStride", 4);
        assertThat(recipeOf("--recipe", "ibug68-small", "--epochs", "20").epochs()).isEqualTo(20);
        assertThatThrownBy(() -> recipeOf("--recipe", "imm58-improved"))
                .hasMessageContaining("--recipe")
                .hasMessageContaining("ibug68-small")
                .hasMessageContaining("imm58-improved");
    }

    @Test
    void theNmeLabelNamesTheSchemesNormaliserPoints() {
        // The figure itself is LandmarkErrors' (the trainer's validation), by these indices.
        assertThat(Train300wCommand.normaliser(io.github.keypoints.data.LandmarkScheme.IBUG_68))
                .isEqualTo("(normalised by points 36/45)");
        assertThat(Train300wCommand.normaliser(io.github.keypoints.data.LandmarkScheme.IMM_58))
                .isEqualTo("(normalised by points 21/13)");
        assertThat(Train300wCommand.normaliser(io.github.keypoints.data.LandmarkScheme.NOSE_TIP))
                .contains("no normaliser points");
    }

    @Test
    void theSeedsResNet18KeepsItsPlaceInTheZoo() throws Exception {
        OpenCv.load();
        SplittableRandom r = new SplittableRandom(4);
        Path data = dir.resolve("faces");
        faces(data, 4, r);
        CliRun run =
                CliRun.of(
                        "train-300w",
                        "--data",
                        data.toString(),
                        "--model",
                        "resnet18",
                        "--input",
                        "32",
                        "--epochs",
                        "1",
                        "--batch",
                        "2",
                        "--holdout",
                        "2",
                        "--engine",
                        "MXNet",
                        "--out",
                        dir.resolve("r18").toString(),
                        "--json");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.json().get("params").getAsLong()).isEqualTo(11_240_008L);
        assertThat(run.json().has("test_nme")).isFalse();
    }
}
