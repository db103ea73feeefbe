package io.github.keypoints.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LandmarkSchemeTest {

    @Test
    void builtInSchemesHaveTheirPointCounts() {
        assertThat(LandmarkScheme.IMM_58.size()).isEqualTo(58);
        assertThat(LandmarkScheme.IBUG_68.size()).isEqualTo(68);
        assertThat(LandmarkScheme.NOSE_TIP.size()).isEqualTo(1);
        assertThat(LandmarkScheme.NOSE_TIP.parentIndices()).containsExactly(52);
    }

    @Test
    void ibugFlipSwapsOuterEyeCornersAndKeepsNoseBridge() {
        int[] p = LandmarkScheme.IBUG_68.flipPermutation();
        assertThat(p[36]).isEqualTo(45);
        assertThat(p[0]).isEqualTo(16);
        assertThat(p[30]).isEqualTo(30);
        assertThat(p[48]).isEqualTo(54);
        assertThat(p[66]).isEqualTo(66);
    }

    @Test
    void immFlipFollowsPointGroups() {
        LandmarkScheme s = LandmarkScheme.IMM_58;
        int[] p = s.flipPermutation();
        for (int i = 0; i < 58; i++) {
            String g = s.groupOf(i);
            String h = s.groupOf(p[i]);
            assertThat(h.replace("right", "X").replace("left", "X"))
                    .as("point %d in %s flips to %d in %s", i, g, p[i], h)
                    .isEqualTo(g.replace("right", "X").replace("left", "X"));
        }
        assertThat(s.normalizerIndices()).containsExactly(21, 13);
        assertThat(p[21]).isEqualTo(13);
    }

    @Test
    void builderRejectsNonInvolution() {
        assertThatThrownBy(
                        () ->
                                LandmarkScheme.builder()
                                        .setName("bad")
                                        .setPointNames(java.util.List.of("a", "b", "c"))
                                        .optFlipPermutation(1, 2, 0)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("involution");
    }

    @Test
    void unknownSchemeNameListsKnownOnes() {
        assertThatThrownBy(() -> LandmarkScheme.named("dlib-5"))
                .hasMessageContaining("imm-58")
                .hasMessageContaining("dlib-5");
    }
}
