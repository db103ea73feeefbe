package io.github.keypoints.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Keypoints arithmetic, equality and argument checks against values worked out by hand. */
class KeypointsValueTest {

    private static final LandmarkScheme THREE =
            LandmarkScheme.builder()
                    .setName("three")
                    .setPointNames(List.of("left", "middle", "right"))
                    .optFlipPermutation(2, 1, 0)
                    .build();

    private static Keypoints three(double... xy) {
        return Keypoints.of(THREE, xy);
    }

    @Test
    void aWrongCoordinateCountNamesTheSchemeAndBothCounts() {
        assertThatThrownBy(() -> Keypoints.of(THREE, new float[] {1, 2, 3, 4}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Scheme three has 3 points, but 2 were given");
    }

    @Test
    void aNonFiniteCoordinateIsRejectedNamingItsPoint() {
        // Coordinate 3 is the y of point 1.
        assertThatThrownBy(() -> Keypoints.of(THREE, new float[] {0, 0, 1, Float.NaN, 2, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Point 1 has a non-finite coordinate: NaN");
        assertThatThrownBy(
                        () ->
                                Keypoints.of(
                                        THREE,
                                        new float[] {0, 0, 1, 1, 2, Float.POSITIVE_INFINITY}))
                .hasMessageContaining("Point 2");
    }

    @Test
    void meanAndMaxDistanceAreThoseOfThreeFourFiveTriangles() {
        Keypoints a = three(0, 0, 10, 10, 20, 20);
        // Offsets (3, 4) → 5, (0, 0) → 0, (−6, 8) → 10.
        Keypoints b = three(3, 4, 10, 10, 14, 28);
        assertThat(a.meanDistance(b)).isCloseTo(5.0, within(1e-9));
        assertThat(a.maxDistance(b)).isCloseTo(10.0, within(1e-9));
        assertThat(b.meanDistance(a)).isCloseTo(5.0, within(1e-9));
        assertThat(a.meanDistance(a)).isZero();
    }

    @Test
    void distancesBetweenDifferentPointCountsAreRejected() {
        Keypoints a = three(0, 0, 1, 1, 2, 2);
        Keypoints nose = Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {0, 0});
        assertThatThrownBy(() -> a.meanDistance(nose))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Point counts differ: 3 vs 1");
        assertThatThrownBy(() -> a.maxDistance(nose)).hasMessage("Point counts differ: 3 vs 1");
    }

    @Test
    void scaleMultipliesEachAxisByItsFactor() {
        Keypoints k = three(1, 2, 3, 4, 5, 6).scale(2, 0.5);
        assertThat(k.toArray()).containsExactly(2, 1, 6, 2, 10, 3);
    }

    @Test
    void flipMirrorsAboutTheLastPixelAndSwapsLeftAndRight() {
        // In a 10-pixel wide image x → 9 − x, then point i takes point perm[i]'s place.
        Keypoints k = three(1, 5, 4, 6, 8, 7).flipHorizontally(10);
        assertThat(k.toArray()).containsExactly(1, 7, 5, 6, 8, 5);
    }

    @Test
    void equalityIsByValueAndSchemeAndHashCodesAgree() {
        Keypoints a = three(1, 2, 3, 4, 5, 6);
        Keypoints same = three(1, 2, 3, 4, 5, 6);
        assertThat(a).isEqualTo(a).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(a).isNotEqualTo(three(1, 2, 3, 4, 5, 7));
        assertThat(a).isNotEqualTo("keypoints");
        assertThat(a.equals(null)).isFalse();
        LandmarkScheme other =
                LandmarkScheme.builder()
                        .setName("other")
                        .setPointNames(List.of("left", "middle", "right"))
                        .build();
        assertThat(a).isNotEqualTo(Keypoints.of(other, new double[] {1, 2, 3, 4, 5, 6}));
    }

    @Test
    void toStringNamesTheSchemeAndCount() {
        assertThat(three(0, 0, 0, 0, 0, 0)).hasToString("Keypoints[three, 3 points]");
    }
}
