package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The spec's own checks: each bad value is refused with its name, each good one kept exactly. */
class ModelSpecTest {

    private static final PixelNormalization NORM =
            PixelNormalization.meanStd(new float[] {0.5f}, new float[] {0.25f});
    private static final CropPolicy CROP = new CropPolicy(CropPolicy.Kind.FACE_BOX, 1.2, false);

    private static ModelSpec spec(
            String architecture,
            String scheme,
            int w,
            int h,
            int channels,
            String engine,
            String version) {
        return new ModelSpec(
                architecture,
                Map.of("outputs", 2),
                scheme,
                w,
                h,
                channels,
                NORM,
                CROP,
                engine,
                version,
                Map.of());
    }

    @Test
    void everyRequiredTextIsNamedWhenBlank() {
        assertThatThrownBy(() -> spec(" ", "nose-tip", 8, 8, 1, "PyTorch", "1"))
                .hasMessage("Model spec: missing architecture");
        assertThatThrownBy(() -> spec("nosetip", "", 8, 8, 1, "PyTorch", "1"))
                .hasMessage("Model spec: missing scheme");
        assertThatThrownBy(() -> spec("nosetip", "nose-tip", 8, 8, 1, null, "1"))
                .hasMessage("Model spec: missing engine");
        assertThatThrownBy(() -> spec("nosetip", "nose-tip", 8, 8, 1, "PyTorch", "\t"))
                .hasMessage("Model spec: missing libraryVersion");
        assertThatThrownBy(
                        () ->
                                new ModelSpec(
                                        "a", Map.of(), "s", 8, 8, 1, NORM, null, "e", "1",
                                        Map.of()))
                .hasMessageContaining("crop");
        assertThatThrownBy(
                        () ->
                                new ModelSpec(
                                        "a", Map.of(), "s", 8, 8, 1, null, CROP, "e", "1",
                                        Map.of()))
                .hasMessageContaining("normalization");
    }

    @Test
    void everySizeMustBePositiveAndOneIsEnough() {
        assertThatThrownBy(() -> spec("nosetip", "nose-tip", 0, 8, 1, "PyTorch", "1"))
                .hasMessageContaining("inputWidth");
        assertThatThrownBy(() -> spec("nosetip", "nose-tip", 8, 0, 1, "PyTorch", "1"))
                .hasMessageContaining("inputHeight");
        assertThatThrownBy(() -> spec("nosetip", "nose-tip", 8, 8, 0, "PyTorch", "1"))
                .hasMessageContaining("inputChannels");
        ModelSpec one = spec("nosetip", "nose-tip", 1, 1, 1, "PyTorch", "1");
        assertThat(one.inputWidth()).isEqualTo(1);
        assertThat(one.inputHeight()).isEqualTo(1);
        assertThat(one.inputChannels()).isEqualTo(1);
    }

    @Test
    void aSavedSpecWithAnUnusableNormalizationOrCropIsRefusedNamingTheField() {
        String good = spec("nosetip", "nose-tip", 8, 8, 1, "PyTorch", "1").toJson();
        assertThatThrownBy(() -> ModelSpec.fromJson(good.replace("0.25", "0.0")))
                .hasMessageContaining("normalization")
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> ModelSpec.fromJson(good.replace("\"FACE_BOX\"", "\"CIRCLE\"")))
                .hasMessageContaining("unknown crop kind 'CIRCLE'")
                .hasMessageContaining("POINTS_BOX");
        assertThatThrownBy(() -> ModelSpec.fromJson(good.replace("1.2", "0.0")))
                .hasMessageContaining("crop")
                .hasMessageContaining("was 0.0");
        // Statistics are kept as the float values the preprocessing uses.
        ModelSpec back = ModelSpec.fromJson(good.replace("0.25", "0.3333333333333333"));
        assertThat(back.normalization().std()).containsExactly(1 / 3f);
        assertThat(ModelSpec.fromJson(back.toJson())).isEqualTo(back);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void keepAspectSurvivesJsonEitherWay(boolean keepAspect) {
        ModelSpec spec =
                ModelSpec.builder()
                        .setBlock(NoseTipNet.builder().setOutputs(2).build())
                        .setScheme(LandmarkScheme.NOSE_TIP)
                        .setInputSize(80, 60)
                        .optCrop(new CropPolicy(CropPolicy.Kind.FACE_BOX, 1.5, keepAspect))
                        .build();
        ModelSpec back = ModelSpec.fromJson(spec.toJson());
        assertThat(back.crop().keepAspect()).isEqualTo(keepAspect);
        assertThat(back).isEqualTo(spec);
    }

