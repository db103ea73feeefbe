package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.augment.Augmentation;
import io.github.keypoints.data.augment.Center;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.models.HeatmapNet;
import io.github.keypoints.models.Imm58Net;
import io.github.keypoints.models.NoseTipNet;
import io.github.keypoints.models.ResNet18;
import org.junit.jupiter.api.Test;

/**
 * The recipes hold the numbers the command line trained with before they became library objects:
 * {@code keypoints train --model nose-tip} (the nose-tip acceptance, ≤ 30.4 px), the 58-point floor
 * of {@code bench/acceptance.sh imm58} and the demo's improved 58-point recipe. The augmentation is
 * compared with the pipeline {@code TrainCommand.augmentation} built, step for step.
 */
class RecipeSettingsTest {

    /** What {@code TrainCommand.augmentation(width, 15, null, 0.2, true)} built. */
    private static String referenceAugmentation(int inputWidth) {
        return Augmentation.sequence(
                        Augmentation.rotation(15, Center.IMAGE),
                        Augmentation.shift(10.0 * inputWidth / 240.0),
                        Augmentation.colorJitter(0.2, 0.2),
                        Augmentation.withProbability(0.5, Augmentation.horizontalFlip()))
                .toString();
    }

    @Test
    void theNoseTipRecipeIsTheReferencePartOne() {
        LandmarkRecipe r = LandmarkRecipe.noseTip();
        assertThat(r.architecture()).isEqualTo(NoseTipNet.NAME);
        assertThat(r.scheme()).contains(LandmarkScheme.NOSE_TIP);
        assertThat(r.inputWidth()).isEqualTo(80);
        assertThat(r.inputHeight()).isEqualTo(60);
        assertThat(r.crop()).isEqualTo(CropPolicy.wholeImage());
        assertThat(r.context()).isZero();
        assertThat(r.augmentation()).isNull();
        assertThat(r.loss()).isInstanceOf(MseLoss.class);
        assertThat(((MseLoss) r.loss()).reduction()).isEqualTo(MseLoss.Reduction.MEAN);
        assertThat(r.schedule()).isEqualTo(LearningRateSchedule.fixed(1e-3f));
        assertThat(r.batchSize()).isEqualTo(15);
        assertThat(r.epochs()).isEqualTo(25);
        assertThat(r.standardizes()).isFalse();
        assertThat(r.newBlock(LandmarkScheme.NOSE_TIP, 0).outputs()).isEqualTo(2);
        assertThat(LandmarkRecipe.named("nose-tip")).isEqualTo(r);
    }

    @Test
    void theReference58PointRecipeIsTheAcceptanceFloor() {
        // bench/acceptance.sh imm58: --model imm58 --input 120x90 --epochs 70 --batch 32
        // --lr 1e-3 --augment on --loss mse
        LandmarkRecipe r = LandmarkRecipe.imm58Reference();
        assertThat(r.architecture()).isEqualTo(Imm58Net.NAME);
        assertThat(r.scheme()).isEmpty();
        assertThat(r.inputWidth()).isEqualTo(120);
        assertThat(r.inputHeight()).isEqualTo(90);
        assertThat(r.crop()).isEqualTo(CropPolicy.wholeImage());
        assertThat(r.augmentation().augmentation().toString())
                .isEqualTo(referenceAugmentation(120))
                .contains("shift(±5.0px)");
        assertThat(r.loss()).isInstanceOf(MseLoss.class);
        assertThat(r.schedule()).isEqualTo(LearningRateSchedule.fixed(1e-3f));
        assertThat(r.batchSize()).isEqualTo(32);
        assertThat(r.epochs()).isEqualTo(70);
        assertThat(r.standardizes()).isFalse();
    }

