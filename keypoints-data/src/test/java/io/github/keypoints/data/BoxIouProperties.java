package io.github.keypoints.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class BoxIouProperties {

    @Property
    void iouIsSymmetricBoundedAndOneForEqualBoxes(
            @ForAll @DoubleRange(min = -100, max = 100) double x1,
            @ForAll @DoubleRange(min = -100, max = 100) double y1,
            @ForAll @DoubleRange(min = 0.5, max = 80) double w1,
            @ForAll @DoubleRange(min = 0.5, max = 80) double h1,
            @ForAll @DoubleRange(min = -100, max = 100) double x2,
            @ForAll @DoubleRange(min = -100, max = 100) double y2,
            @ForAll @DoubleRange(min = 0.5, max = 80) double w2,
            @ForAll @DoubleRange(min = 0.5, max = 80) double h2) {
        Box a = new Box(x1, y1, w1, h1);
        Box b = new Box(x2, y2, w2, h2);
        assertThat(a.iou(b)).isCloseTo(b.iou(a), within(1e-12));
        assertThat(a.iou(b)).isBetween(0.0, 1.0);
        assertThat(a.iou(a)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void iouOfKnownBoxes() {
        Box a = new Box(0, 0, 10, 10);
        assertThat(a.iou(new Box(5, 0, 10, 10))).isCloseTo(50.0 / 150.0, within(1e-12));
        assertThat(a.iou(new Box(2.5, 2.5, 5, 5))).isCloseTo(0.25, within(1e-12));
        assertThat(a.iou(new Box(10, 0, 10, 10))).isZero();
        assertThat(a.iou(new Box(30, 30, 1, 1))).isZero();
    }
}