    @Test
    void integersUpToIntMaxAreIntegersAndLargerOnesAreRefused() {
        String json =
                ModelSpec.builder()
                        .setBlock(NoseTipNet.builder().setOutputs(2).build())
                        .setScheme(LandmarkScheme.NOSE_TIP)
                        .setInputSize(80, 60)
                        .build()
                        .toJson();
        String max = json.replace("\"width\": 80", "\"width\": " + Integer.MAX_VALUE);
        assertThat(ModelSpec.fromJson(max).inputWidth()).isEqualTo(Integer.MAX_VALUE);
        String over = json.replace("\"width\": 80", "\"width\": 2147483648");
        assertThatThrownBy(() -> ModelSpec.fromJson(over))
                .hasMessageContaining("'input.width' must be an integer");
        String fraction = json.replace("\"width\": 80", "\"width\": 80.5");
        assertThatThrownBy(() -> ModelSpec.fromJson(fraction))
                .hasMessageContaining("'input.width' must be an integer, found 80.5");
    }

    @Test
    void configNumbersBecomeIntsUpToIntMaxAndDoublesBeyond() {
        Map<String, Object> c =
                ModelSpec.normalizeConfig(
                        Map.of(
                                "max",
                                (double) Integer.MAX_VALUE,
                                "big",
                                2147483648.0,
                                "half",
                                0.5,
                                "list",
                                List.of(3.0, 2.5)));
        assertThat(c.get("max")).isEqualTo(Integer.MAX_VALUE);
        assertThat(c.get("big")).isEqualTo(2147483648.0);
        assertThat(c.get("half")).isEqualTo(0.5);
        assertThat(c.get("list")).isEqualTo(List.of(3, 2.5));
        assertThat(ConfigValues.requiredInt(Map.of("n", (double) Integer.MAX_VALUE), "n"))
                .isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> ConfigValues.requiredInt(Map.of("n", 2147483648.0), "n"))
                .hasMessageContaining("'n' must be an integer");
        assertThatThrownBy(() -> ModelSpec.normalizeConfig(Map.of("k", new Object())))
                .hasMessageContaining("'k'");
    }

    @Test
    void outputsComeFromTheConfig() {
        ModelSpec spec =
                ModelSpec.builder()
                        .setBlock(Imm58Net.builder().setOutputs(116).build())
                        .setScheme(LandmarkScheme.IMM_58)
                        .setInputSize(80, 60)
                        .build();
        assertThat(spec.outputs()).isEqualTo(116);
    }

    @Test
    void aFlipOffsetSurvivesJsonAndOldSpecsWithoutOneReadAsZero() {
        ModelSpec plain = spec("nosetip", "nose-tip", 64, 64, 1, "PyTorch", "1");
        assertThat(plain.flipOffsetX()).isZero();
        // A spec without an offset writes no field, so files written before it stay byte-equal.
        assertThat(plain.toJson()).doesNotContain("flipAverage");
        ModelSpec fitted = plain.withFlipOffsetX(0.2843);
        assertThat(fitted.toJson()).contains("\"offsetX\": 0.2843");
        ModelSpec back = ModelSpec.fromJson(fitted.toJson());
        assertThat(back.flipOffsetX()).isEqualTo(0.2843);
        assertThat(back).isEqualTo(fitted);
        // Other copies keep it.
        assertThat(fitted.withProvenance(Map.of("k", "v")).flipOffsetX()).isEqualTo(0.2843);
        assertThat(ModelSpec.fromJson(plain.toJson())).isEqualTo(plain);
    }

    @Test
    void aFlipOffsetMustBeFiniteAndSmallerThanTheInput() {
        ModelSpec plain = spec("nosetip", "nose-tip", 64, 64, 1, "PyTorch", "1");
        assertThatThrownBy(() -> plain.withFlipOffsetX(Double.NaN))
                .hasMessageContaining("flipAverage.offsetX")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> plain.withFlipOffsetX(-64)).hasMessageContaining("input width 64");
        String json = plain.withFlipOffsetX(1).toJson();
        assertThatThrownBy(
                        () ->
                                ModelSpec.fromJson(
                                        json.replace("\"offsetX\": 1.0", "\"offsetX\": \"one\"")))
                .hasMessageContaining("'flipAverage.offsetX' must be a number");
    }
}
