package io.github.keypoints.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;

class AffineProperties {

    @Property
    void composingTwoAffinesEqualsApplyingThemInTurn(
            @ForAll @DoubleRange(min = -180, max = 180) double deg,
            @ForAll @DoubleRange(min = -50, max = 50) double dx,
            @ForAll @DoubleRange(min = 0.5, max = 2) double s,
            @ForAll @DoubleRange(min = -500, max = 500) double x,
            @ForAll @DoubleRange(min = -500, max = 500) double y) {
        Affine first = Affine.rotation(deg, 320, 240);
        Affine second = Affine.scaling(s, s).then(Affine.translation(dx, -dx));
        Affine both = first.then(second);
        double x1 = first.applyX(x, y);
        double y1 = first.applyY(x, y);
        assertThat(both.applyX(x, y)).isCloseTo(second.applyX(x1, y1), within(1e-9));
        assertThat(both.applyY(x, y)).isCloseTo(second.applyY(x1, y1), within(1e-9));
    }

    @Property
    void rotateThenRotateBackReturnsPointsWithinAThousandthOfAPixel(
            @ForAll @DoubleRange(min = -180, max = 180) double deg,
            @ForAll @DoubleRange(min = 0, max = 640) double x,
            @ForAll @DoubleRange(min = 0, max = 480) double y) {
        Keypoints k = Keypoints.of(LandmarkScheme.NOSE_TIP, new double[] {x, y});
        Keypoints back =
                k.transform(Affine.rotation(deg, 100, 50))
                        .transform(Affine.rotation(-deg, 100, 50));
        assertThat(back.maxDistance(k)).isLessThan(1e-3);
    }

    @Property
    void triangleAffineMapsVerticesExactly(
            @ForAll @DoubleRange(min = 0, max = 100) double a,
            @ForAll @DoubleRange(min = 0, max = 100) double b,
            @ForAll @DoubleRange(min = 0, max = 100) double c) {
        double[] src = {a, b, a + 10 + c, b, a, b + 10 + c};
        double[] dst = {b, a, c, c + 3, a + b, 7};
        Affine t = Affine.fromTriangles(src, dst);
        for (int i = 0; i < 3; i++) {
            assertThat(t.applyX(src[2 * i], src[2 * i + 1])).isCloseTo(dst[2 * i], within(1e-6));
            assertThat(t.applyY(src[2 * i], src[2 * i + 1]))
                    .isCloseTo(dst[2 * i + 1], within(1e-6));
        }
    }
}
