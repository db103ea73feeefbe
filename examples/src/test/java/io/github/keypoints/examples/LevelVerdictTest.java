package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.models.ConvolutionCheck;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The launcher's and {@code bench onednn}'s judgement of a level, on made-up comparisons: each kind
 * of network takes the layout the library's rule gives it, and only the comparisons of the layouts
 * in use count against the level. Channels-last is made the preferred layout here.
 */
class LevelVerdictTest {

    private static final String PROPERTY = "keypoints.channelsLast";

    @BeforeEach
    void preferChannelsLast() {
        System.setProperty(PROPERTY, "auto");
    }

    @AfterEach
    void clear() {
        System.clearProperty(PROPERTY);
    }

    /**
     * {wrong, checked} of 3×3 outputs, 3×3 gradients, ResNet-18's outputs, heatmap's (none wrong),
     * the stack networks' own (none compared).
     */
    private static long[][] counts(long outputs, long gradients, long shapes) {
        return new long[][] {{outputs, 100}, {gradients, 10}, {shapes, 1}, {0, 1000}, {0, 0}};
    }

    private static List<List<String>> failing(String outputs, String gradients, String shapes) {
        return List.of(
                outputs == null ? List.of() : List.of(outputs),
                gradients == null ? List.of() : List.of(gradients),
                shapes == null ? List.of() : List.of(shapes),
                List.of(),
                List.of());
    }

    @Test
    void theAmdCaseRunsTheStacksChannelsLastAndResNetInTheDefaultLayout() {
        boolean cl = ConvolutionCheck.networksRunChannelsLast();
        // as on the AMD EPYC at AVX512_CORE: the shortcut wrong in the preferred layout, small 3x3
        // outputs wrong in the other
        LevelVerdict v =
                LevelVerdict.judge(
                        Map.of(cl, counts(0, 0, 7), !cl, counts(50, 0, 0)),
                        Map.of(
                                cl, failing(null, null, "shortcut"),
                                !cl, failing("24 channels", null, null)));
        assertThat(v.right()).isTrue();
        String preferred = cl ? "channels-last" : "default";
        String other = cl ? "default" : "channels-last";
        assertThat(v.layout()).isEqualTo(preferred + ", ResNet-18 " + other);
        // in use: the preferred layout's 3x3 outputs and gradients, the other's gradients and
        // shapes
        assertThat(v.wrongChecked()).containsExactly(0, 100 + 10 + 1000 + 10 + 1);
        assertThat(v.otherWrongChecked()).containsExactly(7 + 50, 1 + 100 + 1000);
        assertThat(v.failing()).isEmpty();
    }

    @Test
    void aKindWithNoRightLayoutFailsTheLevelAndIsNamed() {
        boolean cl = ConvolutionCheck.networksRunChannelsLast();
        LevelVerdict v =
                LevelVerdict.judge(
                        Map.of(cl, counts(0, 0, 7), !cl, counts(0, 0, 3)),
                        Map.of(
                                cl, failing(null, null, "shortcut"),
                                !cl, failing(null, null, "stem")));
        assertThat(v.right()).isFalse();
        assertThat(v.layout()).isEqualTo(cl ? "channels-last" : "default");
        assertThat(v.wrongChecked()).containsExactly(7, 1111);
        assertThat(v.failing()).containsExactly("shortcut", "no right layout for ResNet-18");
    }

    @Test
    void whenThePreferredLayoutIsRightTheOtherIsNotNeeded() {
        boolean cl = ConvolutionCheck.networksRunChannelsLast();
        LevelVerdict v =
                LevelVerdict.judge(
                        Map.of(cl, counts(0, 0, 0)), Map.of(cl, failing(null, null, null)));
        assertThat(v.right()).isTrue();
        assertThat(v.layout()).isEqualTo(cl ? "channels-last" : "default");
        assertThat(v.otherWrongChecked()).containsExactly(0, 0);
    }

    @Test
    void onMxnetEveryKindMustBeRightInTheDefaultLayout() {
        LevelVerdict right =
                LevelVerdict.judgeDefaultLayout(
                        Map.of(false, counts(0, 0, 0)), Map.of(false, failing(null, null, null)));
        assertThat(right.right()).isTrue();
        assertThat(right.layout()).isEqualTo("default");
        assertThat(right.wrongChecked()).containsExactly(0, 1111);
        LevelVerdict wrong =
                LevelVerdict.judgeDefaultLayout(
                        Map.of(false, counts(0, 0, 2)),
                        Map.of(false, failing(null, null, "shortcut")));
        assertThat(wrong.right()).isFalse();
        assertThat(wrong.layout()).isEqualTo("default");
        assertThat(wrong.failing()).containsExactly("shortcut", "no right layout for ResNet-18");
    }
}
