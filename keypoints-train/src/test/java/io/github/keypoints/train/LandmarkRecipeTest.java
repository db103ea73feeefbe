package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.models.HeatmapNet;
import io.github.keypoints.models.LandmarkCnn;
import io.github.keypoints.models.ResNet18;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LandmarkRecipeTest {

    @Test
    void toBuilderKeepsEveryValueAndOneOptionChangesOneIngredient() {
        LandmarkRecipe base = LandmarkRecipe.ibug68();
        assertThat(base.toBuilder().build().toString()).isEqualTo(base.toString());
        LandmarkRecipe longer = base.toBuilder().optEpochs(base.epochs() + 7).build();
        assertThat(longer.epochs()).isEqualTo(base.epochs() + 7);
        assertThat(
                        longer.toString()
                                .replace(
                                        (base.epochs() + 7) + " epochs", base.epochs() + " epochs"))
                .isEqualTo(base.toString());
    }

    @Test
    void theNetworkHasTwoOutputsPerPointAndTheRecipesArchitecture() {
        LandmarkRecipe r = LandmarkRecipe.ibug68();
        assertThat(r.newBlock(LandmarkScheme.IBUG_68, 1))
                .isInstanceOf(HeatmapNet.class)
                .satisfies(b -> assertThat(b.outputs()).isEqualTo(136))
                .satisfies(b -> assertThat(b.config()).containsEntry("baseChannels", 32))
                .satisfies(b -> assertThat(b.config()).containsEntry("outputStride", 4));
        LandmarkRecipe resnet = r.toBuilder().optArchitecture(ResNet18.NAME, Map.of()).build();
        assertThat(resnet.newBlock(LandmarkScheme.IBUG_68, 1)).isInstanceOf(ResNet18.class);
        LandmarkRecipe narrow =
                r.toBuilder()
                        .optArchitecture(
                                LandmarkCnn.NAME, Map.of("channels", java.util.List.of(8, 16)))
                        .build();
        assertThat(narrow.newBlock(LandmarkScheme.IBUG_68, 1).config().get("channels"))
                .isEqualTo(java.util.List.of(8, 16));
    }

    @Test
    void lossScheduleAndAugmentationFollowTheSettings() {
        LandmarkRecipe r = LandmarkRecipe.ibug68();
        assertThat(r.loss()).isInstanceOf(WingLoss.class);
        assertThat(r.toBuilder().optLoss(LandmarkRecipe.LossKind.MSE).build().loss())
                .isInstanceOf(MseLoss.class);
        assertThat(r.toBuilder().optLoss(LandmarkRecipe.LossKind.L1).build().loss())
                .isInstanceOf(L1KeypointLoss.class);
        assertThat(r.schedule().rate(0, 10, r.epochs())).isEqualTo(r.learningRate());
        LearningRateSchedule fixed = r.toBuilder().optLearningRate(1e-3f, 1e-3f).build().schedule();
        assertThat(fixed.rate(999, 10, r.epochs())).isEqualTo(1e-3f);
        assertThat(r.augmentation()).isNotNull();
        LandmarkRecipe none =
                r.toBuilder()
                        .optRotation(0)
                        .optScale(1, 1)
                        .optShift(0)
                        .optFlip(false)
                        .optJitter(0)
                        .build();
        assertThat(none.augmentation()).isNull();
        assertThat(r.crop().factor()).isEqualTo(r.margin());
        assertThat(r.crop().keepAspect()).isTrue();
    }

    @Test
    void outOfRangeValuesAreNamed() {
        LandmarkRecipe.Builder b = LandmarkRecipe.ibug68().toBuilder();
        assertThatThrownBy(() -> LandmarkRecipe.ibug68().toBuilder().optInputSize(4).build())
                .hasMessageContaining("inputSize");
        assertThatThrownBy(() -> LandmarkRecipe.ibug68().toBuilder().optMargin(0.9).build())
                .hasMessageContaining("margin");
        assertThatThrownBy(() -> LandmarkRecipe.ibug68().toBuilder().optScale(1.2, 1.1).build())
                .hasMessageContaining("scale");
        assertThatThrownBy(
                        () ->
                                LandmarkRecipe.ibug68().toBuilder()
                                        .optLearningRate(1e-4f, 1e-3f)
                                        .build())
                .hasMessageContaining("learning rates");
        assertThatThrownBy(() -> b.optArchitecture("nope", Map.of()).build())
                .hasMessageContaining("Unknown architecture 'nope'");
    }
}
