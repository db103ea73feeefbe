package io.github.keypoints.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Box values, text form and argument checks, against numbers worked out by hand. */
class BoxTest {

    @Test
    void parseReadsFourNumbersWithSpacesAroundTheCommas() {
        Box b = Box.parse(" 1.5 , 2,3 ,  4.25 ");
        assertThat(b.x()).isEqualTo(1.5);
        assertThat(b.y()).isEqualTo(2);
        assertThat(b.width()).isEqualTo(3);
        assertThat(b.height()).isEqualTo(4.25);
    }

    @Test
    void parseNamesTheTextWhenItIsNotFourNumbers() {
        assertThatThrownBy(() -> Box.parse("1,2,3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x,y,w,h")
                .hasMessageContaining("'1,2,3'");
        assertThatThrownBy(() -> Box.parse("1,2,x,4"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'1,2,x,4'");
    }

    @Test
    void toCsvWritesWholeNumbersWithoutADecimalPointAndRoundTrips() {
        Box b = new Box(1.5, -2, 30, 4.25);
        assertThat(b.toCsv()).isEqualTo("1.5,-2,30,4.25");
        assertThat(Box.parse(b.toCsv())).isEqualTo(b);
    }

    @Test
    void containsIncludesTheEdgesAndExcludesPointsJustOutside() {
        Box b = new Box(10, 20, 5, 4); // x 10..15, y 20..24
        assertThat(b.contains(10, 20)).isTrue();
        assertThat(b.contains(15, 24)).isTrue();
        assertThat(b.contains(12, 22)).isTrue();
        assertThat(b.contains(9.999, 22)).isFalse();
        assertThat(b.contains(15.001, 22)).isFalse();
        assertThat(b.contains(12, 19.999)).isFalse();
        assertThat(b.contains(12, 24.001)).isFalse();
    }

    @Test
    void scaleAboutCenterKeepsTheCentreAndRejectsNonPositiveFactors() {
        Box b = new Box(0, 0, 10, 20).scaleAboutCenter(1.2);
        assertThat(b.x()).isCloseTo(-1, within(1e-12));
        assertThat(b.y()).isCloseTo(-2, within(1e-12));
        assertThat(b.width()).isCloseTo(12, within(1e-12));
        assertThat(b.height()).isCloseTo(24, within(1e-12));
        assertThatThrownBy(() -> new Box(0, 0, 1, 1).scaleAboutCenter(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("factor must be positive, was 0.0");
    }

    @Test
    void expandToAspectGrowsTheShortSideOnlyAndRejectsNonPositiveAspects() {
        Box wide = new Box(0, 0, 40, 10).expandToAspect(2); // too wide: heighten to 20
        assertThat(wide).isEqualTo(new Box(0, -5, 40, 20));
        Box tall = new Box(0, 0, 10, 40).expandToAspect(0.5); // too tall: widen to 20
        assertThat(tall).isEqualTo(new Box(-5, 0, 20, 40));
        assertThatThrownBy(() -> new Box(0, 0, 1, 1).expandToAspect(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aspect must be positive, was 0.0");
    }

    @Test
    void iouOfTwoEmptyBoxesIsZeroNotNaN() {
        // Touching or empty boxes share no area; the ratio must not become 0 / 0.
        Box point = new Box(3, 3, 0, 0);
        assertThat(point.iou(point)).isZero();
        Box line = new Box(0, 0, 5, 0);
        assertThat(line.iou(new Box(0, 0, 5, 0))).isZero();
    }

    @Test
    void negativeSizesAreRejectedNamingThem() {
        assertThatThrownBy(() -> new Box(0, 0, -1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1.0x2.0");
    }
}
