package io.github.keypoints.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Scheme look-up, groups, equality and the builder's defaults and checks. */
class LandmarkSchemeValueTest {

    private static LandmarkScheme.Builder abc() {
        return LandmarkScheme.builder().setName("abc").setPointNames(List.of("a", "b", "c"));
    }

    @Test
    void namedFindsEachBuiltInScheme() {
        assertThat(LandmarkScheme.named("imm-58")).isSameAs(LandmarkScheme.IMM_58);
        assertThat(LandmarkScheme.named("ibug-68")).isSameAs(LandmarkScheme.IBUG_68);
        assertThat(LandmarkScheme.named("nose-tip")).isSameAs(LandmarkScheme.NOSE_TIP);
    }

    @Test
    void groupOfFindsTheGroupHoldingThePoint() {
        // iBUG 68 groups: jaw 0–16, eye_right 36–41, mouth 48–67.
        assertThat(LandmarkScheme.IBUG_68.groupOf(0)).isEqualTo("jaw");
        assertThat(LandmarkScheme.IBUG_68.groupOf(36)).isEqualTo("eye_right");
        assertThat(LandmarkScheme.IBUG_68.groupOf(67)).isEqualTo("mouth");
        assertThat(LandmarkScheme.IBUG_68.pointNames().get(37)).isEqualTo("eye_right_1");
        assertThatThrownBy(() -> LandmarkScheme.IBUG_68.groupOf(68))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("point 68 is in no group of ibug-68");
    }

    @Test
    void aSchemeWithoutGroupsPutsEveryPointInGroupAll() {
        LandmarkScheme s = abc().build();
        assertThat(s.groupOf(0)).isEqualTo("all");
        assertThat(s.groupOf(2)).isEqualTo("all");
        assertThat(s.groups()).containsOnlyKeys("all");
        // Without an explicit permutation, mirroring keeps every point's index.
        assertThat(s.flipPermutation()).containsExactly(0, 1, 2);
        assertThat(s.normalizerIndices()).isEmpty();
    }

    @Test
    void explicitGroupsReplaceTheDefault() {
        LandmarkScheme s = abc().addGroup("ab", 0, 1).addGroup("c", 2).optNormalizer(0, 2).build();
        assertThat(s.groupOf(1)).isEqualTo("ab");
        assertThat(s.groupOf(2)).isEqualTo("c");
        assertThat(s.groups()).containsOnlyKeys("ab", "c");
        assertThat(s.normalizerIndices()).containsExactly(0, 2);
    }

    @Test
    void equalityComparesEveryDefiningField() {
        LandmarkScheme s = abc().build();
        assertThat(s).isEqualTo(s).isEqualTo(abc().build()).hasSameHashCodeAs(abc().build());
        assertThat(s).isNotEqualTo("abc");
        assertThat(s.equals(null)).isFalse();
        assertThat(s).isNotEqualTo(abc().setName("abd").build());
        assertThat(s)
                .isNotEqualTo(
                        LandmarkScheme.builder()
                                .setName("abc")
                                .setPointNames(List.of("a", "b", "d"))
                                .build());
        assertThat(s).isNotEqualTo(abc().optFlipPermutation(2, 1, 0).build());
        assertThat(s).isNotEqualTo(abc().optNormalizer(0, 2).build());
        assertThat(LandmarkScheme.NOSE_TIP)
                .isNotEqualTo(
                        LandmarkScheme.builder()
                                .setName("nose-tip")
                                .setPointNames(LandmarkScheme.NOSE_TIP.pointNames())
                                .build());
    }

    @Test
    void toStringNamesTheSchemeAndItsSize() {
        assertThat(LandmarkScheme.IBUG_68).hasToString("ibug-68 (68 points)");
    }

    @Test
    void theBuilderNamesWhatIsMissing() {
        assertThatThrownBy(() -> LandmarkScheme.builder().setPointNames(List.of("a")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setName");
        assertThatThrownBy(() -> LandmarkScheme.builder().setName("x").build())
                .hasMessageContaining("setPointNames");
        assertThatThrownBy(
                        () ->
                                LandmarkScheme.builder()
                                        .setName("x")
                                        .setPointNames(List.of())
                                        .build())
                .hasMessageContaining("setPointNames");
        assertThatThrownBy(() -> abc().optFlipPermutation(0, 1).build())
                .hasMessage("flip permutation has 2 entries, expected 3");
    }
}
