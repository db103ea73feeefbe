package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.train.LandmarkRecipe;
import io.github.keypoints.train.LearningRateSchedule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code keypoints train} takes its settings from the library's recipes, and the command lines that
 * trained the documented results still train exactly those recipes: the nose-tip acceptance, the
 * 58-point floor, and the demo's improved 58-point run (which the demo spelled out as options).
 */
class TrainRecipeOptionsTest {

    private static LandmarkRecipe recipe(DatasetFormat format, String... args) {
        TrainCommand train = new TrainCommand();
        List<String> all = new ArrayList<>(List.of("--data", "unused"));
        all.addAll(List.of(args));
        new CommandLine(train).parseArgs(all.toArray(new String[0]));
        return train.recipe(format);
    }

    private static LandmarkRecipe recipe(String... args) {
        return recipe(DatasetFormat.IMM, args);
    }

    @Test
    void theNoseTipAcceptanceCommandTrainsTheNoseTipRecipe() {
        assertThat(recipe("--model", "nose-tip")).isEqualTo(LandmarkRecipe.noseTip());
        // bench/acceptance.sh nose
        assertThat(
                        recipe(
                                "--model",
                                "nose-tip",
                                "--input",
                                "80x60",
                                "--epochs",
                                "25",
                                "--batch",
                                "15",
                                "--lr",
                                "1e-3",
                                "--loss",
                                "mse",
                                "--augment",
                                "off"))
                .isEqualTo(LandmarkRecipe.noseTip());
        assertThat(recipe("--recipe", "nose-tip")).isEqualTo(LandmarkRecipe.noseTip());
    }

    @Test
    void theFloorCommandTrainsTheReference58PointRecipe() {
        // bench/acceptance.sh imm58
        assertThat(
                        recipe(
                                "--model",
                                "imm58",
                                "--input",
                                "120x90",
                                "--epochs",
                                "70",
                                "--batch",
                                "32",
                                "--lr",
                                "1e-3",
                                "--augment",
                                "on",
                                "--loss",
                                "mse"))
                .isEqualTo(LandmarkRecipe.imm58Reference());
        assertThat(recipe("--recipe", "imm58-reference"))
                .isEqualTo(LandmarkRecipe.imm58Reference());
    }

    @Test
    void theDemosOldOptionsTrainTheImprovedRecipe() {
        // What DemoCommand passed to train before it called the library.
        assertThat(
                        recipe(
                                "--model",
                                "imm58",
                                "--epochs",
                                "80",
                                "--batch",
                                "32",
                                "--input",
                                "120x90",
                                "--augment",
                                "on",
                                "--cosine",
                                "1e-5",
                                "--loss",
                                "wing",
                                "--normalize",
                                "dataset"))
                .isEqualTo(LandmarkRecipe.imm58Improved());
        assertThat(recipe("--recipe", "imm58-improved")).isEqualTo(LandmarkRecipe.imm58Improved());
    }

    @Test
    void aModelWithoutARecipeKeepsItsFormerDefaults() {
        LandmarkRecipe imm58 = recipe("--model", "imm58");
        assertThat(imm58.inputWidth()).isEqualTo(240);
        assertThat(imm58.inputHeight()).isEqualTo(180);
        assertThat(imm58.epochs()).isEqualTo(25);
        assertThat(imm58.batchSize()).isEqualTo(15);
        assertThat(imm58.augmentation()).isNull();
        assertThat(imm58.scheme()).isEmpty();
        assertThat(recipe("--model", "resnet18").inputWidth()).isEqualTo(224);
        assertThat(recipe(DatasetFormat.PTS, "--model", "heatmap").crop())
                .isEqualTo(CropPolicy.faceBox(1.3).keepingAspect());
        // --augment on with a shift in pixels, as train's help describes it.
        LandmarkRecipe shifted =
                recipe("--model", "imm58", "--input", "120x90", "--augment", "on", "--shift", "7");
        assertThat(shifted.augmentation().augmentation().toString()).contains("shift(±7.0px)");
    }

    @Test
    void optionsChangeOneSettingOfTheRecipe() {
        LandmarkRecipe faster = recipe("--recipe", "nose-tip", "--lr", "1e-2");
        assertThat(faster.schedule()).isEqualTo(LearningRateSchedule.fixed(1e-2f));
        assertThat(faster.toBuilder().optLearningRate(1e-3f, 1e-3f).build())
                .isEqualTo(LandmarkRecipe.noseTip());
        assertThat(recipe("--recipe", "imm58-improved", "--lr", "2e-3").schedule())
                .isEqualTo(LearningRateSchedule.cosine(2e-3f, 1e-5f));
        assertThat(recipe("--recipe", "imm58-improved", "--model", "resnet18").architecture())
                .isEqualTo("resnet18");
        assertThat(recipe("--recipe", "imm58-improved", "--epochs", "3").epochs()).isEqualTo(3);
        assertThatThrownBy(() -> recipe("--epochs", "3"))
                .hasMessageContaining("--recipe")
                .hasMessageContaining("--model");
        assertThatThrownBy(() -> recipe("--recipe", "imm68"))
                .hasMessageContaining("Unknown recipe 'imm68'");
        assertThatThrownBy(
                        () ->
                                recipe(
                                        "--model",
                                        "imm58",
                                        "--augment",
                                        "on",
                                        "--rotate",
                                        "0",
                                        "--shift",
                                        "0",
                                        "--jitter",
                                        "0",
                                        "--flip",
                                        "off"))
                .hasMessageContaining("nothing to do");
    }
}