    @Test
    void theImproved58PointRecipeIsWhatTheDemoTrained() {
        // DemoCommand: --model imm58 --epochs 80 --batch 32 --input 120x90 --augment on
        // --cosine 1e-5 --loss wing --normalize dataset (and train's --lr 1e-3)
        LandmarkRecipe r = LandmarkRecipe.imm58Improved();
        assertThat(r.architecture()).isEqualTo(Imm58Net.NAME);
        assertThat(r.inputWidth()).isEqualTo(120);
        assertThat(r.inputHeight()).isEqualTo(90);
        assertThat(r.crop()).isEqualTo(CropPolicy.wholeImage());
        assertThat(r.augmentation().augmentation().toString())
                .isEqualTo(referenceAugmentation(120));
        assertThat(r.lossKind()).isEqualTo(LandmarkRecipe.LossKind.WING);
        assertThat(r.loss().toString())
                .isEqualTo(WingLoss.builder().optScale(120).build().toString());
        assertThat(r.schedule()).isEqualTo(LearningRateSchedule.cosine(1e-3f, 1e-5f));
        assertThat(r.batchSize()).isEqualTo(32);
        assertThat(r.epochs()).isEqualTo(80);
        assertThat(r.standardizes()).isTrue();
    }

    @Test
    void otherNetworksTrainWithThePartOneSettingsAtTheirOwnInput() {
        // TrainCommand.defaultInput: imm58 240x180, resnet18 224x224, others 128x96.
        assertThat(LandmarkRecipe.reference(Imm58Net.NAME))
                .satisfies(r -> assertThat(r.inputWidth()).isEqualTo(240))
                .satisfies(r -> assertThat(r.inputHeight()).isEqualTo(180))
                .satisfies(r -> assertThat(r.scheme()).isEmpty())
                .satisfies(r -> assertThat(r.batchSize()).isEqualTo(15))
                .satisfies(r -> assertThat(r.augmentation()).isNull());
        assertThat(LandmarkRecipe.reference(ResNet18.NAME).inputWidth()).isEqualTo(224);
        assertThat(LandmarkRecipe.reference(HeatmapNet.NAME).inputHeight()).isEqualTo(96);
        // --augment on switches the reference augmentation on, scaled to the input width.
        LandmarkRecipe on =
                LandmarkRecipe.reference(Imm58Net.NAME).toBuilder().optAugment(true).build();
        assertThat(on.augmentation().augmentation().toString())
                .isEqualTo(referenceAugmentation(240));
        assertThatThrownBy(() -> LandmarkRecipe.reference("nope"))
                .hasMessageContaining("Unknown architecture 'nope'");
    }

    @Test
    void wholeImageRecipesCropFacesOnOtherData() {
        // TrainCommand.crop: IMM whole, other data the face box x1.3 keeping the aspect.
        LandmarkRecipe r = LandmarkRecipe.noseTip();
        assertThat(r.forFormat(DatasetFormat.IMM)).isSameAs(r);
        assertThat(r.forFormat(DatasetFormat.PTS).crop())
                .isEqualTo(CropPolicy.faceBox(1.3).keepingAspect());
        assertThat(LandmarkRecipe.ibug68().forFormat(DatasetFormat.PTS).crop())
                .isEqualTo(LandmarkRecipe.ibug68().crop());
    }

    @Test
    void namedRecipesAreTheFactories() {
        assertThat(LandmarkRecipe.names()).hasSize(5);
        for (String n : LandmarkRecipe.names()) {
            assertThat(LandmarkRecipe.named(n).toBuilder().build())
                    .isEqualTo(LandmarkRecipe.named(n));
        }
        assertThat(LandmarkRecipe.named("ibug68")).isEqualTo(LandmarkRecipe.ibug68());
        assertThat(LandmarkRecipe.named("ibug68-small")).isEqualTo(LandmarkRecipe.ibug68Small());
        // The small recipe differs from the default in the network's width alone.
        LandmarkRecipe small = LandmarkRecipe.ibug68Small();
        assertThat(small.architectureConfig())
                .containsEntry("baseChannels", 16)
                .containsEntry("outputStride", 4)
                .hasSize(LandmarkRecipe.ibug68().architectureConfig().size());
        assertThat(
                        small.toBuilder()
                                .optArchitecture(
                                        small.architecture(),
                                        LandmarkRecipe.ibug68().architectureConfig())
                                .build())
                .isEqualTo(LandmarkRecipe.ibug68());
        assertThatThrownBy(() -> LandmarkRecipe.named("imm68"))
                .hasMessageContaining("Unknown recipe 'imm68'")
                .hasMessageContaining("imm58-improved");
    }
}
